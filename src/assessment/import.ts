// Reads a filled-in check sheet (.xlsx or .csv): our own export at least, and messier sheets too.
// The header row is found by its column names (No. / 回答 / メモ / 証跡, in Japanese or English,
// anywhere in the first rows), values are read whatever their form (○ × - 達成 N/A, "No.1", full-width
// digits, rich text, formulas, links), and every row that cannot be read is reported, never guessed.
// Nothing is written here: the caller shows a preview and applies it after confirmation.
import { ImportError, MAX_IMPORT_BYTES, readTables, type Table } from "../core/spreadsheet.ts";
import { UNANSWERED, fold, type AnswerChoices } from "./choices.ts";
import { readBareStatus } from "./parse-answer.ts";
import { MAX_NOTE } from "./parse-answer.ts";
import type { AnswerChange, CurrentAnswer } from "./service.ts";

export { ImportError, MAX_IMPORT_BYTES, decodeText, parseCsv } from "../core/spreadsheet.ts";

const HEADER_SCAN_ROWS = 30;

export interface ImportRow {
  /** 1-based row (line) in the sheet, for messages */
  line: number;
  no: number;
  status: string;
  note?: string;
  evidence?: string;
}

export type ImportProblemReason = "unknown_status" | "out_of_range" | "reason_required" | "conflict" | "note_too_long";

export interface ImportProblem {
  line: number;
  no?: number;
  reason: ImportProblemReason;
  value?: string;
}

export interface ParsedSheet {
  rows: ImportRow[];
  problems: ImportProblem[];
  /** rows with an item number but an empty answer cell (left as they are) */
  blank: number;
  sheetName?: string;
  headerLine?: number;
}



