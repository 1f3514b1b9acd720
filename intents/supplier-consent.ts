// The supplier's admin decides about one customer (buttons only): share the summary, share the
// answers per item too, do not share, withdraw, and stop or allow that customer's reminders. The
// invitation is looked up within the caller's own organisation: a forged id finds nothing.
// Every decision is in the roll-out's audit trail (SupplierEvent).
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { actorOf } from "../src/suppliers/actor.ts";
import { orgLabel, scopeLabel } from "../src/suppliers/replies.ts";

export const supplierConsent = defineIntent({
  name: "supplier_consent",
  description: { ja: "取引先(依頼元)への共有を承認・変更・停止する(管理者)", en: "Accept, change or withdraw sharing with a customer (admin)" },
  examples: { ja: [], en: [] },
  params: z
    .object({
      id: z.string().uuid(),
      decision: z.enum(["accept", "decline", "withdraw", "reminders-off", "reminders-on"]),
      scope: z.enum(["summary", "items"]).optional(),
    })
    .strict(),
  role: "admin",
  personal: true,
  async handle({ id, decision, scope }, ctx): Promise<Reply> {
    const { lang } = ctx;
    const s = ctx.services.suppliers;
    const actor = actorOf(ctx);
    const r =
      decision === "reminders-off" || decision === "reminders-on"
        ? await s.setRemindersOff(actor, id, decision === "reminders-off")
        : await s.decide(actor, id, decision, scope ?? "summary");
    const say = (text: string): Reply => ({
      text,
      blocks: [{ type: "text", text }, { type: "choices", choices: [{ label: tr(lang, "共有先の一覧", "Shared with"), action: { intent: "supplier_shares", params: {} } }] }],
      private: true,
    });
    if (!r.ok) return say(tr(lang, "その依頼は貴社のものとして見つかりませんでした。何も変更していません。", "That request was not found for your company. Nothing was changed."));
    const inv = r.invitation;
    const who = orgLabel(inv.buyerName, lang);
    ctx.log.info("supplier consent changed", { invitation: id, decision, changed: r.changed });
    if (!r.changed) return say(tr(lang, `${who}との共有は変わっていません(すでにその状態です)。`, `Nothing changed for ${who} (it is already so).`));
    switch (decision) {
      case "accept":
        return say(tr(lang, `${who}への共有を始めました: ${scopeLabel(inv.scope, lang)}。いつでも「共有をやめる」で停止できます。`, `Now sharing with ${who}: ${scopeLabel(inv.scope, lang)}. Say "stop sharing" at any time to withdraw.`));
      case "decline":
      case "withdraw":
        return say(
          inv.status === "withdrawn"
            ? tr(lang, `${who}への共有をやめました。今この時点から、${who}には貴社の数字は見えません。`, `Sharing with ${who} has stopped. From now on ${who} sees none of your figures.`)
            : tr(lang, `${who}には共有しないことにしました。${who}には「辞退」とだけ表示されます。`, `You chose not to share with ${who}. They see only "declined".`),
        );
      case "reminders-off":
        return say(tr(lang, `${who}からのリマインドを止めました。`, `Reminders from ${who} are stopped.`));
      case "reminders-on":
        return say(tr(lang, `${who}からのリマインドを再び受け取ります。`, `You will receive reminders from ${who} again.`));
    }
  },
});
