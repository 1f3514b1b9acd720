// 「第3回をキャンセル」/ "cancel session 3": gives the seat back (until the cut-off) or leaves the
// waitlist; the first person waiting gets the seat and is told. 「キャンセル」alone lists the
// bookings to choose from.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { textReply, tr, type Reply } from "../src/core/reply.ts";
import { readMemberRequest } from "../src/booking/commands.ts";
import { clearPending, noSessionReply, orBusy, TOPIC_PENDING, tzOf } from "../src/booking/intent-support.ts";
import { cancelledReply, sessionName } from "../src/booking/replies.ts";
import { SeriesNoParam } from "../src/booking/session-data.ts";
import { formatDateTime } from "../src/booking/time.ts";

export const sessionCancel = defineIntent({
  name: "session_cancel",
  description: { ja: "相談会の予約やキャンセル待ちを取り消す", en: "Cancel a session booking or leave its waitlist" },
  examples: {
    ja: ["第3回をキャンセル", "予約をキャンセル", "第3回の予約を取り消したい", "キャンセル待ちをやめる"],
    en: ["cancel session 3", "cancel my booking", "leave the waitlist for session 3"],
  },
  personal: true,
  params: z.object({ seriesNo: SeriesNoParam.optional() }).strict(),
  match(text) {
    const r = readMemberRequest(text);
    return r?.kind === "cancel" ? (r.seriesNo !== undefined ? { seriesNo: r.seriesNo } : {}) : null;
  },
  async handle({ seriesNo }, ctx): Promise<Reply> {
    const { lang } = ctx;
    const { booking } = ctx.services;
    clearPending(ctx.state, TOPIC_PENDING);
    if (seriesNo === undefined) {
      const mine = await booking.myBookings(ctx.caller.userId, ctx.now);
      if (!mine.length) return textReply(tr(lang, "取り消せる予約はありません。", "You have no bookings to cancel."));
      const text = tr(lang, "どの予約を取り消しますか?", "Which booking do you want to cancel?");
      return {
        text,
        blocks: [
          { type: "text", text },
          {
            type: "choices",
            choices: mine.map((m) => ({
              label: m.booking.status === "confirmed" ? sessionName(m.session, lang) : tr(lang, `${sessionName(m.session, lang)}(キャンセル待ち)`, `${sessionName(m.session, lang)} (waitlist)`),
              action: { intent: "session_cancel", params: { seriesNo: m.session.seriesNo } },
              style: "danger" as const,
            })),
          },
        ],
        private: true,
      };
    }
    return orBusy(ctx, async () => {
      const r = await booking.cancel(seriesNo, { userId: ctx.caller.userId }, ctx.now);
      switch (r.kind) {
        case "no_session":
          return noSessionReply(seriesNo, ctx);
        case "not_booked":
          return textReply(tr(lang, `${sessionName(r.session, lang)} の予約はありません。`, `You have no booking for ${sessionName(r.session, lang)}.`));
        case "too_late":
          return textReply(
            r.state === "started"
              ? tr(lang, `${sessionName(r.session, lang)} はすでに始まっているため、取り消せません。`, `${sessionName(r.session, lang)} has already started and cannot be cancelled.`)
              : tr(
                  lang,
                  `${sessionName(r.session, lang)} のキャンセル期限(${formatDateTime(r.session.cancelCutoffAt!, tzOf(ctx), lang)})を過ぎたため、チャットでは取り消せません。何も変更していません。参加できなくなった場合は事務局にご連絡ください。`,
                  `The cancellation deadline for ${sessionName(r.session, lang)} (${formatDateTime(r.session.cancelCutoffAt!, tzOf(ctx), lang)}) has passed, so it cannot be cancelled here. Nothing was changed. Please tell the secretariat if you cannot attend.`,
                ),
          );
        case "cancelled":
          ctx.log.info("booking cancelled", { session: seriesNo, booking: r.booking.id, was: r.was, promoted: r.promoted });
          return cancelledReply(r.session, r.booking, r.was, lang);
      }
    });
  },
});
