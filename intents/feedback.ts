// 👍/👎 under an answer: stored with the question it answered, for improving the knowledge base.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";

export const feedback = defineIntent({
  name: "feedback",
  description: { ja: "回答への評価(👍/👎)を記録する", en: "Record 👍/👎 on an answer" },
  examples: { ja: [], en: [] },
  params: z.object({ ref: z.string().min(1).max(100), helpful: z.boolean() }).strict(),
  async handle({ ref, helpful }, ctx): Promise<Reply> {
    await ctx.services.db.feedback.create({
      data: {
        orgId: ctx.caller.orgId,
        userId: ctx.caller.userId,
        question: (ctx.state.lastQuestion ?? "").slice(0, 500),
        answerRef: ref,
        helpful,
      },
    });
    const text = helpful
      ? tr(ctx.lang, "ありがとうございます。今後の参考にします。", "Thank you for the feedback.")
      : tr(
          ctx.lang,
          "ご意見ありがとうございます。改善に使います。ほかの聞き方を試すか、「相談会の予定は?」で専門家への相談もできます。",
          "Thanks, we will use this to improve. Try asking another way, or bring the question to a consultation session (\"sessions\").",
        );
    return { text, blocks: [{ type: "text", text }] };
  },
});
