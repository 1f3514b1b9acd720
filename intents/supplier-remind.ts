// 「未着手の取引先にリマインド」 / "remind suppliers" (organisation admin): the suppliers that joined
// and have not submitted, were not reminded this week and did not stop reminders; asked once, then
// one reminder each to their admins through the outbox, with the due date. The buyer sees when
// each was reminded in 「取引先の状況」.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Block, type Reply } from "../src/core/reply.ts";
import { askYesNo, DECLINE } from "../src/core/confirm.ts";
import { remindable } from "../src/suppliers/service.ts";
import { actorOf } from "../src/suppliers/actor.ts";
import { day } from "../src/suppliers/replies.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const MATCH = /^((未着手|未提出|未回答|回答していない)の?)?(取引先|サプライヤー)(に|へ)(リマインド|催促|督促)(を)?(する|して|送る|送って|したい)?|remind (the |our )?(suppliers|suppliers who have not (started|submitted))$/i;

export const supplierRemind = defineIntent({
  name: "supplier_remind",
  description: { ja: "未提出の取引先にリマインドを送る(管理者、1社につき週1回まで)", en: "Remind suppliers that have not submitted (admin; once a week each at most)" },
  examples: { ja: ["未着手の取引先にリマインド"], en: ["remind suppliers"] },
  params: z.object({ ids: z.array(z.string().uuid()).min(1).max(20).optional(), all: z.boolean().optional(), confirmed: z.boolean().optional() }).strict(),
  role: "admin",
  personal: true,
  match(_t, { normalized }) {
    return MATCH.test(normalized.replace(STRIP, "")) ? {} : null;
  },
  async handle({ ids, all, confirmed }, ctx): Promise<Reply> {
    const { lang } = ctx;
    const s = ctx.services.suppliers;
    const r = await s.rollout(ctx.caller.orgId, ctx.now);
    const due = r.rows.filter((x) => remindable(x, ctx.now));
    const say = (text: string, extra: Block[] = []): Reply => ({ text, blocks: [{ type: "text", text }, ...extra], private: true });
    if (confirmed && (all || ids?.length)) {
      const chosen = all ? due.map((x) => x.id) : ids!;
      const res = await s.remind(actorOf(ctx), chosen, ctx.now);
      ctx.log.info("suppliers reminded", { reminded: res.reminded.length, skipped: res.skipped.length });
      const names = (list: string[]) => list.map((id) => r.rows.find((x) => x.id === id)?.name).filter(Boolean).join(tr(lang, "、", ", "));
      return say(
        res.reminded.length
          ? tr(lang, `${res.reminded.length}社の管理者にリマインドを送ります: ${names(res.reminded)}。`, `Reminding the admins of ${res.reminded.length} suppliers: ${names(res.reminded)}.`) +
              (res.skipped.length ? tr(lang, `(${res.skipped.length}社は今週送信済みか対象外のため送りません)`, ` (${res.skipped.length} skipped: reminded this week or not applicable)`) : "")
          : tr(lang, "送れる取引先がありませんでした(今週送信済み、提出済み、リマインド停止、または見つからない)。何も送っていません。", "No reminder was sent (reminded this week, submitted, stopped, or not found)."),
      );
    }
    const notJoined = r.rows.filter((x) => x.state === "invited").length;
    const hint = notJoined
      ? tr(lang, `未参加の${notJoined}社にはチャットで届けられません。連絡先に招待メッセージを送り直してください。`, `${notJoined} suppliers have not joined, so chat cannot reach them: send them the invitation message again.`)
      : "";
    if (!due.length) {
      const waiting = r.rows.filter((x) => (x.state === "joined" || x.state === "answering") && !remindable(x, ctx.now));
      const lines = waiting.slice(0, 10).map((x) => (x.remindersOff ? tr(lang, `${x.name}: リマインド停止中`, `${x.name}: reminders stopped`) : tr(lang, `${x.name}: ${day(x.lastRemindedAt)} に送信済み`, `${x.name}: reminded ${day(x.lastRemindedAt)}`)));
      return say(tr(lang, "今リマインドを送れる取引先はありません(1社につき週1回まで)。", "No supplier can be reminded now (once a week each at most).") + (lines.length ? "\n" + lines.join("\n") : "") + (hint ? "\n" + hint : ""));
    }
    const q = tr(lang, `次の${due.length}社の管理者にリマインドを送りますか?`, `Send a reminder to the admins of these ${due.length} suppliers?`);
    const choices = askYesNo(ctx.state, ctx.now, {
      kind: "supplier-remind",
      yes: { label: tr(lang, `${due.length}社に送る`, `Remind ${due.length}`), action: { intent: "supplier_remind", params: { all: true, confirmed: true } }, style: "primary" },
      no: { label: tr(lang, "やめる", "Not now"), action: DECLINE },
    });
    const one = due.slice(0, 10).map((x) => ({ label: tr(lang, `${x.name} だけに送る`, `Only ${x.name}`), action: { intent: "supplier_remind", params: { ids: [x.id], confirmed: true } } }));
    return {
      text: q,
      blocks: [
        { type: "text", text: q },
        { type: "list", entries: due.slice(0, 30).map((x) => ({ label: x.name, detail: x.dueDate ? tr(lang, `期限 ${day(x.dueDate)}`, `due ${day(x.dueDate)}`) : tr(lang, "期限なし", "no due date") })) },
        ...(hint ? [{ type: "context" as const, text: hint }] : []),
        { type: "choices", choices: [...choices, ...one] },
      ],
      private: true,
    };
  },
});
