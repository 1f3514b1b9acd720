// 「おすすめの相談会は?」: the sessions whose areas cover the items the organisation marked 未達成.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { readMemberRequest } from "../src/booking/commands.ts";
import { tzOf } from "../src/booking/intent-support.ts";
import { notAchievedItems, recommendSessions } from "../src/booking/recommend.ts";
import { seatsText, sessionName, shortSessionLabel } from "../src/booking/replies.ts";
import { bookingWindow } from "../src/booking/rules.ts";
import { formatRange } from "../src/booking/time.ts";
import { sessionsReply } from "./sessions-list.ts";

export const sessionsRecommend = defineIntent({
  name: "sessions_recommend",
  description: { ja: "未達成の項目に合う相談会を提案する", en: "Suggest sessions for the items not yet achieved" },
  readOnly: true,
  examples: {
    ja: ["おすすめの相談会は？", "どの回に参加すればいい？", "うちに合う相談会"],
    en: ["which session should i attend", "recommend a session"],
  },
  params: z.object({}).strict(),
  match: (text) => (readMemberRequest(text)?.kind === "recommend" ? {} : null),
  async handle(_p, ctx): Promise<Reply> {
    const { lang, now } = ctx;
    const items = await notAchievedItems(ctx.services.db, ctx.caller.orgId);
    const sessions = await ctx.services.booking.listSessions(now);
    const recs = recommendSessions(ctx.services.kb, sessions, items).slice(0, 5);
    if (!recs.length) {
      const reply = await sessionsReply(ctx);
      const note = items.length
        ? tr(lang, "未達成の項目に直接対応する回は見つかりませんでした。全体の予定です。", "No session covers your not-achieved items directly; here is the full schedule.")
        : tr(lang, "未達成として記録された項目がまだないため、全体の予定を表示します。項目を記録すると、合う回をおすすめできます。", "No item is recorded as not achieved yet, so here is the full schedule. Record your answers and I can suggest sessions.");
      return { ...reply, text: note, blocks: [{ type: "text", text: note }, ...reply.blocks] };
    }
    const title = tr(lang, "貴社の未達成項目に合う相談会", "Sessions for your not-achieved items");
    return {
      text: title,
      blocks: [
        {
          type: "list",
          title,
          entries: recs.map((r) => ({
            label: sessionName(r.session, lang),
            detail: [
              formatRange(r.session.startsAt, r.session.endsAt, tzOf(ctx), lang),
              tr(lang, `未達成: No.${r.items.join(", No.")}`, `not achieved: No.${r.items.join(", No.")}`),
              seatsText(r.session, lang),
            ].join(" ・ "),
          })),
        },
        {
          type: "choices",
          choices: recs
            .filter((r) => bookingWindow(r.session, now) === "open")
            .map((r) => ({
              label: tr(lang, `${shortSessionLabel(r.session, lang)} を予約`, `Book ${shortSessionLabel(r.session, lang)}`),
              action: { intent: "session_book", params: r.session.remaining > 0 ? { seriesNo: r.session.seriesNo } : { seriesNo: r.session.seriesNo, waitlist: true } },
            })),
        },
      ],
      private: true,
    };
  },
});
