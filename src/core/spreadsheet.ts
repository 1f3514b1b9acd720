// Reads spreadsheets people send (.xlsx, .csv in UTF-8 or Shift_JIS) into tables of strings,
// whatever the cells hold (rich text, formulas, links, dates). Shared by the answer import
// (src/assessment) and the official check-sheet import (src/knowledge).
import type ExcelJS from "exceljs";
import type JSZip from "jszip";
import { cleanText } from "./clean-text.ts";

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/**
 * What an .xlsx may hold once unzipped. ExcelJS inflates every part into memory and builds an
 * object per cell, so a crafted 300 KB file of repeated cells took seconds of CPU and over a GB of
 * memory; real check sheets are far below this.
 */
export const MAX_XLSX_INFLATED_BYTES = 30 * 1024 * 1024;

export type Table = { name?: string; rows: string[][] };

/** Why a sheet could not be read at all. */
export class ImportError extends Error {
  constructor(public readonly code: "too_large" | "unreadable" | "no_header" | "unsupported") {
    super(code);
    this.name = "ImportError";
  }
}

/**
 * ExcelJS, loaded the first time a workbook is written or read rather than at start-up: it
 * takes ~0.35 s and ~25 MB to load, and most runs never make a spreadsheet.
 */
export async function loadExcelJS(): Promise<typeof ExcelJS> {
  return (await import("exceljs")).default;
}

/** Reads an .xlsx or .csv into tables of strings (one per worksheet). */
export async function readTables(data: Buffer, fileName: string): Promise<Table[]> {
  if (data.length > MAX_IMPORT_BYTES) throw new ImportError("too_large");
  const lower = fileName.toLowerCase();
  const isZip = data.length > 4 && data[0] === 0x50 && data[1] === 0x4b;
  if (lower.endsWith(".xlsx") || isZip) {
    await checkInflatedSize(data);
    const wb = new (await loadExcelJS()).Workbook();
    try {
      await wb.xlsx.load(data as never);
    } catch {
      throw new ImportError("unreadable");
    }
    return wb.worksheets.map((ws) => {
      const rows: string[][] = [];
      ws.eachRow({ includeEmpty: true }, (row, n) => {
        const cells: string[] = [];
        row.eachCell({ includeEmpty: true }, (cell, c) => {
          cells[c - 1] = cleanText(cellString(cell.value));
        });
        rows[n - 1] = Array.from(cells, (c) => c ?? "");
      });
      return { name: ws.name, rows: Array.from(rows, (r) => r ?? []) };
    });
  }
  // cells are cleaned like chat input (clean-text.ts): a NUL in a note would fail the whole import
  if (lower.endsWith(".csv") || lower.endsWith(".txt") || lower.endsWith(".tsv")) return [{ rows: cleanRows(parseCsv(decodeText(data))) }];
  if (lower.endsWith(".xls")) throw new ImportError("unsupported");
  // unknown extension: try CSV when it is text
  const text = decodeText(data);
  if (/[\u0000]/.test(text)) throw new ImportError("unsupported");
  return [{ rows: cleanRows(parseCsv(text)) }];
}

function cleanRows(rows: string[][]): string[][] {
  return rows.map((r) => r.map(cleanText));
}

/**
 * Unzips every part once, counting bytes as they come (the sizes a zip declares can lie), and
 * stops at MAX_XLSX_INFLATED_BYTES: a zip bomb is refused before ExcelJS sees it.
 */
async function checkInflatedSize(data: Buffer): Promise<void> {
  let zip: JSZip;
  try {
    zip = await (await import("jszip")).default.loadAsync(data);
  } catch {
    throw new ImportError("unreadable");
  }
  let total = 0;
  for (const file of Object.values(zip.files)) {
    if (file.dir) continue;
    await new Promise<void>((resolve, reject) => {
      const stream = file.nodeStream("nodebuffer") as NodeJS.ReadableStream & { destroy(): void };
      stream.on("data", (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_XLSX_INFLATED_BYTES) {
          stream.destroy();
          reject(new ImportError("too_large"));
        }
      });
      stream.on("error", () => reject(new ImportError("unreadable")));
      stream.on("end", () => resolve());
    });
  }
}

/** UTF-8 (with or without BOM), else Shift_JIS (what Excel writes for "CSV" on Japanese Windows). */
export function decodeText(data: Buffer): string {
  let bytes = data;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    try {
      return new TextDecoder("shift_jis").decode(bytes);
    } catch {
      throw new ImportError("unreadable");
    }
  }
}

/** RFC 4180 CSV (quotes, doubled quotes, newlines in quotes); also tab- or semicolon-separated. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const sep = count("\t") > count(",") ? "\t" : count(";") > count(",") ? ";" : ",";
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === sep) {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function cellString(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? "").join("");
    if (typeof o.hyperlink === "string") {
      const text = cellString(o.text);
      // a link cell: the address is the evidence, unless the text is itself the address
      return /^https?:\/\//i.test(o.hyperlink) ? o.hyperlink : text;
    }
    if ("result" in o) return cellString(o.result);
    if ("formula" in o || "sharedFormula" in o) return "";
    if ("error" in o) return "";
    if ("text" in o) return cellString(o.text);
  }
  return String(v);
}

