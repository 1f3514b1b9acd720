// 「第3回を予約」/ "book session 3" / the book button: a seat (or, when asked, a place on the
// waitlist), confirmed with a calendar invite; then the optional topic question. A second click
// returns the same booking and the same confirmation.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { textReply, tr, type Reply } from "../src/core/reply.ts";
import { findSeriesNo, readMemberRequest } from "../src/booking/commands.ts";
import { actorOf, askForTopic, memberNoSessionReply, orBusy, tzOf } from "../src/booking/intent-support.ts";
import { alreadyBookedReply, confirmedReply, fullReply, sessionName, unavailableText, waitlistedReply } from "../src/booking/replies.ts";
import { SeriesNoParam } from "../src/booking/session-data.ts";
import { askYesNo, DECLINE } from "../src/core/confirm.ts";

export const sessionBook = defineIntent({
  name: "session_book",
  description: { ja: "よろず相談会の席を予約する", en: "Book a seat at a consultation session" },
  examples: {
    ja: ["第3回を予約", "第3回に申し込み", "3回目に参加したい", "第3回のキャンセル待ちに登録"],
    en: ["book session 3", "reserve session 3", "join the waitlist for session 3"],
  },
  personal: true,
  params: z
    .object({
      seriesNo: SeriesNoParam,
      waitlist: z.boolean().optional(),
    })
    .strict(),
  match(text) {
    const r = readMemberRequest(text);
    return r?.kind === "book" ? { seriesNo: r.seriesNo, waitlist: r.waitlist || undefined } : null;
  },
  extract(text) {
    const seriesNo = findSeriesNo(text);
    return seriesNo === undefined ? null : { seriesNo };
  },
  async handle({ seriesNo, waitlist }, ctx): Promise<Reply> {
    const { lang } = ctx;
    const tz = tzOf(ctx);
    return orBusy(ctx, async () => {
      const r = await ctx.services.booking.book(seriesNo, actorOf(ctx), { waitlist }, ctx.now);
      switch (r.kind) {
        case "no_session":
          return memberNoSessionReply(seriesNo, ctx);
        case "confirmed":
          ctx.log.info(r.already ? "booking repeated" : "booking confirmed", { session: seriesNo, booking: r.booking.id });
          if (r.already) return alreadyBookedReply(r.session, r.booking, lang, tz);
          if (!r.booking.topic) askForTopic(ctx.state, r.booking.id, ctx.now);
          return confirmedReply(r.session, r.booking, lang, tz);
        case "waitlisted":
          ctx.log.info(r.already ? "waitlist repeated" : "waitlisted", { session: seriesNo, booking: r.booking.id, position: r.position });
          return waitlistedReply(r.session, r.position, lang, tz, { already: r.already });
        case "full": {
          // 「キャンセル待ちに登録しますか?」: はい / いいえ typed or clicked
          const answer = askYesNo(ctx.state, ctx.now, {
            kind: "waitlist",
            yes: { label: tr(lang, "キャンセル待ちに登録する", "Join the waitlist"), action: { intent: "session_book", params: { seriesNo, waitlist: true } }, style: "primary" },
            no: { label: tr(lang, "登録しない", "No, thanks"), action: DECLINE },
          });
          return fullReply(r.session, r.waitlistLength, lang, answer);
        }
        case "org_cap":
          return textReply(
            tr(
              lang,
              `${sessionName(r.session, lang)} は1社あたり${r.cap}名までで、貴社からはすでに${r.cap}名が予約しています。社内で調整のうえ、どなたかが取り消すと予約できます。`,
              `${sessionName(r.session, lang)} takes at most ${r.cap} people per company, and ${r.cap} from your company have already booked. Someone from your company has to cancel first.`,
            ),
          );
        case "unavailable":
          return textReply(unavailableText(r.state, r.session, lang, tz));
      }
    });
  },
});
