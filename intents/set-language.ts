// 「日本語で」 / "in English": the language this person is answered in, in every conversation,
// until they switch again (issue 9). Writing a clear sentence in the other language also switches.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { textReply, type Reply } from "../src/core/reply.ts";
import { setPreferredLang } from "../src/core/identity.ts";
import { readLanguageSwitch } from "../src/nlu/language.ts";

export const setLanguage = defineIntent({
  name: "set_language",
  description: { ja: "返答の言語を切り替える", en: "Switch the language of the answers" },
  examples: { ja: ["日本語で", "英語で"], en: ["in English", "in Japanese"] },
  params: z.object({ lang: z.enum(["ja", "en"]) }).strict(),
  match: (_text, { normalized }) => {
    const lang = readLanguageSwitch(normalized);
    return lang ? { lang } : null;
  },
  async handle({ lang }, ctx): Promise<Reply> {
    await setPreferredLang(ctx.services.db, ctx.caller.userId, lang);
    return textReply(
      lang === "en"
        ? 'From now on I will answer in English. Say 「日本語で」 to switch back.'
        : "これからは日本語でお答えします。英語に切り替えるときは「in English」と送ってください。",
    );
  },
});
