// Anything no other intent claims: a question for the knowledge base. Every question is logged
// with whether it could be answered (for the `unanswered` report); the text is kept so 👍/👎 and
// follow-ups can refer to it.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import type { Reply } from "../src/core/reply.ts";
import { answerQuestion } from "../src/knowledge/answer.ts";
import { normalize, stripChatNoise } from "../src/nlu/normalize.ts";

export const ask = defineIntent({
  name: "ask",
  description: { ja: "チェックシートについての質問に答える", en: "Answer a question about the check sheet" },
  readOnly: true,
  examples: { ja: [], en: [] },
  params: z.object({}).strict(),
  async handle(_params, ctx): Promise<Reply> {
    const question = (ctx.text ?? "").trim();
    const { kb, search, llm, db } = ctx.services;
    const outcome = await answerQuestion(question, ctx.lang, { kb, search, llm, asker: { userId: ctx.caller.userId, now: ctx.now } });
    ctx.state.lastQuestion = question.slice(0, 500);
    if (outcome.itemNo !== undefined) ctx.state.lastItemNo = outcome.itemNo;
    await db.questionLog.create({
      data: {
        orgId: ctx.caller.orgId,
        text: question.slice(0, 500),
        normalized: stripChatNoise(normalize(question)).slice(0, 200),
        answered: outcome.answered,
        topItemNo: outcome.itemNo ?? null,
      },
    });
    return outcome.reply;
  },
});
