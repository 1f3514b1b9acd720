// 「第3回の参加者」/「第3回の参加者CSV」(secretariat): who booked (company, person, topic) and
// who waits, with a CSV export. Names are personal data: shown to the secretariat, never logged.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Block, type Reply } from "../src/core/reply.ts";
import { readAdminRequest } from "../src/booking/commands.ts";
import { registrantsCsv } from "../src/booking/csv.ts";
import { noSessionReply } from "../src/booking/intent-support.ts";
import { sessionName } from "../src/booking/replies.ts";
import { SeriesNoParam } from "../src/booking/session-data.ts";

export const sessionRegistrants = defineIntent({
  name: "session_registrants",
  description: { ja: "相談会の参加者一覧とCSV(事務局)", en: "Registrants of a session, with CSV (secretariat)" },
  examples: { ja: ["第3回の参加者", "第3回の参加者CSV"], en: ["registrants of session 3"] },
  role: "secretariat",
  params: z.object({ seriesNo: SeriesNoParam, csv: z.boolean().optional() }).strict(),
  match(text) {
    const r = readAdminRequest(text);
    return r?.kind === "registrants" ? { seriesNo: r.seriesNo, csv: r.csv || undefined } : null;
  },
  async handle({ seriesNo, csv }, ctx): Promise<Reply> {
    const { lang } = ctx;
    const found = await ctx.services.booking.registrants(seriesNo);
    if (!found) return noSessionReply(seriesNo, ctx);
    const { session, rows } = found;
    const confirmed = rows.filter((r) => r.status === "confirmed");
    const waiting = rows.filter((r) => r.status === "waitlisted");
    const title = tr(
      lang,
      `${sessionName(session, lang)} の参加者: 予約${confirmed.length}名(定員${session.capacity})・キャンセル待ち${waiting.length}名`,
      `${sessionName(session, lang)}: ${confirmed.length} booked (of ${session.capacity}), ${waiting.length} waiting`,
    );
    const none = tr(lang, "(未登録)", "(unknown)");
    const line = (r: (typeof rows)[number]) =>
      `${r.company || none} — ${r.person || none}${r.topic ? tr(lang, `(テーマ: ${r.topic})`, ` (topic: ${r.topic})`) : ""}`;
    const blocks: Block[] = [
      { type: "list", title: tr(lang, "予約済み", "Booked"), entries: confirmed.map((r, i) => ({ label: `${i + 1}. ${line(r)}` })) },
    ];
    if (waiting.length) blocks.push({ type: "list", title: tr(lang, "キャンセル待ち(順番)", "Waitlist (in order)"), entries: waiting.map((r) => ({ label: `${r.position}. ${line(r)}` })) });
    if (!rows.length) blocks.splice(0, blocks.length, { type: "text", text: tr(lang, "まだ予約はありません。", "No bookings yet.") });
    if (csv) {
      blocks.push({
        type: "file",
        file: {
          ...registrantsCsv(session, rows),
          title: tr(lang, `第${session.seriesNo}回 参加者一覧`, `Session ${session.seriesNo} registrants`),
        },
      });
    } else if (rows.length) {
      blocks.push({ type: "choices", choices: [{ label: tr(lang, "CSVで出力", "Export CSV"), action: { intent: "session_registrants", params: { seriesNo, csv: true } } }] });
    }
    return { text: title, blocks: [{ type: "heading", text: title }, ...blocks], private: true };
  },
});
