// The topic or question a person brings to their session: the message after booking (or the
// skip button), or any time 「第3回の相談テーマ: …」/ "topic for session 3: …".
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { textReply, tr, type Reply } from "../src/core/reply.ts";
import { isSkip, readMemberRequest } from "../src/booking/commands.ts";
import { clearPending, pendingTopic, TOPIC_PENDING } from "../src/booking/intent-support.ts";
import { MAX_TOPIC_LENGTH } from "../src/booking/booking-service.ts";
import { sessionName } from "../src/booking/replies.ts";
import { SeriesNoParam } from "../src/booking/session-data.ts";
import { findItemNumbers } from "../src/nlu/item-numbers.ts";

/** Messages that are clearly something else, even right after a booking: left to other intents. */
const QUESTION = /[?？]\s*$|(ですか|ますか|でしょうか|って何|ってなに|とは|教えて|かな)[。.!！]?\s*$|^(what|how|when|where|why|who|which|is|are|can|do|does)\b/i;
const NOT_A_TOPIC = /^(ヘルプ|help|メニュー|menu)$|(未達成|達成|対象外|未回答)\s*(に|で|と)?\s*(する|して|記録|登録)?$|^\/\w+/;

export const sessionTopic = defineIntent({
  name: "session_topic",
  description: { ja: "相談会で相談したいテーマを登録する", en: "Record the topic to bring to a session" },
  examples: { ja: ["第3回の相談テーマ: バックアップ"], en: ["topic for session 3: backups"] },
  personal: true,
  params: z
    .object({
      bookingId: z.string().uuid().optional(),
      seriesNo: SeriesNoParam.optional(),
      topic: z.string().trim().min(1).max(2000).optional(),
      skip: z.boolean().optional(),
    })
    .strict(),
  match(text, { normalized, state, now }) {
    const r = readMemberRequest(text);
    if (r?.kind === "topic") return { seriesNo: r.seriesNo, topic: r.topic };
    if (r) return null;
    // the answer to "what would you like to bring?" right after a booking
    if (!pendingTopic(state, now)) return null;
    if (isSkip(text)) return { skip: true };
    const short = normalized.length <= 12;
    if (NOT_A_TOPIC.test(normalized) || (short && findItemNumbers(text).numbers.length > 0)) return null;
    // a question asked right after booking is a question, not the topic (「ガイドラインって何?」)
    if (QUESTION.test(normalized)) return null;
    return { topic: text.trim() };
  },
  async handle({ bookingId, seriesNo, topic, skip }, ctx): Promise<Reply> {
    const { lang } = ctx;
    const pending = pendingTopic(ctx.state, ctx.now);
    clearPending(ctx.state, TOPIC_PENDING);
    if (skip) return textReply(tr(lang, "承知しました。テーマは当日でも大丈夫です。", "Fine: you can bring your topic on the day."));
    if (!topic) return textReply(tr(lang, "相談テーマの内容が空でした。何も変更していません。", "The topic was empty. Nothing was changed."));
    const ref = bookingId ? { bookingId } : seriesNo !== undefined ? { seriesNo } : pending ? { bookingId: pending } : undefined;
    const saved = ref ? await ctx.services.booking.setTopic(ctx.caller.userId, ref, topic) : null;
    if (!saved)
      return textReply(
        tr(
          lang,
          seriesNo !== undefined ? `第${seriesNo}回のご予約が見つからないため、テーマを登録できませんでした。` : "対象のご予約が見つからないため、テーマを登録できませんでした。",
          seriesNo !== undefined ? `You have no booking for session ${seriesNo}, so the topic was not recorded.` : "No booking was found for that topic, so it was not recorded.",
        ),
      );
    const cut = topic.length > MAX_TOPIC_LENGTH ? tr(lang, `(${MAX_TOPIC_LENGTH}文字までを登録しました)`, ` (the first ${MAX_TOPIC_LENGTH} characters were kept)`) : "";
    return {
      ...textReply(
        tr(
          lang,
          `${sessionName(saved.session, lang)} のご相談テーマを登録しました${cut}:「${saved.booking.topic}」\n変更は「第${saved.session.seriesNo}回の相談テーマ: …」と送ってください。`,
          `Your topic for ${sessionName(saved.session, lang)} is recorded${cut}: "${saved.booking.topic}"\nTo change it, send "topic for session ${saved.session.seriesNo}: …".`,
        ),
      ),
      private: true,
    };
  },
});
