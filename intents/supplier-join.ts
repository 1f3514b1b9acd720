// A supplier's member types the code a customer sent: 「参加コード 7KQ3M-XT9BR」, "join 7KQ3M-XT9BR",
// or the code alone. The bot says who asks and what would be shared; an admin decides at once
// with the buttons, a member's request goes to the organisation's admins (through the outbox).
// Wrong codes are counted per person and organisation (src/suppliers/codes.ts).
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { findCode } from "../src/suppliers/codes.ts";
import { actorOf } from "../src/suppliers/actor.ts";
import { consentQuestion, orgLabel, scopeLabel, sharingTerms } from "../src/suppliers/replies.ts";

export const supplierJoin = defineIntent({
  name: "supplier_join",
  description: { ja: "取引先から届いた参加コードを入力する", en: "Enter the code a customer sent you" },
  examples: { ja: ["参加コード"], en: ["join with a code"] },
  params: z.object({ code: z.string().min(1).max(40) }).strict(),
  personal: true,
  match(text) {
    const code = findCode(text);
    return code ? { code } : null;
  },
  async handle({ code }, ctx): Promise<Reply> {
    const { lang } = ctx;
    const r = await ctx.services.suppliers.join(actorOf(ctx), code);
    const say = (text: string): Reply => ({ text, blocks: [{ type: "text", text }], private: true });
    if (!r.ok) {
      ctx.log.warn("supplier code refused", { reason: r.reason });
      if (r.reason === "limited")
        return say(tr(lang, "コードの入力を何度も間違えたため、しばらく受け付けません。1時間ほどおいて、届いたコードをよく確かめてから入力してください。", "Too many wrong codes: I will not take another for a while. Please wait about an hour and check the code you received."));
      if (r.reason === "own") return say(tr(lang, "これは貴社が発行したコードです。取引先に送ってください。", "This is a code your own company issued: send it to your supplier."));
      if (r.reason === "linked")
        return say(tr(lang, "この取引先(依頼元)とはすでにつながっています。共有の状態は「共有先の一覧」で確認・変更できます。", "Your company is already linked to this customer. See or change what you share with \"shared with\"."));
      return say(
        tr(
          lang,
          "そのコードは使えません(誤り、有効期限切れ、または別の会社で使用済み)。コードを確かめるか、依頼元に新しいコードをお願いしてください。何も変更していません。",
          "That code cannot be used (mistyped, expired, or used by another company). Please check it, or ask the customer for a new one. Nothing was changed.",
        ),
      );
    }
    const inv = r.invitation;
    const who = orgLabel(inv.buyerName, lang);
    if (inv.status === "accepted")
      return say(tr(lang, `${who}とはすでに共有中です(${scopeLabel(inv.scope, lang)})。変更は「共有先の一覧」から。`, `You already share with ${who} (${scopeLabel(inv.scope, lang)}). Change it with "shared with".`));
    if (ctx.caller.roles.has("admin")) {
      const q = consentQuestion(inv, lang);
      return { text: q.text, blocks: q.blocks, private: true };
    }
    const queued = r.already ? 0 : await ctx.services.suppliers.requestConsent(inv.id, ctx.caller.orgId, ctx.now);
    const admins = await ctx.services.suppliers.adminsOf(ctx.caller.orgId);
    const names = admins.map((a) => a.name).join(tr(lang, "、", ", "));
    const terms = sharingTerms(lang);
    const text = tr(
      lang,
      `${who}からの依頼です。共有するかどうかは貴社の管理者(${names})が決めます。${queued ? "管理者に承認の依頼を送りました。" : "管理者の判断を待っています。"}自己評価はこのまま始められます(「レベル1を順番に回答」)。`,
      `This request comes from ${who}. Whether to share is for your company's admins (${names}) to decide. ${queued ? "I sent them the request." : "It is waiting for their decision."} You can start the self-assessment now ("answer level 1 in order").`,
    );
    return { text, blocks: [{ type: "text", text }, { type: "context", text: `${terms.shared}\n${terms.notShared}` }], private: true };
  },
});
