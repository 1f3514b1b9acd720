// 「出力・取り込み」: the check sheet as .xlsx / .csv (the same files as 「エクスポート」 in chat),
// and importing a filled-in sheet: upload, see the preview (what would change, which rows cannot
// be read), then confirm. The preview waits in the browser session, not in a hidden field, and is
// applied once, to the assessment it was made for.
import { tr, type Lang } from "../../core/reply.ts";
import { buildSheetData, CSV_MIME, fileBaseName, toCsv, toXlsx, XLSX_MIME } from "../../assessment/export.ts";
import { fyLabel } from "../../assessment/fiscal-year.ts";
import { applyImport, importErrorText, previewImport, type ImportPreview } from "../../assessment/import-flow.ts";
import { ImportError, MAX_IMPORT_BYTES } from "../../assessment/import.ts";
import { AssessmentError, type AssessmentRef } from "../../assessment/service.ts";
import { assessmentErrorText } from "../../assessment/ui.ts";
import { Csrf, Layout, type Flash } from "../page.tsx";
import { actorOf, sourceOf, type PageCtx, type WebDeps } from "../context.ts";

/** How long a preview waits for its confirmation (as in chat). */
const PREVIEW_TTL_MS = 15 * 60_000;

export async function exportFile(deps: WebDeps, ctx: PageCtx, format: "xlsx" | "csv"): Promise<{ name: string; mime: string; data: Buffer }> {
  const { kb } = deps.services;
  const m = deps.services.assessment;
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  const { progress, answers } = await m.service.progress(a);
  const names = await m.service.names(ctx.caller.orgId, [...answers.values()].map((x) => x.answeredById));
  const data = buildSheetData({ kb, choices: m.choices, assessment: a, answers, names, progress, lang: ctx.lang, orgName: ctx.caller.orgName, now: ctx.now });
  const base = fileBaseName(data);
  return format === "xlsx" ? { name: `${base}.xlsx`, mime: XLSX_MIME, data: await toXlsx(data) } : { name: `${base}.csv`, mime: CSV_MIME, data: toCsv(data) };
}

export type PreviewOutcome = { kind: "preview"; preview: ImportPreview; file: string } | { kind: "error"; message: string };

export async function previewUpload(deps: WebDeps, ctx: PageCtx, file: { name: string; data: Buffer } | undefined): Promise<PreviewOutcome> {
  const { lang } = ctx;
  const m = deps.services.assessment;
  if (!file || !file.data.length) return { kind: "error", message: tr(lang, "ファイルを選んでください。何も変更していません。", "Please choose a file. Nothing was changed.") };
  if (!/\.(xlsx|csv|tsv|txt)$/i.test(file.name)) return { kind: "error", message: tr(lang, "取り込めるのは .xlsx か .csv のチェックシートです。何も変更していません。", "Only .xlsx or .csv sheets can be imported. Nothing was changed.") };
  if (file.data.length > MAX_IMPORT_BYTES) return { kind: "error", message: importErrorText(new ImportError("too_large"), lang) };
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  try {
    const preview = await previewImport(m, a, file.data, file.name, lang, deps.services.kb.totalItems);
    await deps.access.setPending(ctx.caller.sessionId, preview.plan.changes.length ? { kind: "import", assessmentId: a.id, changes: preview.plan.changes as never, file: file.name, expiresAt: new Date(ctx.now.getTime() + PREVIEW_TTL_MS).toISOString() } : null);
    return { kind: "preview", preview, file: file.name };
  } catch (e) {
    if (e instanceof ImportError) return { kind: "error", message: importErrorText(e, lang) };
    throw e;
  }
}

export async function confirmImport(deps: WebDeps, ctx: PageCtx): Promise<Flash> {
  const { lang } = ctx;
  const m = deps.services.assessment;
  const pending = (await deps.access.takePending(ctx.caller.sessionId)) as { kind?: string; assessmentId?: string; changes?: unknown; expiresAt?: string } | null;
  const stale: Flash = { kind: "error", text: tr(lang, "確認を待っている取り込みがありません(15分で取り消されます)。もう一度ファイルを選んでください。何も変更していません。", "There is no import waiting for confirmation (previews expire after 15 minutes). Please choose the file again. Nothing was changed.") };
  if (!pending || pending.kind !== "import" || !pending.expiresAt || Date.parse(pending.expiresAt) <= ctx.now.getTime()) return stale;
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  try {
    const r = await applyImport(m, deps.services.kb.totalItems, a, actorOf(ctx), sourceOf(ctx), { assessmentId: pending.assessmentId, changes: pending.changes });
    if (!r.ok) return stale;
    deps.log.info("sheet imported on the web", { org: ctx.caller.orgId, user: ctx.caller.userId, changed: r.results.length });
    return { kind: "ok", text: tr(lang, `${r.results.length}件を取り込みました。変更履歴に「インポート」として残ります。`, `Imported ${r.results.length} answers; they are in the history as "import".`) };
  } catch (e) {
    if (e instanceof AssessmentError) return { kind: "error", text: assessmentErrorText(e, lang) };
    throw e;
  }
}

