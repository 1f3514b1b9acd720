// Reads a file of sessions (the seed knowledge/sessions.yaml, or a secretariat's import in YAML or
// CSV) into validated records, and reports every broken row at once.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { csvObjects } from "./csv.ts";
import { FILE_COLUMNS, readFileRow, type RowProblem, type SessionFields } from "./session-data.ts";

const KNOWN_COLUMNS = new Set<string>([...FILE_COLUMNS, "when"]);

export interface SessionFileResult {
  sessions: SessionFields[];
  problems: RowProblem[];
}

/** Parses file text; `kind` from the file name (.csv, .yaml, .yml). */
export function readSessionsText(text: string, kind: "csv" | "yaml", areaIds: ReadonlySet<string>): SessionFileResult {
  let rows: unknown[];
  let provisional: boolean | undefined;
  if (kind === "csv") {
    rows = csvObjects(text);
    const unknown = Object.keys(rows[0] ?? {}).filter((k) => !KNOWN_COLUMNS.has(k));
    if (unknown.length)
      return { sessions: [], problems: [{ row: 0, problems: [`知らない列があります / unknown column(s): ${unknown.join(", ")} (known: ${[...KNOWN_COLUMNS].join(", ")})`] }] };
  } else {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      return { sessions: [], problems: [{ row: 0, problems: [`not valid YAML: ${(e as Error).message.split("\n")[0]}`] }] };
    }
    if (Array.isArray(doc)) rows = doc;
    else if (doc && typeof doc === "object" && Array.isArray((doc as { sessions?: unknown }).sessions)) {
      rows = (doc as { sessions: unknown[] }).sessions;
      const p = (doc as { provisional?: unknown }).provisional;
      if (p !== undefined && typeof p !== "boolean")
        return { sessions: [], problems: [{ row: 0, problems: ["provisional (top level) must be true or false"] }] };
      provisional = p as boolean | undefined;
    } else return { sessions: [], problems: [{ row: 0, problems: ["expected a list of sessions, or `sessions:` with a list"] }] };
  }
  const sessions: SessionFields[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<number, number>();
  rows.forEach((raw, i) => {
    const row = i + 1;
    const r = readFileRow(raw, areaIds, { provisional });
    if (!r.ok) {
      problems.push({ row, seriesNo: r.seriesNo, problems: r.problems });
      return;
    }
    const first = seen.get(r.session.seriesNo);
    if (first !== undefined) {
      problems.push({ row, seriesNo: r.session.seriesNo, problems: [`no ${r.session.seriesNo} appears twice (rows ${first} and ${row})`] });
      return;
    }
    seen.set(r.session.seriesNo, row);
    sessions.push(r.session);
  });
  if (rows.length === 0) problems.push({ row: 0, problems: ["the file has no sessions"] });
  return { sessions, problems };
}

export function readSessionsFile(path: string, areaIds: ReadonlySet<string>): SessionFileResult {
  const ext = extname(path).toLowerCase();
  const kind = ext === ".csv" ? "csv" : ext === ".yaml" || ext === ".yml" ? "yaml" : undefined;
  if (!kind) return { sessions: [], problems: [{ row: 0, problems: [`unknown file type ${ext || "(none)"}: use .csv, .yaml or .yml`] }] };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return { sessions: [], problems: [{ row: 0, problems: [`cannot read ${path}: ${(e as Error).message}`] }] };
  }
  return readSessionsText(text, kind, areaIds);
}

export function describeProblems(problems: RowProblem[]): string {
  return problems
    .map((p) => `${p.row === 0 ? "file" : `row ${p.row}`}${p.seriesNo !== undefined ? ` (no ${p.seriesNo})` : ""}: ${p.problems.join("; ")}`)
    .join("\n");
}
