// CSV in and out (RFC 4180: quotes, doubled quotes, commas and line breaks inside quotes).
// Exports start with a byte-order mark so Excel opens UTF-8 Japanese correctly, and cells that a
// spreadsheet would run as a formula are defused.
import { toJstString } from "./time.ts";

/** Parses CSV text into rows of cells; a leading BOM is dropped, blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const s = text.replace(/^\uFEFF/, "");
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(cell);
    if (!(row.length === 1 && row[0].trim() === "")) rows.push(row);
    row = [];
    cell = "";
  };
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r") {
      // \r\n or a lone \r ends the row
      endRow();
      if (s[i + 1] === "\n") i++;
    } else if (c === "\n") endRow();
    else cell += c;
    i++;
  }
  if (cell !== "" || row.length) endRow();
  return rows;
}

/** Rows with a header line as objects keyed by the (trimmed, lower-cased) header. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const keys = header.map((h) => h.trim().toLowerCase());
  return rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i] ?? ""])));
}

function cellText(v: unknown): string {
  let s = v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : String(v);
  // A cell starting with = + - @ (or a tab/CR) would run as a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text with a BOM and CRLF line ends, as spreadsheets expect. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return "\uFEFF" + [header, ...rows].map((r) => r.map(cellText).join(",")).join("\r\n") + "\r\n";
}

/** The registrants of one session as the secretariat downloads them (chat and web console). */
export function registrantsCsv(
  session: { seriesNo: number },
  rows: { status: string; position?: number; company: string; person: string; topic: string; bookedAt: Date; platform: string }[],
): { name: string; mime: string; data: Buffer } {
  const header = ["回", "状態", "順番", "会社", "氏名", "相談テーマ", "申込日時(日本時間)", "経路"];
  const data = rows.map((r) => [
    session.seriesNo,
    r.status === "confirmed" ? "予約済み" : "キャンセル待ち",
    r.position ?? "",
    r.company,
    r.person,
    r.topic,
    toJstString(r.bookedAt),
    r.platform,
  ]);
  return {
    name: `session-${String(session.seriesNo).padStart(2, "0")}-registrants.csv`,
    mime: "text/csv; charset=utf-8",
    data: Buffer.from(toCsv(header, data), "utf8"),
  };
}
