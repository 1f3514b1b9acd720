// The check sheet as files: .xlsx (exceljs: one row per item No.1..153, a summary sheet per level
// and per area, column widths, frozen header, Japanese text) and .csv (UTF-8 with a BOM so that
// Excel opens the Japanese correctly; cells that Excel would run as formulas are defused).
import { loadExcelJS } from "../core/spreadsheet.ts";
import type { Lang } from "../core/reply.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import { UNANSWERED, type AnswerChoices } from "./choices.ts";
import { formatJst, fyLabel } from "./fiscal-year.ts";
import type { Progress, Tally } from "./progress.ts";
import type { AssessmentRef, CurrentAnswer } from "./service.ts";

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const CSV_MIME = "text/csv; charset=utf-8";

export interface SheetRow {
  no: number;
  level?: number;
  area?: string;
  title: string;
  status: string;
  answer: string;
  note: string;
  evidence: string;
  who: string;
  when?: Date;
}

export interface SheetData {
  lang: Lang;
  orgName?: string;
  fiscalYear: number;
  version: string;
  targetLevel: number;
  status: string;
  exportedAt: Date;
  rows: SheetRow[];
  progress: Progress;
  formula: string;
  choiceLabels: { id: string; label: string }[];
}

/** Column headers of sheet 1, by language. The importer recognises both (and more). */
export const HEADERS: Record<Lang, string[]> = {
  ja: ["No.", "レベル", "分野(当方の分類)", "項目", "回答", "メモ・理由", "証跡", "回答者", "回答日時"],
  en: ["No.", "Level", "Area (our grouping)", "Item", "Answer", "Note / reason", "Evidence", "Answered by", "Answered at"],
};
const WIDTHS = [7, 9, 22, 48, 11, 44, 36, 16, 18];

export function buildSheetData(args: {
  kb: Knowledge;
  choices: AnswerChoices;
  assessment: AssessmentRef;
  answers: Map<number, CurrentAnswer>;
  names: Map<string, string>;
  progress: Progress;
  lang: Lang;
  orgName?: string;
  now: Date;
}): SheetData {
  const { kb, choices, answers, names, lang } = args;
  const rows: SheetRow[] = kb.items().map((item) => {
    const a = answers.get(item.no);
    const status = a?.status ?? UNANSWERED;
    const answered = status !== UNANSWERED;
    const area = kb.area(item.entry?.area);
    return {
      no: item.no,
      level: item.level,
      area: area ? area.name[lang] : item.official?.area,
      title: kb.title(item.no, lang),
      status,
      answer: answered ? choices.label(status, lang) : "",
      note: a?.note ?? "",
      evidence: a?.evidenceUrl ?? "",
      who: answered && a?.answeredById ? (names.get(a.answeredById) ?? "") : "",
      when: answered ? a?.answeredAt : undefined,
    };
  });
  return {
    lang,
    orgName: args.orgName,
    fiscalYear: args.assessment.fiscalYear,
    version: args.assessment.guidelineVersion,
    targetLevel: args.assessment.targetLevel,
    status: args.assessment.status,
    exportedAt: args.now,
    rows,
    progress: args.progress,
    formula: choices.formula(lang),
    choiceLabels: choices.list.map((c) => ({ id: c.id, label: c.label[lang] })),
  };
}

export function fileBaseName(d: SheetData): string {
  return `checksheet-FY${d.fiscalYear}-v${d.version}-${formatJst(d.exportedAt).slice(0, 10)}`;
}

function levelCell(level: number | undefined, lang: Lang): string | number {
  return level ?? (lang === "en" ? "unknown" : "未確認");
}

function t(lang: Lang, ja: string, en: string): string {
  return lang === "en" ? en : ja;
}

