// Anything no other intent claims: a question for the knowledge base.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { both, type Reply } from "../src/core/reply.ts";

export const ask = defineIntent({
  name: "ask",
  description: { ja: "チェックシートについての質問に答える", en: "Answer a question about the check sheet" },
  examples: { ja: [], en: [] },
  params: z.object({}).passthrough(),
  async handle(): Promise<Reply> {
    const text = both(
      "すみません、ご質問の内容に合う答えが見つかりませんでした。「ヘルプ」で使い方を表示します。項目は「No.115」のように番号でも聞けます。",
      "Sorry, I could not find an answer to that. Type \"help\" to see what I can do, or ask for an item by number, e.g. \"No.115\".",
    );
    return { text, blocks: [{ type: "text", text }] };
  },
});