export async function loadFiles(deps: WebDeps, ctx: PageCtx): Promise<AssessmentRef> {
  return deps.services.assessment.service.current(ctx.caller.orgId, ctx.now);
}

export function FilesPage({ ctx, a, flash, preview }: { ctx: PageCtx; a: AssessmentRef; flash?: Flash[]; preview?: { preview: ImportPreview; file: string } }) {
  const { lang, caller } = ctx;
  const o = `/web/o/${caller.orgId}`;
  return (
    <Layout title={tr(lang, "出力・取り込み", "Export / import")} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf} flash={flash}>
      {preview ? <Preview lang={lang} o={o} csrf={ctx.csrf} p={preview.preview} file={preview.file} /> : null}
      <section aria-labelledby="export-h">
        <h2 id="export-h">{tr(lang, "エクスポート", "Export")}</h2>
        <p>{tr(lang, `${fyLabel(a.fiscalYear, lang)}のチェックシート(全項目・レベル別と分野別の集計付き)。提出は公式チェックシートで行ってください。`, `The ${fyLabel(a.fiscalYear, lang)} check sheet (every item, with summaries per level and area). Submit on the official check sheet.`)}</p>
        <ul>
          <li>
            <a href={`${o}/export.xlsx`} download>
              {tr(lang, "Excel(.xlsx)をダウンロード", "Download Excel (.xlsx)")}
            </a>
          </li>
          <li>
            <a href={`${o}/export.csv`} download>
              {tr(lang, "CSV(UTF-8、BOM付き)をダウンロード", "Download CSV (UTF-8 with BOM)")}
            </a>
          </li>
        </ul>
      </section>
      <section aria-labelledby="import-h">
        <h2 id="import-h">{tr(lang, "記入済みのシートを取り込む", "Import a filled-in sheet")}</h2>
        {a.status === "submitted" ? (
          <p>{tr(lang, "提出済みのため取り込めません(管理者が再開できます)。", "The assessment is submitted, so nothing can be imported (an admin can reopen it).")}</p>
        ) : (
          <form method="post" action={`${o}/import`} enctype="multipart/form-data">
            <Csrf token={ctx.csrf} />
            <label for="sheet">{tr(lang, "チェックシート(.xlsx / .csv、5MBまで)", "Check sheet (.xlsx / .csv, up to 5 MB)")}</label>
            <input type="file" id="sheet" name="sheet" accept=".xlsx,.csv" />
            <p class="small">{tr(lang, "このボットのエクスポートと同じ列(No.・回答・メモ)のシートを読みます。取り込む前に内容を確認できます。", "Sheets with the columns of this bot's export (No., answer, note) are read. You see what would change before anything does.")}</p>
            <button type="submit">{tr(lang, "内容を確認", "Preview")}</button>
          </form>
        )}
      </section>
    </Layout>
  );
}

function Preview({ lang, o, csrf, p, file }: { lang: Lang; o: string; csrf: string; p: ImportPreview; file: string }) {
  return (
    <section aria-labelledby="preview-h" class="card">
      <h2 id="preview-h">{tr(lang, `取り込みの確認: ${file}`, `Import preview: ${file}`)}</h2>
      <p>{p.summary}</p>
      {p.problems.length ? (
        <>
          <p>{tr(lang, "読み取れなかった行(取り込みません):", "Rows that could not be read (not imported):")}</p>
          <ul>
            {p.problems.map((x) => (
              <li>{x}</li>
            ))}
          </ul>
        </>
      ) : null}
      {p.plan.changes.length ? (
        <form method="post" action={`${o}/import/confirm`} class="row">
          <Csrf token={csrf} />
          <button type="submit" class="primary">
            {tr(lang, `${p.plan.changes.length}件を取り込む`, `Import ${p.plan.changes.length} answers`)}
          </button>
          <a href={`${o}/files`}>{tr(lang, "やめる", "Cancel")}</a>
        </form>
      ) : null}
    </section>
  );
}
