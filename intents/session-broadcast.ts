// 「第3回の参加者に連絡: 本文」(secretariat): a message to everyone holding a seat (「参加者全員に」
// adds the waitlist), shown first for confirmation, then sent through the outbox.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { textReply, tr, type Reply } from "../src/core/reply.ts";
import { readAdminRequest } from "../src/booking/commands.ts";
import { clearPending, noSessionReply } from "../src/booking/intent-support.ts";
import { MAX_BROADCAST_LENGTH } from "../src/booking/booking-service.ts";
import { sessionName } from "../src/booking/replies.ts";
import { SeriesNoParam } from "../src/booking/session-data.ts";
import { askYesNo } from "../src/core/confirm.ts";

const PENDING = "session_broadcast";
const CONFIRM_WAIT_MS = 30 * 60_000;

export const sessionBroadcast = defineIntent({
  name: "session_broadcast",
  description: { ja: "相談会の参加者に一斉連絡する(事務局)", en: "Message everyone booked on a session (secretariat)" },
  examples: { ja: ["第3回の参加者に連絡: 本文"], en: ["message registrants of session 3: text"] },
  role: "secretariat",
  params: z
    .object({
      seriesNo: SeriesNoParam.optional(),
      text: z.string().trim().min(1).max(MAX_BROADCAST_LENGTH).optional(),
      includeWaitlist: z.boolean().optional(),
      confirm: z.boolean().optional(),
      discard: z.boolean().optional(),
    })
    .strict(),
  match(text) {
    const r = readAdminRequest(text);
    return r?.kind === "broadcast" ? { seriesNo: r.seriesNo, text: r.text.slice(0, MAX_BROADCAST_LENGTH), includeWaitlist: r.includeWaitlist || undefined } : null;
  },
  async handle(p, ctx): Promise<Reply> {
    const { lang, state, now } = ctx;
    const { booking } = ctx.services;
    if (p.discard) {
      clearPending(state, PENDING);
      return textReply(tr(lang, "連絡は送らずに取り消しました。", "The message was discarded and not sent."));
    }
    if (p.confirm) {
      const draft = state.pending?.kind === PENDING && Date.parse(state.pending.expiresAt) > now.getTime() ? state.pending.data : undefined;
      clearPending(state, PENDING);
      if (!draft) return textReply(tr(lang, "送信する連絡が見つかりませんでした(30分で取り消されます)。もう一度作成してください。", "There is no message waiting to be sent (drafts expire after 30 minutes). Please write it again."));
      const r = await booking.broadcast(Number(draft.seriesNo), String(draft.text), { includeWaitlist: Boolean(draft.includeWaitlist), now });
      if (!r) return noSessionReply(Number(draft.seriesNo), ctx);
      ctx.log.info("broadcast queued", { session: r.session.seriesNo, queued: r.queued });
      return textReply(tr(lang, `${sessionName(r.session, lang)} の${r.queued}名に送信します(まもなく届きます)。`, `Sending to ${r.queued} people of ${sessionName(r.session, lang)} (it will arrive shortly).`));
    }
    if (p.seriesNo === undefined || !p.text) return textReply(tr(lang, "「第3回の参加者に連絡: 本文」の形で送ってください。", "Write it like \"message registrants of session 3: your text\"."));
    const s = await booking.session(p.seriesNo);
    if (!s) return noSessionReply(p.seriesNo, ctx);
    const count = s.confirmedCount + (p.includeWaitlist ? s.waitlisted : 0);
    const choices = askYesNo(state, now, {
      kind: PENDING,
      data: { seriesNo: p.seriesNo, text: p.text, includeWaitlist: Boolean(p.includeWaitlist) },
      yes: { label: tr(lang, "送信する", "Send"), action: { intent: "session_broadcast", params: { confirm: true } }, style: "primary" },
      no: { label: tr(lang, "やめる", "Don't send"), action: { intent: "session_broadcast", params: { discard: true } } },
      minutes: CONFIRM_WAIT_MS / 60_000,
    });
    const prompt = tr(
      lang,
      `${sessionName(s, lang)} の${p.includeWaitlist ? "予約者とキャンセル待ち" : "予約者"}${count}名に、次の内容を送ります。よろしいですか?`,
      `Send this to the ${count} ${p.includeWaitlist ? "people booked or waiting" : "people booked"} for ${sessionName(s, lang)}?`,
    );
    return {
      text: prompt,
      blocks: [
        { type: "text", text: prompt },
        { type: "text", text: p.text },
        { type: "choices", choices },
      ],
    };
  },
});
