// Loads the official wording of the check sheet into a deployment: reads the official sheet
// (xlsx or csv) a user downloaded from JAMA's site, finds its header row by column names (or uses
// the columns given), and produces the overlay the knowledge base merges at start-up. The overlay
// stays on the deployment (knowledge/local/, outside git): the official text is JAMA's, not ours.
// Every row that cannot be read is reported; the caller writes the overlay only as a whole.
import { readTables } from "../core/spreadsheet.ts";
import { normalize } from "../nlu/normalize.ts";

export interface OfficialRow {
  no: number;
  requirement?: string;
  condition?: string;
  level?: 1 | 2 | 3;
  area?: string;
}

export type ColumnRole = "no" | "level" | "area" | "requirement" | "condition";

export interface CheckSheetImport {
  items: OfficialRow[];
  sheetName?: string;
  headerRow: number;
  /** which column (1-based) each role came from */
  columns: Partial<Record<ColumnRole, number>>;
  /** header cells that were not used (reported so the user can map them with flags) */
  unknownColumns: string[];
  problems: { row: number; problem: string }[];
}

export class CheckSheetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckSheetError";
  }
}

const HEADERS: Record<ColumnRole, RegExp> = {
  no: /^(no\.?|№|番号|項目番号|項番|通し番号|itemno\.?|itemnumber|number|#)$/,
  level: /^(レベル|lv\.?|level|対象レベル)$/,
  area: /^(分類|領域|カテゴリ|カテゴリー|大項目|中項目|大分類|中分類|area|category|domain)$/,
  requirement: /^(要求事項|要求事項名|要件|requirement|requirements)$/,
  condition: /^(達成条件|達成基準|評価基準|条件|achievementcondition|condition|conditions|criteria)$/,
};

const headerKey = (s: string) => normalize(s).replace(/[\s:：()（）【】\[\]]/g, "");

/** A column given on the command line: a letter (C), a 1-based number (3) or a header name. */
export type ColumnSpec = string;

export interface ImportOptions {
  sheet?: string;
  /** 1-based header row, when the automatic search picks the wrong one */
  headerRow?: number;
  columns?: Partial<Record<ColumnRole, ColumnSpec>>;
  totalItems: number;
}

function columnIndex(spec: ColumnSpec, header: string[]): number | undefined {
  if (/^\d+$/.test(spec)) return Number(spec) - 1;
  if (/^[A-Za-z]{1,2}$/.test(spec)) {
    const s = spec.toUpperCase();
    return s.length === 1 ? s.charCodeAt(0) - 65 : (s.charCodeAt(0) - 64) * 26 + (s.charCodeAt(1) - 65);
  }
  const i = header.findIndex((h) => headerKey(h) === headerKey(spec));
  return i >= 0 ? i : undefined;
}

function findHeader(rows: string[][], opts: ImportOptions): { row: number; cols: Partial<Record<ColumnRole, number>> } | undefined {
  const candidates = opts.headerRow ? [opts.headerRow - 1] : Array.from({ length: Math.min(rows.length, 40) }, (_, i) => i);
  for (const r of candidates) {
    const header = rows[r] ?? [];
    const cols: Partial<Record<ColumnRole, number>> = {};
    header.forEach((cell, i) => {
      const k = headerKey(cell ?? "");
      for (const role of Object.keys(HEADERS) as ColumnRole[]) if (cols[role] === undefined && HEADERS[role].test(k)) cols[role] = i;
    });
    for (const [role, spec] of Object.entries(opts.columns ?? {}) as [ColumnRole, string][]) {
      const i = columnIndex(spec, header);
      if (i === undefined) throw new CheckSheetError(`column "${spec}" for ${role} not found in header row ${r + 1}`);
      cols[role] = i;
    }
    if (cols.no !== undefined && (cols.requirement !== undefined || cols.condition !== undefined)) return { row: r, cols };
  }
  return undefined;
}

function readNo(cell: string): number | undefined {
  const m = /^(?:no\.?|#)?\s*(\d{1,4})(?:\.0+)?$/.exec(normalize(cell));
  return m ? Number(m[1]) : undefined;
}

function readLevel(cell: string): 1 | 2 | 3 | undefined | "bad" {
  const t = normalize(cell).replace(/\s/g, "");
  if (!t) return undefined;
  const m = /^(?:レベル|lv\.?|level)?([123])$/.exec(t);
  return m ? (Number(m[1]) as 1 | 2 | 3) : "bad";
}

const clean = (s: string | undefined) => (s ?? "").replace(/\r\n?/g, "\n").replace(/[ \t\u3000]+\n/g, "\n").trim();

export async function parseCheckSheet(data: Buffer, fileName: string, opts: ImportOptions): Promise<CheckSheetImport> {
  let tables;
  try {
    tables = await readTables(data, fileName);
  } catch (e) {
    throw new CheckSheetError(`cannot read ${fileName}: ${(e as Error).message}`);
  }
  const chosen = opts.sheet ? tables.filter((t) => t.name === opts.sheet) : tables;
  if (opts.sheet && chosen.length === 0) throw new CheckSheetError(`no sheet named "${opts.sheet}" (sheets: ${tables.map((t) => t.name).join(", ")})`);
  for (const table of chosen) {
    const header = findHeader(table.rows, opts);
    if (!header) continue;
    const { cols } = header;
    const used = new Set(Object.values(cols));
    const unknownColumns = (table.rows[header.row] ?? [])
      .map((h, i) => ({ h: clean(h), i }))
      .filter(({ h, i }) => h && !used.has(i))
      .map(({ h }) => h);
    const problems: CheckSheetImport["problems"] = [];
    const byNo = new Map<number, OfficialRow & { row: number }>();
    const duplicates = new Set<number>();
    // Merged cells: a requirement or area written once for several conditions applies downwards.
    let lastRequirement = "";
    let lastArea = "";
    for (let r = header.row + 1; r < table.rows.length; r++) {
      const cells = table.rows[r] ?? [];
      const noCell = clean(cells[cols.no!]);
      const requirementCell = cols.requirement !== undefined ? clean(cells[cols.requirement]) : "";
      const areaCell = cols.area !== undefined ? clean(cells[cols.area]) : "";
      if (requirementCell) lastRequirement = requirementCell;
      if (areaCell) lastArea = areaCell;
      if (!noCell) continue;
      const no = readNo(noCell);
      if (no === undefined) {
        problems.push({ row: r + 1, problem: `"${noCell.slice(0, 30)}" is not an item number` });
        continue;
      }
      if (no < 1 || no > opts.totalItems) {
        problems.push({ row: r + 1, problem: `No.${no} is outside 1..${opts.totalItems}` });
        continue;
      }
      const level = cols.level !== undefined ? readLevel(cells[cols.level] ?? "") : undefined;
      if (level === "bad") {
        problems.push({ row: r + 1, problem: `No.${no}: level "${clean(cells[cols.level!]).slice(0, 20)}" is not 1, 2 or 3` });
        continue;
      }
      const condition = cols.condition !== undefined ? clean(cells[cols.condition]) : "";
      const requirement = requirementCell || lastRequirement;
      if (!condition && !requirement) {
        problems.push({ row: r + 1, problem: `No.${no}: no text` });
        continue;
      }
      if (byNo.has(no)) {
        duplicates.add(no);
        problems.push({ row: r + 1, problem: `No.${no} appears again (first on row ${byNo.get(no)!.row}); both rows skipped` });
        continue;
      }
      byNo.set(no, {
        row: r + 1,
        no,
        ...(requirement ? { requirement } : {}),
        ...(condition ? { condition } : {}),
        ...(level ? { level } : {}),
        ...(areaCell || lastArea ? { area: areaCell || lastArea } : {}),
      });
    }
    const items = [...byNo.values()].filter((i) => !duplicates.has(i.no)).map(({ row: _row, ...rest }) => rest).sort((a, b) => a.no - b.no);
    const columns = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, (v as number) + 1]));
    return { items, sheetName: table.name, headerRow: header.row + 1, columns, unknownColumns, problems };
  }
  throw new CheckSheetError(
    "no header row found: expected a column for the item number (No.) and one for 要求事項 or 達成条件; " +
      "map them with --no-col, --condition-col, --requirement-col (a letter, a number or the header text) and --header-row",
  );
}
