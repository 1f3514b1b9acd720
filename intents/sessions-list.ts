// 「相談会の予定は?」/ "sessions": the series with free seats and waitlist length, the caller's own
// bookings marked, the sessions that match the organisation's 未達成 items, and buttons to book.
import { z } from "zod";
import { defineIntent, type IntentContext } from "../src/core/intent.ts";
import { tr, type Block, type Choice, type Reply } from "../src/core/reply.ts";
import { readMemberRequest } from "../src/booking/commands.ts";
import { tzOf } from "../src/booking/intent-support.ts";
import { notAchievedItems, recommendSessions } from "../src/booking/recommend.ts";
import { placeText, provisionalNote, seatsText, sessionName, shortSessionLabel, windowText } from "../src/booking/replies.ts";
import { bookingWindow } from "../src/booking/rules.ts";
import { formatRange } from "../src/booking/time.ts";

export const sessionsList = defineIntent({
  name: "sessions_list",
  description: { ja: "よろず相談会の日程と空席を表示する", en: "List the consultation sessions with free seats" },
  readOnly: true,
  examples: {
    ja: ["相談会の予定は？", "相談会の一覧", "よろず相談会", "相談会の日程", "相談会に申し込みたい", "空いている相談会"],
    en: ["sessions", "list sessions", "consultation sessions", "upcoming sessions", "when are the sessions"],
  },
  params: z.object({ all: z.boolean().optional() }).strict(),
  match: (text) => (readMemberRequest(text)?.kind === "list" ? {} : null),
  async handle({ all }, ctx): Promise<Reply> {
    return sessionsReply(ctx, { includePast: all });
  },
});

export async function sessionsReply(ctx: IntentContext, opts: { includePast?: boolean } = {}): Promise<Reply> {
  const { booking } = ctx.services;
  const { lang, now } = ctx;
  const tz = tzOf(ctx);
  const sessions = await booking.listSessions(now, { includePast: opts.includePast });
  if (!sessions.length) {
    const text = tr(lang, "予定されている相談会は今のところありません。", "No consultation sessions are scheduled at the moment.");
    return { text, blocks: [{ type: "text", text }] };
  }
  const mine = new Map((await booking.myBookings(ctx.caller.userId, now)).map((m) => [m.session.id, m]));
  const choices: Choice[] = [];
  const entries = sessions.map((s) => {
    const state = bookingWindow(s, now);
    const my = mine.get(s.id);
    const bits = [formatRange(s.startsAt, s.endsAt, tz, lang), placeText(s, lang, false)];
    if (state === "open") bits.push(seatsText(s, lang));
    else bits.push(windowText(state, s, lang, tz));
    if (my) bits.push(my.booking.status === "confirmed" ? tr(lang, "✅ 予約済み", "✅ booked") : tr(lang, `⏳ キャンセル待ち${my.position}番目`, `⏳ waitlist #${my.position}`));
    if (state === "open" && !my)
      choices.push({
        label: s.remaining > 0 ? tr(lang, `${shortSessionLabel(s, lang)} を予約`, `Book ${shortSessionLabel(s, lang)}`) : tr(lang, `${shortSessionLabel(s, lang)} キャンセル待ち`, `Waitlist ${shortSessionLabel(s, lang)}`),
        action: { intent: "session_book", params: s.remaining > 0 ? { seriesNo: s.seriesNo } : { seriesNo: s.seriesNo, waitlist: true } },
      });
    return { label: sessionName(s, lang), detail: bits.join(" ・ ") };
  });
  const title = tr(lang, "よろず相談会の予定", "Consultation sessions");
  const blocks: Block[] = [{ type: "list", title, entries }];
  const items = await notAchievedItems(ctx.services.db, ctx.caller.orgId);
  const recs = recommendSessions(ctx.services.kb, sessions, items).slice(0, 3);
  if (recs.length)
    blocks.push({
      type: "context",
      text: tr(
        lang,
        `貴社の未達成項目に関係する回: ${recs.map((r) => `第${r.session.seriesNo}回(No.${r.items.slice(0, 5).join(", No.")}${r.items.length > 5 ? " ほか" : ""})`).join("、")}`,
        `Sessions that cover your not-achieved items: ${recs.map((r) => `#${r.session.seriesNo} (No.${r.items.slice(0, 5).join(", No.")}${r.items.length > 5 ? "…" : ""})`).join(", ")}`,
      ),
    });
  if (sessions.some((s) => s.provisional)) blocks.push(provisionalNote(lang));
  if (choices.length) blocks.push({ type: "choices", prompt: tr(lang, "予約する回を選んでください(「第3回を予約」と送っても予約できます)。", "Pick a session to book (or type e.g. \"book session 3\")."), choices });
  return { text: title, blocks, private: mine.size > 0 };
}
