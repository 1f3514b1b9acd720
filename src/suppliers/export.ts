// The buyer's view of its suppliers as files, like the check sheet export: .xlsx (one row per
// supplier, frozen header, filter; a second sheet of totals) and .csv (UTF-8 with a BOM; cells
// Excel would run as formulas defused). Only what the consents cover: a supplier that does not
// share has empty figure columns.
import { loadExcelJS } from "../core/spreadsheet.ts";
import { tr, type Lang } from "../core/reply.ts";
import { csvSafe, CSV_MIME, XLSX_MIME } from "../assessment/export.ts";
import type { Rollout } from "./service.ts";
import { day, stateLabel, scopeLabel } from "./replies.ts";

export { CSV_MIME, XLSX_MIME };

function headers(lang: Lang): string[] {
  const lv = (n: number) => [tr(lang, `Lv${n} 回答数`, `Lv${n} answered`), tr(lang, `Lv${n} 達成数`, `Lv${n} achieved`), tr(lang, `Lv${n} 達成率`, `Lv${n} rate`)];
  return [
    tr(lang, "取引先", "Supplier"),
    tr(lang, "状態", "State"),
    tr(lang, "期限", "Due"),
    tr(lang, "期限超過", "Overdue"),
    tr(lang, "共有範囲", "Shared"),
    ...lv(1),
    ...lv(2),
    ...lv(3),
    tr(lang, "提出", "Submitted"),
    tr(lang, "最終更新", "Last updated"),
    tr(lang, "最終の動き", "Last activity"),
    tr(lang, "リマインド", "Reminded"),
    tr(lang, "その先の取引先: 招待", "Its suppliers: invited"),
    tr(lang, "参加", "joined"),
    tr(lang, "提出", "submitted"),
    tr(lang, "連絡先", "Contact"),
  ];
}

function rows(r: Rollout, lang: Lang): (string | number)[][] {
  const yes = tr(lang, "はい", "yes");
  return r.rows.map((s) => {
    const lv = (i: number) => {
      const l = s.shared?.levels[i];
      return l ? [l.answered, l.achieved, l.rate === null ? "" : Math.round(l.rate * 1000) / 10] : ["", "", ""];
    };
    return [
      s.name,
      stateLabel(s.state, lang) + (s.withdrawn ? tr(lang, "(共有停止)", " (withdrawn)") : ""),
      s.dueDate ? day(s.dueDate) : "",
      s.overdue ? yes : "",
      s.scope ? scopeLabel(s.scope, lang) : tr(lang, "共有なし", "nothing"),
      ...lv(0),
      ...lv(1),
      ...lv(2),
      s.shared ? (s.shared.submitted ? yes : tr(lang, "いいえ", "no")) : "",
      s.shared?.lastUpdated ? day(s.shared.lastUpdated) : "",
      day(s.lastActivity),
      s.lastRemindedAt ? day(s.lastRemindedAt) : "",
      s.chain?.invited ?? "",
      s.chain?.joined ?? "",
      s.chain?.submitted ?? "",
      s.contact ?? "",
    ];
  });
}

function totals(r: Rollout, lang: Lang): [string, number][] {
  const t = r.totals;
  return [
    [tr(lang, "取引先(依頼した数)", "Suppliers invited"), t.all],
    ...(["invited", "joined", "answering", "submitted", "declined", "expired"] as const).map((k): [string, number] => [stateLabel(k, lang), t[k]]),
    [tr(lang, "レベル1をすべて達成", "Level 1 complete"), t.lv1Complete],
    [tr(lang, "レベル2まですべて達成", "Level 2 complete"), t.lv2Complete],
  ];
}

export async function rolloutXlsx(r: Rollout, lang: Lang, now: Date): Promise<Buffer> {
  const wb = new (await loadExcelJS()).Workbook();
  wb.creator = "JAMA/JAPIA check-sheet assistant";
  wb.created = now;
  const ws = wb.addWorksheet(tr(lang, "取引先の状況", "Suppliers"), { views: [{ state: "frozen", ySplit: 1 }] });
  const h = headers(lang);
  ws.columns = h.map((header, i) => ({ header, width: i === 0 ? 30 : i === h.length - 1 ? 28 : 12 }));
  for (const row of rows(r, lang)) ws.addRow(row);
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
  head.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: h.length } };
  const sum = wb.addWorksheet(tr(lang, "集計", "Totals"));
  sum.columns = [{ width: 30 }, { width: 12 }];
  for (const [k, v] of totals(r, lang)) sum.addRow([k, v]).getCell(1).font = { bold: true };
  sum.addRow([tr(lang, "出力日(日本時間)", "Exported (JST)"), day(now)]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function rolloutCsv(r: Rollout, lang: Lang): Buffer {
  const cell = (v: string | number) => (typeof v === "number" ? String(v) : `"${csvSafe(v).replace(/"/g, '""')}"`);
  const lines = [headers(lang).map(cell).join(","), ...rows(r, lang).map((row) => row.map(cell).join(","))];
  return Buffer.from("\uFEFF" + lines.join("\r\n") + "\r\n", "utf8");
}
