// "元に戻す" / "undo": takes back the caller's own last change (one message, click or import),
// restoring each item to its state before; the undo is itself an audit event. The button carries
// the change id, which only ever selects a change of the caller in the caller's organisation.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { AssessmentError } from "../src/assessment/service.ts";
import { actorOf, assessmentErrorText, changeLines, clearPending, mod, nosText, sourceOf, textOnly } from "../src/assessment/ui.ts";

const UNDO = /^(元に戻す|もとに戻す|元にもどす|元に戻して|もとにもどして|戻して|取り消す|取り消して|直前の変更を取り消す|さっきの回答を取り消す|さっきのを取り消して|undo|undo that|undo last( change)?|revert)$/i;

export const undoAnswer = defineIntent({
  name: "undo_answer",
  description: { ja: "自分の直前の回答の変更を元に戻す", en: "Undo your own last answer change" },
  examples: { ja: ["元に戻す", "取り消す"], en: ["undo", "undo last change"] },
  params: z.object({ changeId: z.string().uuid().optional() }).strict(),
  match: (_text, { normalized }) => (UNDO.test(normalized.replace(/[?？!！。.、\s]+$/u, "")) ? {} : null),
  async handle(p, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { lang } = ctx;
    clearPending(ctx);
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    try {
      const r = await m.service.undo(a, actorOf(ctx), sourceOf(ctx), p.changeId);
      const nos = r.results.map((x) => x.no);
      const head = tr(lang, `${nosText(nos)} を元に戻しました。`, `Undone: ${nosText(nos)}.`);
      return {
        text: head,
        blocks: [{ type: "text", text: head }, { type: "context", text: changeLines(m, r.results, lang) }],
        private: true,
      };
    } catch (e) {
      if (e instanceof AssessmentError) return textOnly(assessmentErrorText(e, lang), { private: true });
      throw e;
    }
  },
});
