// `npm run sessions:import -- <file.csv|yaml>`: the secretariat's bulk edit. Every row is
// validated first (zod) and every broken row is reported; then all rows are written in one
// transaction (new numbers created, existing ones changed like a chat edit, registrants told of
// changes through the outbox), or none of them.
import type { Db } from "../db/client.ts";
import type { Logger } from "../core/logger.ts";
import { BookingService } from "./booking-service.ts";
import { describeProblems, readSessionsFile } from "./session-file.ts";

export interface ImportReport {
  ok: boolean;
  /** what to print, Japanese first */
  message: string;
}

export async function importSessionsFile(db: Db, file: string, areaIds: ReadonlySet<string>, log: Logger, now: Date, opts: { dryRun?: boolean } = {}): Promise<ImportReport> {
  const { sessions, problems } = readSessionsFile(file, areaIds);
  if (problems.length)
    return {
      ok: false,
      message: `${file} に問題があります。何も書き込んでいません / ${file} has problems; nothing was written:\n${describeProblems(problems)}`,
    };
  if (opts.dryRun) return { ok: true, message: `${sessions.length}件の回はすべて有効です(--dry-run: 書き込みなし) / all ${sessions.length} sessions are valid (dry run, nothing written)` };
  const service = new BookingService(db, { areaIds, log });
  const r = await service.importSessions(sessions, now);
  if (!r.ok)
    return {
      ok: false,
      message:
        `現在の登録内容と矛盾するため、何も書き込んでいません / conflicts with what is stored; nothing was written:\n` +
        r.problems.map((p) => `no ${p.seriesNo}: ${p.problems.join("; ")}`).join("\n"),
    };
  const list = (ns: number[]) => (ns.length ? ns.map((n) => `第${n}回`).join(", ") : "なし");
  return {
    ok: true,
    message:
      `取り込みました / imported: 追加 ${list(r.created)} ・ 変更 ${list(r.changed)} ・ 変更なし ${list(r.unchanged)}` +
      (r.notified ? `\n登録者への変更のお知らせ ${r.notified}件を送信待ちにしました / ${r.notified} notices to registrants queued` : ""),
  };
}
