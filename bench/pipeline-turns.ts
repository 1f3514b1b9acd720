// Recording an answer through the pipeline ("No.12は達成": recogniser, zod, row lock, audit
// event, state) next to the echo baseline on the same app and database, interleaved. CPU time per
// turn too (this process's; on PGlite that includes the database): less swayed by a busy machine.
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
function turn(text: string, user: string): Turn {
  return {
    platform: "console",
    deliveryId: `bench-${process.pid}-${++seq}`,
    org: { externalKey: "console:bench-record" },
    user: { platformUserId: user },
    conversation: { key: `console:bench:${user}`, kind: "personal" },
    input: { kind: "text", text },
    receivedAt: new Date(),
  };
}

export async function measureRecordVsEcho(n = 300, databaseUrl?: string) {
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-record-")),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const app = await createApp(config, { log: createLogger("error"), extraIntents: [echo] });
  try {
    const cpu: Record<string, number> = {};
    const time = async (text: string, user: string, intent: string) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await app.pipeline.handle(turn(text, user));
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      cpu[intent] = (cpu[intent] ?? 0) + (c.user + c.system) / 1000;
      if (r?.intent !== intent) throw new Error(`"${text}" went to ${r?.intent}`);
      return ms;
    };
    for (let i = 0; i < 10; i++) {
      await time(`No.${1 + i}は達成`, "recorder", "record_answer");
      await time("echo warm", "echoer", "bench_echo");
    }
    const record: number[] = [];
    const base: number[] = [];
    for (const k of Object.keys(cpu)) delete cpu[k];
    for (let i = 0; i < n; i++) {
      record.push(await time(`No.${1 + (i % 153)}は${i % 2 ? "達成" : "未達成"}`, "recorder", "record_answer"));
      base.push(await time(`echo ${i}`, "echoer", "bench_echo"));
    }
    const r50 = percentile(record, 50), r99 = percentile(record, 99), e50 = percentile(base, 50), e99 = percentile(base, 99);
    return {
      n,
      db: app.db.kind,
      record: { p50_ms: round(r50), p99_ms: round(r99), cpu_ms_per_turn: round(cpu.record_answer / n) },
      echo: { p50_ms: round(e50), p99_ms: round(e99), cpu_ms_per_turn: round(cpu.bench_echo / n) },
      ratio_p50: round(r50 / e50),
    };
  } finally {
    await app.close();
  }
}
