// Import as the user sees it: read the sheet, compare with this year's answers, and describe the
// preview ("15件を更新します: 達成 10, 未達成 3, 対象外 2 — よろしいですか?"). Shared by the chat
// intent and `npm run sheet:import`; applying happens only after the confirmation.
import { tr, type Lang } from "../core/reply.ts";
import type { AssessmentModule } from "./module.ts";
import { MAX_NOTE } from "./parse-answer.ts";
import { ImportError, parseSheet, planImport, type ImportPlan, type ImportProblem, type ParsedSheet } from "./import.ts";
import type { Actor, AnswerChange, AssessmentRef, ChangeResult, Source } from "./service.ts";

export interface ImportPreview {
  parsed: ParsedSheet;
  plan: ImportPlan;
  /** one line: "15件を更新します: 達成 10, 未達成 3, 対象外 2" */
  summary: string;
  /** up to 10 lines about rows that could not be read */
  problems: string[];
}

export async function previewImport(m: AssessmentModule, a: AssessmentRef, data: Buffer, fileName: string, lang: Lang, totalItems: number): Promise<ImportPreview> {
  const parsed = await parseSheet(data, fileName, m.choices, totalItems);
  const plan = planImport(parsed.rows, await m.service.answers(a));
  const counts = m.choices.ids().concat("unanswered")
    .filter((id) => plan.counts[id])
    .map((id) => `${m.choices.label(id, lang)} ${plan.counts[id]}`)
    .join(", ");
  const summary = plan.changes.length
    ? tr(lang, `${plan.changes.length}件を更新します: ${counts}`, `${plan.changes.length} answers to update: ${counts}`) +
      (plan.overwrites ? tr(lang, `(うち今年度の回答を上書き ${plan.overwrites}件)`, ` (${plan.overwrites} replace an answer given this year)`) : "") +
      (plan.unchanged ? tr(lang, `。変更なし ${plan.unchanged}件`, `; ${plan.unchanged} unchanged`) : "")
    : tr(lang, `更新する回答はありません(変更なし ${plan.unchanged}件)。`, `Nothing to update (${plan.unchanged} unchanged).`);
  return { parsed, plan, summary, problems: describeProblems(parsed.problems, lang) };
}

export function describeProblems(problems: ImportProblem[], lang: Lang, max = 10): string[] {
  const why = (p: ImportProblem) => {
    switch (p.reason) {
      case "unknown_status":
        return tr(lang, `回答「${p.value}」が読み取れません`, `cannot read the answer "${p.value}"`);
      case "out_of_range":
        return tr(lang, `No.${p.no} という項目はありません`, `there is no item No.${p.no}`);
      case "reason_required":
        return tr(lang, `「${p.value}」には理由(メモ欄)が必要です`, `"${p.value}" needs a reason in the note column`);
      case "conflict":
        return tr(lang, `No.${p.no} が複数の行で違う回答になっています`, `No.${p.no} has different answers on several rows`);
      case "note_too_long":
        return tr(
          lang,
          `No.${p.no} のメモが長すぎます(${p.value}文字。${MAX_NOTE}文字まで)`,
          `the note of No.${p.no} is too long (${p.value} characters; the limit is ${MAX_NOTE})`,
        );
    }
  };
  const lines = problems.slice(0, max).map((p) => tr(lang, `${p.line}行目: ${why(p)}(取り込みません)`, `row ${p.line}: ${why(p)} (skipped)`));
  if (problems.length > max) lines.push(tr(lang, `ほか${problems.length - max}件`, `and ${problems.length - max} more`));
  return lines;
}

export function importErrorText(e: ImportError, lang: Lang): string {
  switch (e.code) {
    case "too_large":
      return tr(lang, "ファイルが大きすぎます(5MBまで、.xlsx は展開後30MBまで)。何も変更していません。", "The file is too large (5 MB at most; an .xlsx at most 30 MB unzipped). Nothing was changed.");
    case "unsupported":
      return tr(lang, "この形式は読めません。.xlsx か .csv で保存して送ってください(古い .xls は Excel で .xlsx に保存し直してください)。何も変更していません。", "I cannot read this format. Please save it as .xlsx or .csv (re-save an old .xls as .xlsx). Nothing was changed.");
    case "no_header":
      return tr(lang, "見出し行(「No.」と「回答」の列)が見つかりませんでした。このボットのエクスポートと同じ列名にしてください。何も変更していません。", 'I could not find a header row with "No." and "Answer" columns; please use the column names of this bot\'s export. Nothing was changed.');
    case "unreadable":
    default:
      return tr(lang, "ファイルを読み取れませんでした(壊れているか、別の形式です)。何も変更していません。", "I could not read the file (damaged or another format). Nothing was changed.");
  }
}

/**
 * Applies a confirmed preview: only to the assessment it was made for (a preview from last year
 * or another company's is stale), only rows that still name an item and a valid status, as one
 * "import" change with its audit events. Throws AssessmentError("locked") on a submitted sheet.
 */
export async function applyImport(
  m: AssessmentModule,
  totalItems: number,
  a: AssessmentRef,
  actor: Actor,
  source: Source,
  pending: { assessmentId: unknown; changes: unknown },
): Promise<{ ok: true; changeId: string; results: ChangeResult[] } | { ok: false; reason: "stale" }> {
  if (pending.assessmentId !== a.id || !Array.isArray(pending.changes)) return { ok: false, reason: "stale" };
  const changes = (pending.changes as AnswerChange[]).filter(
    (c) => Number.isInteger(c.no) && c.no >= 1 && c.no <= totalItems && (c.status === undefined || m.choices.isStatus(c.status)),
  );
  const r = await m.service.record(a, actor, source, changes, { kind: "import" });
  return { ok: true, ...r };
}
