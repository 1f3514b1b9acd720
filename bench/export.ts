// The time to produce a full 153-item export as .xlsx and .csv, reading the answers as the export
// intent does, on a throwaway embedded database. (Recording an answer is in pipeline-turns.ts.)
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createApp, type App } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import type { Turn } from "../src/core/turn.ts";
import { percentile, round } from "./stats.ts";
import { buildSheetData, toCsv, toXlsx } from "../src/assessment/export.ts";

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

/** A sheet with all 153 items answered (with notes), exported `rounds` times as xlsx and csv. */
export async function measureExport(rounds = 10, given?: App): Promise<ExportFigures> {
  const app = given ?? (await benchApp());
  try {
    const { service, choices } = app.services.assessment;
    const kb = app.services.kb;
    await app.pipeline.handle(turn("ヘルプ", `console:bench-export-${process.pid}`, "bench-user"));
    const orgRow = await app.services.db.organization.findUniqueOrThrow({ where: { externalKey: `console:bench-export-${process.pid}` } });
    const user = await app.services.db.user.findFirstOrThrow({ where: { orgId: orgRow.id } });
    const now = new Date();
    const a = await service.current(orgRow.id, now);
    const ids = choices.ids();
    await service.record(
      a,
      { userId: user.id, orgId: orgRow.id },
      { channel: "console", at: now },
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
      xlsx_p50_ms: round(percentile(xlsx, 50)),
      xlsx_max_ms: round(Math.max(...xlsx)),
      xlsx_bytes: xlsxBytes,
      csv_p50_ms: round(percentile(csv, 50)),
      csv_max_ms: round(Math.max(...csv)),
      csv_bytes: csvBytes,
    };
  } finally {
    if (!given) await app.close();
  }
}
