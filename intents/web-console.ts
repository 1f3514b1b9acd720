// 「管理画面」/ "dashboard": a one-time link to the web console (src/web), valid 10 minutes and
// usable once, that signs this person in with the same organisation and roles as in chat. The
// link is a key: it goes to the asker alone (personal), never to a shared channel.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { LINK_TTL_MS, webAccessFor } from "../src/web/access.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const JA = /^(web\s*)?(管理画面|管理ページ|ダッシュボード|ウェブ画面|web画面|webコンソール|ウェブコンソール|ウェブ版|web版|管理コンソール)(を|に)?(開く|開いて|開きたい|ひらく|ひらいて|見たい|見せて|表示|表示して|ログイン|ログインしたい|入りたい|のリンク|へのリンク|のurl)?(ください|下さい)?$/;
const EN = /^(open |show |sign in to |log ?in to )?(the |my )?(web )?(dashboard|web console|admin console|admin page|console link|dashboard link)( please)?$/i;

export const webConsole = defineIntent({
  name: "web_console",
  description: { ja: "Web管理画面を開く(本人だけに1回限りのリンクを送ります)", en: "Open the web console (a one-time link, sent to you alone)" },
  examples: { ja: ["管理画面", "ダッシュボード", "管理画面を開く"], en: ["dashboard", "web console", "open the dashboard"] },
  personal: true,
  params: z.object({}).strict(),
  match(_text, { normalized }) {
    const t = normalized.replace(STRIP, "");
    return JA.test(t) || EN.test(t) ? {} : null;
  },
  async handle(_p, ctx): Promise<Reply> {
    const { lang } = ctx;
    const access = webAccessFor(ctx.services.db, ctx.services.config);
    const { url } = await access.createLink({ userId: ctx.caller.userId, orgId: ctx.caller.orgId }, ctx.now);
    const minutes = LINK_TTL_MS / 60_000;
    const head = tr(lang, "Web管理画面へのリンクです(あなた専用)。", "Here is your link to the web console (for you alone).");
    const rules = tr(
      lang,
      `有効期限は${minutes}分、1回だけ使えます。開くとこのチャットと同じ会社・権限でサインインし、8時間有効です。リンクは他の人に転送しないでください。`,
      `It works once, within ${minutes} minutes. It signs you in with the same company and role as in this chat, for 8 hours. Please do not forward it.`,
    );
    return {
      text: `${head}\n${url}`,
      blocks: [
        { type: "text", text: head },
        { type: "text", text: url },
        { type: "context", text: rules },
      ],
      private: true,
    };
  },
});
