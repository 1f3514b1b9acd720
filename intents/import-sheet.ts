// A filled-in sheet attached to a message (Slack, Teams), or "インポート /path/to/sheet.xlsx" in the
// terminal chat (only there: a path is read from this machine's disk, which must never happen for
// a message from Slack or Teams): pre-fills answers after a preview and a yes/no confirmation.
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { ImportError, MAX_IMPORT_BYTES } from "../src/assessment/import.ts";
import { importErrorText, previewImport } from "../src/assessment/import-flow.ts";
import { askToApply, clearPending, mod, PENDING, textOnly } from "../src/assessment/ui.ts";

const MATCH = /^(インポート|いんぽーと|取り込み|取込|取り込む|読み込み|読込|import)(\s+(.+))?$/i;

export const importSheet = defineIntent({
  name: "import_sheet",
  description: { ja: "記入済みのチェックシート(xlsx/csv)から回答を取り込む", en: "Pre-fill answers from a filled-in check sheet (xlsx/csv)" },
  examples: { ja: ["インポート"], en: ["import"] },
  params: z.object({ path: z.string().min(1).max(1000).optional() }).strict(),
  acceptsFiles: true,
  match(text, { hasFiles }) {
    if (hasFiles) return {};
    const m = MATCH.exec(text.trim());
    if (!m) return null;
    const path = m[3]?.trim().replace(/^["'](.*)["']$/, "$1");
    return path ? { path } : {};
  },
  async handle({ path }, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { lang } = ctx;
    const { kb } = ctx.services;
    const attached = ctx.turn.files ?? [];
    let data: Buffer;
    let fileName: string;
    if (attached.length) {
      const file = attached.find((f) => /\.(xlsx|csv|tsv|txt)$/i.test(f.name));
      if (!file)
        return textOnly(
          tr(lang, "取り込めるのは .xlsx か .csv のチェックシートです。何も変更していません。", "Only .xlsx or .csv sheets can be imported. Nothing was changed."),
        );
      if (file.size !== undefined && file.size > MAX_IMPORT_BYTES) return textOnly(importErrorText(new ImportError("too_large"), lang));
      try {
        data = await file.download();
      } catch (err) {
        ctx.log.warn("attachment download failed", { error: (err as Error).message });
        return textOnly(
          tr(lang, "添付ファイルを読み込めませんでした。もう一度送ってください。何も変更していません。", "Could not fetch the attached file; please send it again. Nothing was changed."),
        );
      }
      if (data.length > MAX_IMPORT_BYTES) return textOnly(importErrorText(new ImportError("too_large"), lang));
      fileName = file.name;
    } else if (ctx.turn.platform === "console" && path) {
      try {
        const st = statSync(path);
        // only a regular file: /dev/zero or a pipe reports size 0 and would be read forever
        if (!st.isFile())
          return textOnly(tr(lang, `${path} はファイルではありません。.xlsx か .csv のファイルを指定してください。何も変更していません。`, `${path} is not a file; please give an .xlsx or .csv file. Nothing was changed.`));
        if (st.size > MAX_IMPORT_BYTES) return textOnly(importErrorText(new ImportError("too_large"), lang));
        data = readFileSync(path);
      } catch {
        return textOnly(tr(lang, `ファイル ${path} を開けませんでした。パスを確認してください。何も変更していません。`, `Could not open ${path}; please check the path. Nothing was changed.`));
      }
      fileName = basename(path);
    } else {
      return textOnly(
        tr(
          lang,
          "記入済みのチェックシート(このボットのエクスポートと同じ列の .xlsx / .csv)から回答を取り込めます。\n" +
            "・Slack / Teams: ボットとの個人チャットにファイルを添付して送ってください(取り込む前に内容の確認があります)\n" +
            "・ターミナル版: 「インポート /path/to/sheet.xlsx」\n" +
            "・運用者: `npm run sheet:import -- <組織キー> <ファイル>`",
          "You can pre-fill answers from a filled-in check sheet (.xlsx / .csv with the columns of this bot's export).\n" +
            "- Slack / Teams: attach the file in your personal chat with the bot (you confirm before anything changes)\n" +
            '- Terminal: "import /path/to/sheet.xlsx"\n' +
            "- Operator: `npm run sheet:import -- <org key> <file>`",
        ),
      );
    }
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    try {
      const preview = await previewImport(m, a, data, fileName, lang, kb.totalItems);
      clearPending(ctx);
      const lines = [preview.summary, ...preview.problems];
      if (!preview.plan.changes.length) return textOnly(lines.join("\n"), { private: true });
      const choices = askToApply(ctx, PENDING.importConfirm, { assessmentId: a.id, changes: preview.plan.changes, file: fileName });
      const question = tr(lang, `${preview.summary} — よろしいですか?`, `${preview.summary}. Go ahead?`);
      return {
        text: question,
        blocks: [
          { type: "text", text: question },
          ...(preview.problems.length ? [{ type: "context" as const, text: preview.problems.join("\n") }] : []),
          { type: "choices", choices },
        ],
        private: true,
      };
    } catch (e) {
      if (e instanceof ImportError) return textOnly(importErrorText(e, lang));
      throw e;
    }
  },
});
