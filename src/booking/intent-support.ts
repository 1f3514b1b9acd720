// Small pieces the booking intents share: who is asking (as the booking service sees them), their
// time zone, and the polite answers for a busy database and a pending question.
import type { IntentContext } from "../core/intent.ts";
import { both, textReply, tr, type Reply } from "../core/reply.ts";
import type { ConversationData } from "../core/conversation-state.ts";
import type { Actor } from "./booking-service.ts";
import { BookingBusyError } from "./retry.ts";
import { alertWaiting } from "./alerts.ts";
import { notAnnouncedReply } from "./replies.ts";

export function actorOf(ctx: IntentContext): Actor {
  return { userId: ctx.caller.userId, orgId: ctx.caller.orgId, platform: ctx.turn.platform };
}

/** The reader's time zone as the platform tells it; undefined shows Japan time. */
export function tzOf(ctx: IntentContext): string | undefined {
  return ctx.turn.user.timeZone;
}

export function busyReply(): Reply {
  return textReply(
    both(
      "ただいま予約が混み合っていて、処理を完了できませんでした。何も変更していません。少し待ってからもう一度お試しください。",
      "Bookings are very busy right now and yours could not be completed. Nothing was changed. Please try again in a moment.",
    ),
  );
}

/** Runs a booking step; a database that stayed busy through the retries gets a clean "please retry". */
export async function orBusy(ctx: IntentContext, fn: () => Promise<Reply>): Promise<Reply> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BookingBusyError) {
      ctx.log.warn("booking gave up after retries");
      return busyReply();
    }
    throw err;
  }
}

/**
 * A member's 「第N回を予約」 of a number that does not exist. With no session ahead at all, the
 * dates are not announced yet: said so, with the offer to be told.
 */
export async function memberNoSessionReply(seriesNo: number, ctx: IntentContext): Promise<Reply> {
  if (!(await ctx.services.booking.listSessions(ctx.now)).length)
    return notAnnouncedReply(ctx.lang, await alertWaiting(ctx.services.db, ctx.caller.userId));
  return noSessionReply(seriesNo, ctx);
}

export function noSessionReply(seriesNo: number, ctx: IntentContext): Reply {
  return textReply(
    tr(
      ctx.lang,
      `第${seriesNo}回という相談会はありません。「相談会の予定」で一覧を表示します。`,
      `There is no session ${seriesNo}. Type "sessions" to see them all.`,
    ),
  );
}

export const TOPIC_PENDING = "booking_topic";
const TOPIC_WAIT_MS = 30 * 60_000;

/** After a booking: the next message (within 30 minutes) is taken as the topic to bring, and only that one. */
export function askForTopic(state: ConversationData, bookingId: string, now: Date): void {
  state.pending = { kind: TOPIC_PENDING, data: { bookingId }, expiresAt: new Date(now.getTime() + TOPIC_WAIT_MS).toISOString(), answeredBy: "session_topic" };
}

export function pendingTopic(state: ConversationData, now: Date): string | undefined {
  const p = state.pending;
  if (!p || p.kind !== TOPIC_PENDING || typeof p.data?.bookingId !== "string") return undefined;
  if (Date.parse(p.expiresAt) <= now.getTime()) return undefined;
  return p.data.bookingId;
}

export function clearPending(state: ConversationData, kind: string): void {
  if (state.pending?.kind === kind) delete state.pending;
}
