// "昨年度の回答を引き継ぐ" / "carry over last year's answers": copies last fiscal year's answers into
// this year's assessment as carry-over events, only where this year's item is still unanswered
// (never over an answer already given). One action: "元に戻す" takes all of it back.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { fyLabel } from "../src/assessment/fiscal-year.ts";
import { AssessmentError } from "../src/assessment/service.ts";
import { actorOf, assessmentErrorText, changeLines, clearPending, mod, sourceOf, textOnly } from "../src/assessment/ui.ts";

const JA = /(昨年度|前年度|去年|昨年|前回)の?(回答|結果|自己評価)?を?(引き継|引継|ひきつ|コピー|流用|反映)/;
const EN = /\b(carry (over|forward)|copy|reuse|bring over)\b.*\b(last year|previous year|last year's)\b/i;

export const carryOver = defineIntent({
  name: "carry_over",
  description: { ja: "昨年度の回答を今年度に引き継ぐ(未回答の項目のみ)", en: "Carry last year's answers over to this year (unanswered items only)" },
  examples: { ja: ["昨年度の回答を引き継ぐ"], en: ["carry over last year's answers"] },
  params: z.object({}).strict(),
  match: (_text, { normalized }) => (JA.test(normalized) || EN.test(normalized) ? {} : null),
  async handle(_p, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { lang } = ctx;
    clearPending(ctx);
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    try {
      const r = await m.service.carryOver(a, actorOf(ctx), sourceOf(ctx));
      if (!r.prev)
        return textOnly(tr(lang, `${fyLabel(a.fiscalYear - 1, lang)}の回答はこのボットに記録がないため、引き継げるものはありません。`, `There are no answers for ${fyLabel(a.fiscalYear - 1, lang)} in this bot, so there is nothing to carry over.`), { private: true });
      const version =
        r.prev.guidelineVersion !== a.guidelineVersion
          ? tr(lang, `\n注意: 前年度は v${r.prev.guidelineVersion}、今年度は v${a.guidelineVersion} です。版の違いで同じ番号でも中身が変わっている場合があるので、引き継いだ回答を確認してください。`, `\nNote: last year used v${r.prev.guidelineVersion}, this year v${a.guidelineVersion}; the same number may mean something different, so please review.`)
          : "";
      const head = tr(
        lang,
        `${fyLabel(r.prev.fiscalYear, lang)}の回答から${r.copied.length}件を引き継ぎました(今年度すでに回答済みの${r.skipped}件はそのままです)。${version}`,
        `Carried over ${r.copied.length} answers from ${fyLabel(r.prev.fiscalYear, lang)} (${r.skipped} already answered this year were left as they are).${version}`,
      );
      return {
        text: head,
        blocks: [
          { type: "text", text: head },
          ...(r.copied.length ? [{ type: "context" as const, text: changeLines(m, r.copied, lang) }] : []),
          {
            type: "choices",
            choices: [
              ...(r.changeId && r.copied.length ? [{ label: tr(lang, "元に戻す", "Undo"), action: { intent: "undo_answer", params: { changeId: r.changeId } } }] : []),
              { label: tr(lang, "進捗を見る", "Progress"), action: { intent: "show_progress", params: {} } },
            ],
          },
        ],
        private: true,
      };
    } catch (e) {
      if (e instanceof AssessmentError) return textOnly(assessmentErrorText(e, lang), { private: true });
      throw e;
    }
  },
});
