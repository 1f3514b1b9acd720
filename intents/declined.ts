// The "no" of a yes/no question whose other answer would change something (join a waitlist, lock
// the sheet, cancel a session): nothing happens, and the person is told so.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { textReply, tr, type Reply } from "../src/core/reply.ts";

export const declined = defineIntent({
  name: "declined",
  description: { ja: "確認に「いいえ」と答える", en: "Answer no to a question" },
  examples: { ja: [], en: [] },
  params: z.object({}).strict(),
  readOnly: true,
  async handle(_p, ctx): Promise<Reply> {
    return textReply(tr(ctx.lang, "承知しました。何も変更していません。", "All right. Nothing was changed."));
  },
});