const norm = (s: string) => fold(s).toLowerCase().replace(/[\s　:：]/g, "");
const H_NO = /^(no\.?|№|番号|項目番号|項番|itemno\.?|itemnumber|number|#|no\.?\(番号\))$/;
const H_STATUS = /^(回答|回答結果|評価|評価結果|結果|達成状況|達成度|状況|ステータス|自己評価|判定|answer|status|result|assessment|selfassessment)([(（].*)?$/;
const H_NOTE = /^(メモ|備考|理由|コメント|メモ・理由|メモ・備考|対象外の理由|note|notes|comment|comments|reason|remarks|note\/reason)([(（].*)?$/;
const H_EVIDENCE = /^(証跡|エビデンス|根拠|evidence|url|link)([(（].*)?$/;

/** Undoes the CSV-injection guard of our export ('=… → =…). */
function unguard(s: string): string {
  return /^'[=+\-@]/.test(s) ? s.slice(1) : s;
}

interface Columns {
  no: number;
  status: number;
  note?: number;
  evidence?: number;
}

function findHeader(rows: string[][]): { line: number; cols: Columns } | undefined {
  for (let r = 0; r < Math.min(rows.length, HEADER_SCAN_ROWS); r++) {
    const cells = (rows[r] ?? []).map((c) => norm(c ?? ""));
    const idx = (re: RegExp) => cells.findIndex((c) => re.test(c));
    const no = idx(H_NO);
    const status = idx(H_STATUS);
    if (no < 0 || status < 0) continue;
    const note = idx(H_NOTE);
    const evidence = idx(H_EVIDENCE);
    return { line: r, cols: { no, status, note: note >= 0 ? note : undefined, evidence: evidence >= 0 ? evidence : undefined } };
  }
  return undefined;
}

function readNo(cell: string): number | undefined {
  const m = /^(?:no\.?|№|#)?\s*(\d{1,4})(?:\.0+)?$/.exec(fold(cell).trim().toLowerCase());
  return m ? Number(m[1]) : undefined;
}

/**
 * The status a cell means: an exact word (○, 達成, N/A…), or what a short text clearly says, read
 * as chat is (「達成予定」 is 未達成, 「たぶん達成」 is no status at all and is reported).
 */
export function readStatus(cell: string, choices: AnswerChoices): string | undefined {
  const exact = choices.exactStatus(cell);
  if (exact) return exact;
  return cell.trim().length <= 40 ? readBareStatus(cell, choices) : undefined;
}

export function parseTables(tables: Table[], choices: AnswerChoices, totalItems: number): ParsedSheet {
  for (const table of tables) {
    const header = findHeader(table.rows);
    if (!header) continue;
    const { cols } = header;
    const rows: ImportRow[] = [];
    const problems: ImportProblem[] = [];
    const seen = new Map<number, ImportRow>();
    let blank = 0;
    for (let r = header.line + 1; r < table.rows.length; r++) {
      const cells = table.rows[r] ?? [];
      const line = r + 1;
      const noCell = (cells[cols.no] ?? "").trim();
      if (!noCell) continue; // blank rows, section titles
      const no = readNo(noCell);
      if (no === undefined) continue; // a sub-heading or a note row, not an item
      const statusCell = unguard((cells[cols.status] ?? "").trim());
      const noteCell = cols.note !== undefined ? unguard((cells[cols.note] ?? "").trim()) : "";
      const evidenceCell = cols.evidence !== undefined ? unguard((cells[cols.evidence] ?? "").trim()) : "";
      if (no < 1 || no > totalItems) {
        problems.push({ line, no, reason: "out_of_range", value: noCell });
        continue;
      }
      if (!statusCell) {
        blank++;
        continue;
      }
      const status = readStatus(statusCell, choices);
      if (!status) {
        problems.push({ line, no, reason: "unknown_status", value: statusCell.slice(0, 40) });
        continue;
      }
      if (status !== UNANSWERED && choices.requiresReason(status) && !noteCell) {
        problems.push({ line, no, reason: "reason_required", value: statusCell.slice(0, 40) });
        continue;
      }
      // as in chat, a note longer than the limit is refused, not cut: nothing is lost silently
      if (noteCell.length > MAX_NOTE) {
        problems.push({ line, no, reason: "note_too_long", value: String(noteCell.length) });
        continue;
      }
      const row: ImportRow = {
        line,
        no,
        status,
        ...(noteCell ? { note: noteCell } : {}),
        ...(evidenceCell ? { evidence: evidenceCell.slice(0, 2000) } : {}),
      };
      const prev = seen.get(no);
      if (prev) {
        // the same number twice: fine when both rows say the same, a conflict otherwise
        if (prev.status === "__conflict__") {
          problems.push({ line, no, reason: "conflict", value: statusCell.slice(0, 40) });
        } else if (prev.status !== row.status || (row.note && prev.note && row.note !== prev.note)) {
          problems.push({ line, no, reason: "conflict", value: statusCell.slice(0, 40) });
          rows.splice(rows.indexOf(prev), 1);
          seen.set(no, { ...prev, status: "__conflict__" });
        }
        continue;
      }
      seen.set(no, row);
      rows.push(row);
    }
    return { rows: rows.filter((r) => r.status !== "__conflict__"), problems, blank, sheetName: table.name, headerLine: header.line + 1 };
  }
  throw new ImportError("no_header");
}

export async function parseSheet(data: Buffer, fileName: string, choices: AnswerChoices, totalItems: number): Promise<ParsedSheet> {
  return parseTables(await readTables(data, fileName), choices, totalItems);
}

export interface ImportPlan {
  changes: (AnswerChange & { status: string })[];
  /** per new status, the rows that change */
  counts: Record<string, number>;
  unchanged: number;
  /** changes that replace an answer already given this year */
  overwrites: number;
}

/** What applying the sheet would change, compared with the current answers. */
export function planImport(rows: ImportRow[], current: Map<number, CurrentAnswer>): ImportPlan {
  const changes: ImportPlan["changes"] = [];
  const counts: Record<string, number> = {};
  let unchanged = 0;
  let overwrites = 0;
  for (const r of rows) {
    const cur = current.get(r.no);
    const curStatus = cur?.status ?? UNANSWERED;
    const same =
      curStatus === r.status &&
      (r.note === undefined || r.note === (cur?.note ?? undefined)) &&
      (r.evidence === undefined || r.evidence === (cur?.evidenceUrl ?? undefined));
    if (same) {
      unchanged++;
      continue;
    }
    if (curStatus !== UNANSWERED && curStatus !== r.status) overwrites++;
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    changes.push({ no: r.no, status: r.status, ...(r.note !== undefined ? { note: r.note } : {}), ...(r.evidence !== undefined ? { evidence: r.evidence } : {}) });
  }
  return { changes, counts, unchanged, overwrites };
}
