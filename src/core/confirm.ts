// One mechanism for every yes/no question the bot asks: the question is stored with the two
// actions its buttons carry, and a typed はい / いいえ / yes / no (src/nlu/yes-no.ts) within the
// expiry does exactly what the matching button does. Anything else typed meanwhile is handled as
// usual and the question stays open until it is answered or expires.
import type { ConversationData } from "./conversation-state.ts";
import type { Choice } from "./reply.ts";
import type { ActionRef } from "./turn.ts";

export interface YesNo {
  yes: ActionRef;
  no: ActionRef;
}

/** The "no" of a question whose only other answer is doing nothing. */
export const DECLINE: ActionRef = { intent: "declined", params: {} };

/**
 * Asks a yes/no question: stores it as the pending question (with `data` for the yes to use) and
 * returns the two buttons, yes first.
 */
export function askYesNo(
  state: ConversationData,
  now: Date,
  q: { kind: string; data?: Record<string, unknown>; yes: Choice; no: Choice; minutes?: number },
): Choice[] {
  state.pending = {
    kind: q.kind,
    data: q.data ?? {},
    expiresAt: new Date(now.getTime() + (q.minutes ?? 15) * 60_000).toISOString(),
    confirm: { yes: q.yes.action, no: q.no.action },
  };
  return [q.yes, q.no];
}

/** The open yes/no question, if any. */
export function pendingYesNo(state: ConversationData, now: Date): YesNo | undefined {
  const p = state.pending;
  if (!p?.confirm || Date.parse(p.expiresAt) <= now.getTime()) return undefined;
  return p.confirm;
}

/** The turn answered the open question: its yes or its no, clicked, typed as a word or as a label. */
export function answersYesNo(q: YesNo, action: ActionRef | undefined): boolean {
  if (!action) return false;
  return [q.yes, q.no].some((b) => b.intent === action.intent && JSON.stringify(b.params) === JSON.stringify(action.params));
}
