// A list of suppliers to invite at once, from .xlsx or .csv (UTF-8 or Shift_JIS), read with the
// same reader as the check-sheet import (src/core/spreadsheet.ts). Columns are found by their
// header (取引先名/会社名/name, 連絡先/contact, 期限/due date). All or nothing: every broken row is
// named with its row number and why, and then nothing is created.
import { readTables } from "../core/spreadsheet.ts";
import { ImportError } from "../core/spreadsheet.ts";
import { dayOf } from "./service.ts";

export const MAX_LIST_ROWS = 1000;

export interface ListedSupplier {
  name: string;
  contact: string | null;
  dueDate: Date | null;
}

export interface ListProblem {
  /** the row number as the spreadsheet shows it (1-based) */
  row: number;
  ja: string;
  en: string;
}

export type ListResult = { ok: true; suppliers: ListedSupplier[] } | { ok: false; problems: ListProblem[] };

const NAME = /^(取引先名?|会社名|社名|企業名|仕入先名?|サプライヤー名?|(supplier|company)( name)?|name)$/i;
const CONTACT = /^(連絡先|担当者?|担当者?連絡先|メール(アドレス)?|e-?mail|contact)$/i;
const DUE = /^(回答期限|期限|締切|締め切り|提出期限|due( date)?|deadline)$/i;

/** A date as people write it: 2027-01-31, 2027/1/31, 2027年1月31日, or an Excel date cell. */
export function parseDueDate(text: string): Date | null {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:T00:00:00(?:\.000)?Z)?$/.exec(text.normalize("NFKC").trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date;
}

export async function readSupplierList(data: Buffer, fileName: string, now: Date): Promise<ListResult> {
  const tables = await readTables(data, fileName);
  for (const t of tables) {
    const headerAt = t.rows.slice(0, 10).findIndex((r) => r.some((c) => NAME.test(c.trim())));
    if (headerAt < 0) continue;
    const header = t.rows[headerAt].map((c) => c.trim());
    const col = { name: header.findIndex((c) => NAME.test(c)), contact: header.findIndex((c) => CONTACT.test(c)), due: header.findIndex((c) => DUE.test(c)) };
    const problems: ListProblem[] = [];
    const suppliers: ListedSupplier[] = [];
    const seen = new Map<string, number>();
    const today = dayOf(now);
    t.rows.slice(headerAt + 1).forEach((r, i) => {
      const row = headerAt + 2 + i;
      const get = (c: number) => (c >= 0 ? (r[c] ?? "").trim() : "");
      if (!r.some((c) => c.trim())) return;
      const name = get(col.name);
      const contact = get(col.contact);
      const dueText = get(col.due);
      const bad = (ja: string, en: string) => problems.push({ row, ja, en });
      if (!name) return bad("取引先名が空です", "the name is empty");
      if (name.length > 100) bad(`取引先名が長すぎます(${name.length}文字、100文字まで)`, `the name is too long (${name.length} characters, 100 at most)`);
      if (contact.length > 200) bad("連絡先が長すぎます(200文字まで)", "the contact is too long (200 characters at most)");
      let dueDate: Date | null = null;
      if (dueText) {
        dueDate = parseDueDate(dueText);
        if (!dueDate) bad(`期限「${dueText}」を日付として読めません`, `the due date "${dueText}" is not a date`);
        else if (dayOf(dueDate) < today) bad(`期限 ${dayOf(dueDate)} はもう過ぎています`, `the due date ${dayOf(dueDate)} has passed`);
      }
      const key = name.normalize("NFKC").toLowerCase();
      if (seen.has(key)) bad(`「${name}」が${seen.get(key)}行目と重複しています`, `"${name}" repeats row ${seen.get(key)}`);
      else seen.set(key, row);
      suppliers.push({ name, contact: contact || null, dueDate });
    });
    if (suppliers.length > MAX_LIST_ROWS) return { ok: false, problems: [{ row: headerAt + 2 + MAX_LIST_ROWS, ja: `一度に${MAX_LIST_ROWS}社までです`, en: `at most ${MAX_LIST_ROWS} suppliers at once` }] };
    if (!suppliers.length && !problems.length) return { ok: false, problems: [{ row: headerAt + 2, ja: "取引先の行がありません", en: "the list has no supplier rows" }] };
    return problems.length ? { ok: false, problems } : { ok: true, suppliers };
  }
  throw new ImportError("no_header");
}
