// What replays that change nothing twice cost (issue 10, src/db/turn-effects.ts): recording an
// answer through the pipeline as the inbox runs it (handleAccepted), with its delivery id (the
// look-up of an earlier change, and the TurnEffect row written in the answer's transaction) next
// to the same turn without one (no look-up, no mark): the baseline, interleaved on the same app.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import type { Turn } from "../src/core/turn.ts";
import { percentile, round } from "./stats.ts";

let seq = 0;
function turn(text: string, user: string, withId: boolean): Turn {
  return {
    platform: "console",
    deliveryId: withId ? `bench-effects-${process.pid}-${++seq}` : undefined,
    org: { externalKey: "console:bench-effects" },
    user: { platformUserId: user },
    conversation: { key: `console:bench-effects:${user}`, kind: "personal" },
    input: { kind: "text", text },
    receivedAt: new Date(),
  };
}

export async function measureTurnEffects(n = 300, databaseUrl?: string) {
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-effects-")),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const app = await createApp(config, { log: createLogger("error") });
  try {
    const time = async (text: string, user: string, withId: boolean) => {
      const t0 = performance.now();
      const r = await app.pipeline.handleAccepted(turn(text, user, withId));
      const ms = performance.now() - t0;
      if (r.intent !== "record_answer") throw new Error(`"${text}" went to ${r.intent}`);
      return ms;
    };
    for (let i = 0; i < 10; i++) {
      await time(`No.${1 + i}は達成`, "marked", true);
      await time(`No.${1 + i}は達成`, "plain", false);
    }
    const marked: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < n; i++) {
      const text = `No.${1 + (i % 153)}は${i % 2 ? "達成" : "未達成"}`;
      marked.push(await time(text, "marked", true));
      plain.push(await time(text, "plain", false));
    }
    const m50 = percentile(marked, 50), p50 = percentile(plain, 50);
    return {
      n,
      db: app.db.kind,
      marked: { p50_ms: round(m50), p99_ms: round(percentile(marked, 99)) },
      plain: { p50_ms: round(p50), p99_ms: round(percentile(plain, 99)) },
      ratio_p50: round(m50 / p50),
      marks: await app.db.prisma.turnEffect.count(),
    };
  } finally {
    await app.close();
  }
}
