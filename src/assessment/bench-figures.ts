// Figures for `npm run bench` (wired in bench/run.ts by whoever owns it): the time to record an
// answer through the whole pipeline (recogniser, identity, row-locked write, audit event, reply),
// and the time to produce a full 153-item export as .xlsx and .csv. Each function builds its own
// app on a throwaway embedded database unless given one. Never run by the tests.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import { createApp, type App } from "../app.ts";
import { createLogger } from "../core/logger.ts";
import type { Turn } from "../core/turn.ts";
import { buildSheetData, toCsv, toXlsx } from "./export.ts";

export interface RecordFigures {
  n: number;
  db: "pglite" | "postgres";
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
  /** answer events written (one per turn) */
  events: number;
}

export interface ExportFigures {
  rounds: number;
  items: number;
  xlsx_p50_ms: number;
  xlsx_max_ms: number;
  xlsx_bytes: number;
  csv_p50_ms: number;
  csv_max_ms: number;
  csv_bytes: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/** An app on a fresh embedded database (or on `databaseUrl`), quiet. */
export async function benchApp(databaseUrl?: string): Promise<App> {
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-assessment-")),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  return createApp(config, { log: createLogger("error") });
}

let seq = 0;
function turn(text: string, org: string, user: string): Turn {
  return {
    platform: "console",
    deliveryId: `bench-${process.pid}-${++seq}`,
    org: { externalKey: org },
    user: { platformUserId: user },
    conversation: { key: `console:bench:${user}`, kind: "personal" },
    input: { kind: "text", text },
    receivedAt: new Date(),
  };
}

/** `n` answers typed in chat ("No.12は達成"), one after the other, each timed end to end. */
export async function measureRecordAnswer(n = 200, given?: App): Promise<RecordFigures> {
  const app = given ?? (await benchApp());
  try {
    const org = `console:bench-record-${Date.now()}`;
    const say = (text: string) => app.pipeline.handle(turn(text, org, "bench-user"));
    for (let i = 0; i < 10; i++) await say(`No.${1 + i}は達成`); // warm-up (JIT, first assessment)
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const text = `No.${1 + (i % 153)}は${i % 2 ? "達成" : "未達成"}`;
      const t0 = performance.now();
      const r = await say(text);
      times.push(performance.now() - t0);
      if (r?.intent !== "record_answer") throw new Error(`"${text}" went to ${r?.intent}`);
    }
    const orgRow = await app.services.db.organization.findUniqueOrThrow({ where: { externalKey: org } });
    return {
      n,
      db: app.db.kind,
      p50_ms: r2(percentile(times, 50)),
      p99_ms: r2(percentile(times, 99)),
      mean_ms: r2(times.reduce((a, b) => a + b, 0) / n),
      events: (await app.services.db.answerEvent.count({ where: { orgId: orgRow.id } })) - 10,
    };
  } finally {
    if (!given) await app.close();
  }
}

/** A sheet with all 153 items answered (with notes), exported `rounds` times as xlsx and csv. */
export async function measureExport(rounds = 10, given?: App): Promise<ExportFigures> {
  const app = given ?? (await benchApp());
  try {
    const { service, choices } = app.services.assessment;
    const kb = app.services.kb;
    await app.pipeline.handle(turn("ヘルプ", `console:bench-export-${process.pid}`, "bench-user"));
    const orgRow = await app.services.db.organization.findUniqueOrThrow({ where: { externalKey: `console:bench-export-${process.pid}` } });
    const user = await app.services.db.user.findFirstOrThrow({ where: { orgId: orgRow.id } });
    const a = await service.current(orgRow.id, new Date());
    const ids = choices.ids();
    await service.record(
      a,
      { userId: user.id, orgId: orgRow.id },
      { channel: "console" },
      kb.items().map((it, i) => ({ no: it.no, status: ids[i % ids.length], note: `メモ ${it.no}: 対策の状況と今後の予定を記載` })),
    );
    const xlsx: number[] = [];
    const csv: number[] = [];
    let xlsxBytes = 0;
    let csvBytes = 0;
    for (let i = 0; i < rounds; i++) {
      // each round reads the answers and names as the export intent does
      const t0 = performance.now();
      const { progress, answers } = await service.progress(a);
      const names = await service.names(orgRow.id, [...answers.values()].map((x) => x.answeredById));
      const data = buildSheetData({ kb, choices, assessment: a, answers, names, progress, lang: "ja", now: new Date() });
      const t1 = performance.now();
      xlsxBytes = (await toXlsx(data)).length;
      const t2 = performance.now();
      csvBytes = toCsv(data).length;
      const t3 = performance.now();
      xlsx.push(t2 - t0);
      csv.push(t1 - t0 + (t3 - t2));
    }
    return {
      rounds,
      items: kb.totalItems,
      xlsx_p50_ms: r2(percentile(xlsx, 50)),
      xlsx_max_ms: r2(Math.max(...xlsx)),
      xlsx_bytes: xlsxBytes,
      csv_p50_ms: r2(percentile(csv, 50)),
      csv_max_ms: r2(Math.max(...csv)),
      csv_bytes: csvBytes,
    };
  } finally {
    if (!given) await app.close();
  }
}
