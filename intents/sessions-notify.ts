// 「開催が決まったら通知」/ "notify me when sessions are announced" (a button or an explicit
// request): the person is told once, in this chat, when the secretariat adds or imports sessions.
// Asking twice records it once; 「通知をやめる」 takes it back.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { textReply, tr, type Reply } from "../src/core/reply.ts";
import { readMemberRequest } from "../src/booking/commands.ts";
import { actorOf } from "../src/booking/intent-support.ts";
import { announcedSessions, cancelAlert, requestAlert } from "../src/booking/alerts.ts";
import { alertChoice } from "../src/booking/replies.ts";
import { sessionsReply } from "./sessions-list.ts";

export const sessionsNotify = defineIntent({
  name: "sessions_notify",
  description: { ja: "相談会の開催が決まったら通知を受け取る", en: "Be told when the sessions are announced" },
  examples: {
    ja: ["開催が決まったら通知", "相談会の日程が決まったら教えて", "相談会の通知をやめる"],
    en: ["notify me when sessions are announced", "stop the session notice"],
  },
  personal: true,
  params: z.object({ stop: z.boolean().optional() }).strict(),
  match(text) {
    const r = readMemberRequest(text);
    return r?.kind === "notify" ? (r.stop ? { stop: true } : {}) : null;
  },
  async handle({ stop }, ctx): Promise<Reply> {
    const { lang, now } = ctx;
    const { db } = ctx.services;
    if (stop) {
      const removed = await cancelAlert(db, ctx.caller.userId);
      ctx.log.info("session alert cancelled", { removed });
      const text = removed
        ? tr(lang, "相談会の開催のお知らせを取りやめました。", "You will not be notified when the sessions are announced.")
        : tr(lang, "相談会の開催のお知らせは登録されていません(変更はありません)。", "You had not asked to be notified (nothing changed).");
      return { ...textReply(text, [{ type: "choices", choices: [{ label: tr(lang, "相談会の予定", "Sessions"), action: { intent: "sessions_list", params: {} } }] }]), private: true };
    }
    // already announced: nothing to wait for, here they are
    if ((await announcedSessions(db, now)).length) {
      const reply = await sessionsReply(ctx);
      const note = tr(lang, "相談会の日程はすでに発表されています。", "The sessions are already announced.");
      return { ...reply, text: note, blocks: [{ type: "text", text: note }, ...reply.blocks], private: true };
    }
    const r = await requestAlert(db, actorOf(ctx), lang, now);
    ctx.log.info("session alert", { outcome: r.kind });
    const text =
      r.kind === "recorded"
        ? tr(lang, "承知しました。相談会の開催が決まったら、このチャットで一度お知らせします。", "Done. You will be told here, once, when the sessions are announced.")
        : tr(lang, "すでに登録済みです。相談会の開催が決まったら、このチャットでお知らせします(変更はありません)。", "You are already on the list; you will be told here when the sessions are announced (nothing changed).");
    return { text, blocks: [{ type: "text", text }, { type: "choices", choices: [alertChoice(lang, true)] }], private: true };
  },
});
