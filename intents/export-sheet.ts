// "エクスポート" / "export": this year's check sheet as .xlsx (one row per item No.1..153, summary
// per level and area) and .csv (UTF-8 with BOM), as file blocks: Slack uploads them (to the DM
// when asked in a shared channel), the terminal writes them to disk, and Teams gets a short-lived
// signed download link (GET /files/:token), which needs PUBLIC_BASE_URL.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Block, type FileAttachment, type Reply } from "../src/core/reply.ts";
import { buildSheetData, CSV_MIME, fileBaseName, toCsv, toXlsx, XLSX_MIME } from "../src/assessment/export.ts";
import { fyLabel } from "../src/assessment/fiscal-year.ts";
import { mod } from "../src/assessment/ui.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const MATCH = /^(エクスポート|えくすぽーと|出力|書き出し|ダウンロード|チェックシート(を)?(出力|ダウンロード|エクスポート|書き出し)|(excel|エクセル|xlsx|csv)(で|に)?(出力|ダウンロード|エクスポート|書き出し)?|回答を(出力|ダウンロード|エクスポート)|export|download|export (the )?(check ?sheet|answers)|download (the )?(check ?sheet|answers))(して|する|したい|してください|お願いします)?$/i;

export const exportSheet = defineIntent({
  name: "export_sheet",
  description: { ja: "チェックシートをExcel/CSVで出力する", en: "Export the check sheet as Excel and CSV" },
  examples: { ja: ["エクスポート", "チェックシートを出力"], en: ["export", "download the check sheet"] },
  params: z.object({ format: z.enum(["xlsx", "csv", "both"]).default("both") }).strict(),
  match(_text, { normalized }) {
    const t = normalized.replace(STRIP, "");
    if (!MATCH.test(t)) return null;
    if (/csv/.test(t)) return { format: "csv" };
    if (/(excel|エクセル|xlsx)/.test(t)) return { format: "xlsx" };
    return { format: "both" };
  },
  async handle({ format }, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { kb } = ctx.services;
    const { lang } = ctx;
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    const { progress, answers } = await m.service.progress(a);
    const names = await m.service.names(ctx.caller.orgId, [...answers.values()].map((x) => x.answeredById));
    const data = buildSheetData({ kb, choices: m.choices, assessment: a, answers, names, progress, lang, orgName: ctx.caller.orgName, now: ctx.now });
    const base = fileBaseName(data);
    const files: FileAttachment[] = [];
    if (format !== "csv") files.push({ name: `${base}.xlsx`, mime: XLSX_MIME, data: await toXlsx(data), title: tr(lang, `チェックシート ${fyLabel(a.fiscalYear, lang)} (Excel)`, `Check sheet ${fyLabel(a.fiscalYear, lang)} (Excel)`) });
    if (format !== "xlsx") files.push({ name: `${base}.csv`, mime: CSV_MIME, data: toCsv(data), title: tr(lang, `チェックシート ${fyLabel(a.fiscalYear, lang)} (CSV)`, `Check sheet ${fyLabel(a.fiscalYear, lang)} (CSV)`) });

    const head = tr(
      lang,
      `${fyLabel(a.fiscalYear, lang)}のチェックシートを出力しました(回答 ${progress.all.answered}/${progress.all.items}項目)。`,
      `Here is the ${fyLabel(a.fiscalYear, lang)} check sheet (${progress.all.answered} of ${progress.all.items} items answered).`,
    );
    const blocks: Block[] = [{ type: "text", text: head }];
    const notes = [
      tr(lang, "CSVはUTF-8(BOM付き)なのでExcelでそのまま開けます。", "The CSV is UTF-8 with a BOM, so Excel opens it as is."),
      tr(lang, "提出は公式チェックシートで行ってください。この出力は社内の確認・転記用です。", "Submit on the official check sheet; this export is for review and transcription."),
    ];
    for (const f of files) blocks.push({ type: "file", file: f });
    blocks.push({ type: "context", text: notes.join("\n") });
    return { text: head, blocks, private: true };
  },
});
