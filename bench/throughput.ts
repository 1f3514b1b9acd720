// How many turns one instance answers per second, for README's "when to choose PostgreSQL": many
// people of several companies working at once, each sending their next message when the last
// was answered (look up an item, record an answer), on the embedded PGlite and on PostgreSQL. The
// baseline is the echo turn under the same load, the floor of the stack.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import type { Turn } from "../src/core/turn.ts";
import { echo } from "./echo-intent.ts";
import { percentile, round } from "./stats.ts";

let seq = 0;
function turn(text: string, person: number): Turn {
  return {
    platform: "console",
    deliveryId: `bench-tp-${process.pid}-${++seq}`,
    org: { externalKey: `console:bench-tp-${person % 20}` },
    user: { platformUserId: `tp-${person}` },
    conversation: { key: `console:bench-tp:${person}`, kind: "personal" },
    input: { kind: "text", text },
    receivedAt: new Date(),
  };
}

export async function measureThroughput(opts: { people?: number; turnsEach?: number; databaseUrl?: string } = {}) {
  const people = opts.people ?? 100;
  const turnsEach = opts.turnsEach ?? 20;
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-tp-")),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
  });
  const app = await createApp(config, { log: createLogger("error"), extraIntents: [echo] });
  try {
    // everyone known to the bot and their year's assessment made, as after their first messages
    for (let p = 0; p < people; p++) await app.pipeline.handle(turn("No.1は達成", p));
    app.warmUp();
    const run = async (text: (i: number) => string) => {
      const waits: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: people }, async (_, p) => {
          for (let i = 0; i < turnsEach; i++) {
            const s = performance.now();
            const r = await app.pipeline.handle(turn(text(p * turnsEach + i), p));
            if (!r || r.intent === "error") throw new Error(`turn failed: ${r?.intent}`);
            waits.push(performance.now() - s);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      return { turns_per_s: Math.round((people * turnsEach) / seconds), p50_ms: round(percentile(waits, 50)), p99_ms: round(percentile(waits, 99)) };
    };
    const base = await run((i) => `echo ${i}`);
    // half look an item up, half record an answer
    const work = await run((i) => (i % 2 ? `No.${1 + (i % 153)}` : `No.${1 + (i % 153)}は${i % 4 ? "達成" : "未達成"}`));
    return { db: app.db.kind, people, turns: people * turnsEach, work, echo: base };
  } finally {
    await app.close();
  }
}
