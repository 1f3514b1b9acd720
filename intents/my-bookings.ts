// 「予約を確認」/ "my bookings": the caller's seats and waitlist places with their position.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { readMemberRequest } from "../src/booking/commands.ts";
import { tzOf } from "../src/booking/intent-support.ts";
import { placeText, sessionName, windowText } from "../src/booking/replies.ts";
import { bookingWindow } from "../src/booking/rules.ts";
import { formatRange } from "../src/booking/time.ts";

export const myBookings = defineIntent({
  name: "my_bookings",
  description: { ja: "自分の相談会の予約を確認する", en: "Show my session bookings" },
  readOnly: true,
  examples: {
    ja: ["予約を確認", "予約状況", "自分の予約", "予約した回は？"],
    en: ["my bookings", "my reservations", "what did i book"],
  },
  personal: true,
  params: z.object({}).strict(),
  match: (text) => (readMemberRequest(text)?.kind === "my_bookings" ? {} : null),
  async handle(_p, ctx): Promise<Reply> {
    const { lang, now } = ctx;
    const tz = tzOf(ctx);
    const mine = await ctx.services.booking.myBookings(ctx.caller.userId, now);
    if (!mine.length) {
      const text = tr(lang, "予約している相談会はありません。「相談会の予定」で空席を確認できます。", "You have not booked any session. Type \"sessions\" to see free seats.");
      return { text, blocks: [{ type: "text", text }, { type: "choices", choices: [{ label: tr(lang, "相談会の予定", "Sessions"), action: { intent: "sessions_list", params: {} } }] }] };
    }
    const title = tr(lang, `ご予約(${mine.length}件)`, `Your bookings (${mine.length})`);
    return {
      text: title,
      blocks: [
        {
          type: "list",
          title,
          entries: mine.map(({ booking: b, session: s, position }) => {
            const bits = [
              b.status === "confirmed" ? tr(lang, "✅ 予約済み", "✅ booked") : tr(lang, `⏳ キャンセル待ち ${position}番目`, `⏳ waitlist #${position}`),
              formatRange(s.startsAt, s.endsAt, tz, lang),
              placeText(s, lang, b.status === "confirmed"),
            ];
            if (s.status !== "open") bits.push(windowText(bookingWindow(s, now), s, lang, tz));
            if (b.topic) bits.push(tr(lang, `テーマ: ${b.topic}`, `topic: ${b.topic}`));
            return { label: sessionName(s, lang), detail: bits.join(" ・ ") };
          }),
        },
        {
          type: "choices",
          choices: mine.map(({ session: s }) => ({
            label: tr(lang, `第${s.seriesNo}回を取り消す`, `Cancel #${s.seriesNo}`),
            action: { intent: "session_cancel", params: { seriesNo: s.seriesNo } },
            style: "danger" as const,
          })),
        },
      ],
      private: true,
    };
  },
});
