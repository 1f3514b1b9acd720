// 「共有先の一覧」 / "shared with": the customers this company is linked to, what each one sees,
// with buttons for the admin to change the scope, withdraw, share again, or stop reminders.
// 「共有をやめる」 / "stop sharing": with one customer, asked once and withdrawn at once; with
// several, the list with a withdraw button for each.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Block, type Choice, type Reply } from "../src/core/reply.ts";
import { askYesNo, DECLINE } from "../src/core/confirm.ts";
import { day, orgLabel, scopeLabel, sharingTerms } from "../src/suppliers/replies.ts";
import type { InvitationView } from "../src/suppliers/service.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const LIST = /^(共有先(の)?(一覧|リスト)?|共有先を(見る|見せて|確認)|共有の(一覧|状態|設定)|(どこ|誰|だれ)に共有して(いる|る)(の|か)?|取引先への共有|shared with|who (do|are) we shar(e|ing) with|sharing|consents?|my customers)$/i;
const QUIET = /^((取引先|依頼元|お客様|顧客)(から)?の)?(リマインド|催促|督促)(を)?(止める|止めて|とめて|停止|停止して|やめて|いらない|不要)(ください)?$|^stop (the )?(customer('s)? )?reminders$/i;
const STOP = /^(共有をやめる|共有を(停止|止める|とめる|やめたい|取り消す|撤回)(する)?|共有停止|同意を(撤回|取り消す)|stop sharing|withdraw (consent|sharing)|revoke (consent|sharing))$/i;

export const supplierShares = defineIntent({
  name: "supplier_shares",
  description: { ja: "共有先(依頼元の取引先)の一覧と共有の変更・停止", en: "See, change or withdraw what you share with customers" },
  examples: { ja: ["共有先の一覧", "共有をやめる"], en: ["shared with", "stop sharing"] },
  params: z.object({ stop: z.boolean().optional(), quiet: z.boolean().optional() }).strict(),
  personal: true,
  readOnly: true,
  match(_t, { normalized }) {
    const t = normalized.replace(STRIP, "");
    if (STOP.test(t)) return { stop: true };
    if (QUIET.test(t)) return { quiet: true };
    if (LIST.test(t)) return {};
    return null;
  },
  async handle({ stop, quiet }, ctx): Promise<Reply> {
    const { lang } = ctx;
    const all = await ctx.services.suppliers.customersOf(ctx.caller.orgId);
    const admin = ctx.caller.roles.has("admin");
    if (!all.length) {
      const text = tr(lang, "貴社はまだどの取引先(依頼元)ともつながっていません。依頼元から届いた参加コードを送ると始まります。", "Your company is not linked to any customer yet. Send the code a customer gave you to start.");
      return { text, blocks: [{ type: "text", text }], private: true };
    }
    const sharing = all.filter((c) => c.status === "accepted");
    if (stop && admin && sharing.length === 1) {
      const c = sharing[0];
      const who = orgLabel(c.buyerName, lang);
      const q = tr(lang, `${who}への共有をやめますか?やめるとすぐに、${who}には貴社の数字が見えなくなります。`, `Stop sharing with ${who}? They stop seeing your figures at once.`);
      const choices = askYesNo(ctx.state, ctx.now, {
        kind: "supplier-withdraw",
        yes: { label: tr(lang, "共有をやめる", "Stop sharing"), action: { intent: "supplier_consent", params: { id: c.id, decision: "withdraw" } }, style: "danger" },
        no: { label: tr(lang, "続ける", "Keep sharing"), action: DECLINE },
      });
      return { text: q, blocks: [{ type: "text", text: q }, { type: "choices", choices }], private: true };
    }
    const reminded = all.filter((c) => !c.remindersOff && (c.status === "accepted" || c.status === "pending"));
    if (quiet && admin && reminded.length === 1) {
      const c = reminded[0];
      const who = orgLabel(c.buyerName, lang);
      const q = tr(lang, `${who}からのリマインドを止めますか?(共有はそのままです)`, `Stop reminders from ${who}? (Sharing stays as it is.)`);
      const choices = askYesNo(ctx.state, ctx.now, {
        kind: "supplier-quiet",
        yes: { label: tr(lang, "リマインドを止める", "Stop reminders"), action: { intent: "supplier_consent", params: { id: c.id, decision: "reminders-off" } }, style: "primary" },
        no: { label: tr(lang, "このまま", "Keep them"), action: DECLINE },
      });
      return { text: q, blocks: [{ type: "text", text: q }, { type: "choices", choices }], private: true };
    }
    const blocks: Block[] = [];
    if (quiet && !admin) blocks.push({ type: "text", text: tr(lang, "リマインドの停止は組織の管理者が行えます。", "An organisation admin can stop reminders.") });
    if (stop && !admin) blocks.push({ type: "text", text: tr(lang, "共有の停止は組織の管理者が行えます。今の共有先は次のとおりです。", "An organisation admin can stop sharing. This is what is shared now.") });
    if (stop && admin && !sharing.length) blocks.push({ type: "text", text: tr(lang, "今、共有している取引先はありません。", "You share with no customer at the moment.") });
    const title = tr(lang, `共有先(${all.length}社)`, `Customers (${all.length})`);
    blocks.push({ type: "list", title, entries: all.map((c) => ({ label: orgLabel(c.buyerName, lang), detail: describe(c, lang) })), footer: sharingTerms(lang).notShared });
    if (admin) {
      const choices = all.flatMap((c) => buttons(c, lang)).slice(0, 25);
      if (choices.length) blocks.push({ type: "choices", choices });
    }
    return { text: title, blocks, private: true };
  },
});

function describe(c: InvitationView, lang: "ja" | "en"): string {
  const state =
    c.status === "accepted"
      ? tr(lang, `共有中: ${scopeLabel(c.scope, lang)}`, `sharing: ${scopeLabel(c.scope, lang)}`)
      : c.status === "pending"
        ? tr(lang, "管理者の判断待ち(共有していません)", "waiting for an admin (nothing shared)")
        : c.status === "withdrawn"
          ? tr(lang, "共有を停止しました", "sharing withdrawn")
          : tr(lang, "共有しない", "not sharing");
  const parts = [state];
  if (c.dueDate) parts.push(tr(lang, `期限 ${day(c.dueDate)}`, `due ${day(c.dueDate)}`));
  if (c.remindersOff) parts.push(tr(lang, "リマインド停止中", "reminders stopped"));
  return parts.join(" / ");
}

function buttons(c: InvitationView, lang: "ja" | "en"): Choice[] {
  const who = orgLabel(c.buyerName, lang);
  const act = (decision: string, scope?: string) => ({ intent: "supplier_consent", params: { id: c.id, decision, ...(scope ? { scope } : {}) } });
  const out: Choice[] = [];
  if (c.status === "accepted") {
    out.push({ label: tr(lang, `${who}: 共有をやめる`, `${who}: stop sharing`), action: act("withdraw"), style: "danger" });
    out.push(
      c.scope === "items"
        ? { label: tr(lang, `${who}: 概要だけにする`, `${who}: summary only`), action: act("accept", "summary") }
        : { label: tr(lang, `${who}: 項目ごとの回答も共有する`, `${who}: share answers per item too`), action: act("accept", "items") },
    );
  } else if (c.status === "pending") {
    out.push({ label: tr(lang, `${who}: 概要だけ共有する`, `${who}: share the summary`), action: act("accept", "summary"), style: "primary" });
    out.push({ label: tr(lang, `${who}: 共有しない`, `${who}: do not share`), action: act("decline") });
  } else {
    out.push({ label: tr(lang, `${who}: 概要の共有を再開する`, `${who}: share the summary again`), action: act("accept", "summary") });
  }
  out.push(
    c.remindersOff
      ? { label: tr(lang, `${who}: リマインドを受け取る`, `${who}: allow reminders`), action: act("reminders-on") }
      : { label: tr(lang, `${who}: リマインドを止める`, `${who}: stop reminders`), action: act("reminders-off") },
  );
  return out;
}