export async function toXlsx(d: SheetData): Promise<Buffer> {
  const { lang } = d;
  const wb = new (await loadExcelJS()).Workbook();
  wb.creator = "JAMA/JAPIA check-sheet assistant";
  wb.created = d.exportedAt;

  const ws = wb.addWorksheet(t(lang, "チェックシート", "Check sheet"), { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = HEADERS[lang].map((header, i) => ({ header, width: WIDTHS[i] }));
  for (const r of d.rows)
    ws.addRow([r.no, levelCell(r.level, lang), r.area ?? "", r.title, r.answer, r.note, r.evidence, r.who, r.when ? formatJst(r.when) : ""]);
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
  head.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
  for (const col of [4, 6]) ws.getColumn(col).alignment = { wrapText: true, vertical: "top" };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: HEADERS[lang].length } };

  const sum = wb.addWorksheet(t(lang, "集計", "Summary"), { views: [{ state: "frozen", ySplit: 0 }] });
  sum.columns = [{ width: 30 }, { width: 12 }, { width: 12 }, { width: 11 }, { width: 9 }, { width: 9 }, { width: 9 }, { width: 9 }, { width: 10 }];
  const status = d.status === "submitted" ? t(lang, "提出済み", "Submitted") : t(lang, "回答中", "Open");
  const info: [string, string | number][] = [
    [t(lang, "組織", "Organisation"), d.orgName ?? ""],
    [t(lang, "年度", "Fiscal year"), fyLabel(d.fiscalYear, lang)],
    [t(lang, "ガイドライン", "Guideline"), `v${d.version}`],
    [t(lang, "目標レベル", "Target level"), d.targetLevel],
    [t(lang, "状態", "Status"), status],
    [t(lang, "出力日時(日本時間)", "Exported at (JST)"), formatJst(d.exportedAt)],
  ];
  for (const [k, v] of info) sum.addRow([k, v]).getCell(1).font = { bold: true };
  sum.addRow([]);

  const cols = [
    t(lang, "区分", "Group"),
    t(lang, "項目数(公式)", "Items (official)"),
    t(lang, "うち当KBで判明", "Known to this KB"),
    t(lang, "回答済み", "Answered"),
    ...d.choiceLabels.map((c) => c.label),
    t(lang, "未回答", "Unanswered"),
    t(lang, "達成率", "Rate"),
  ];
  const table = (title: string, rows: { label: string; official?: number; tally: Tally }[]) => {
    sum.addRow([title]).getCell(1).font = { bold: true, size: 12 };
    const h = sum.addRow(cols);
    h.font = { bold: true };
    h.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
    for (const r of rows) {
      const row = sum.addRow([
        r.label,
        r.official ?? r.tally.items,
        r.tally.items,
        r.tally.answered,
        ...d.choiceLabels.map((c) => r.tally.byChoice[c.id] ?? 0),
        r.tally.unanswered,
        r.tally.rate ?? "—",
      ]);
      const rate = row.getCell(cols.length);
      if (typeof rate.value === "number") rate.numFmt = "0%";
    }
    sum.addRow([]);
  };
  const p = d.progress;
  table(t(lang, "レベル別", "By level"), [
    ...p.levels.map((l) => ({ label: t(lang, `レベル${l.level}`, `Level ${l.level}`), official: l.officialItems, tally: l })),
    { label: p.target.level <= 1 ? t(lang, "目標(レベル1)", "Target (Level 1)") : t(lang, `目標(レベル1〜${p.target.level})`, `Target (Levels 1-${p.target.level})`), official: p.target.officialItems, tally: p.target },
    { label: t(lang, "レベル未確認の番号", "Numbers of unknown level"), tally: p.unknownLevel },
    { label: t(lang, `全${p.all.items}項目`, `All ${p.all.items} items`), tally: p.all },
  ]);
  table(
    t(lang, "分野別(当方の分類)", "By area (our grouping)"),
    p.areas.map((a) => ({ label: a.name[lang], tally: a })),
  );
  const notes = [
    d.formula,
    t(
      lang,
      "レベルが分かっている項目だけをレベル別に数えています。レベル未確認の番号も回答できますが、レベル別の集計には入りません。",
      "Per-level figures count the items whose level is known; numbers of unknown level can be answered but are not placed in a level.",
    ),
    t(lang, "分野は当方の分類で、公式の名称ではありません。提出前に公式チェックシートで照合してください。", "Areas are our own grouping, not official names. Check against the official sheet before you submit."),
  ];
  for (const n of notes) sum.addRow([n]).getCell(1).font = { italic: true, color: { argb: "FF555555" } };

  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

/** Defuses cells Excel would run as a formula (CSV injection). */
export function csvSafe(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function csvCell(v: string | number): string {
  const s = typeof v === "number" ? String(v) : csvSafe(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(d: SheetData): Buffer {
  const lines = [HEADERS[d.lang].map(csvCell).join(",")];
  for (const r of d.rows)
    lines.push(
      [r.no, levelCell(r.level, d.lang), r.area ?? "", r.title, r.answer, r.note, r.evidence, r.who, r.when ? formatJst(r.when) : ""]
        .map(csvCell)
        .join(","),
    );
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join("\r\n") + "\r\n", "utf8")]);
}
