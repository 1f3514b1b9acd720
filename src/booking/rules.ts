// When a session can be booked and a booking cancelled. Pure functions of the session and the
// time, so the same rules hold in chat, in imports and in tests.

export interface SessionWindow {
  status: string;
  startsAt: Date;
  endsAt: Date;
  opensAt: Date | null;
  closesAt: Date | null;
  cancelCutoffAt: Date | null;
}

export type BookingWindowState =
  | "open"
  /** the secretariat cancelled the session */
  | "cancelled"
  /** the secretariat closed registration */
  | "closed"
  /** booking opens later (opensAt) */
  | "not_yet_open"
  /** the booking deadline (closesAt) has passed */
  | "deadline_passed"
  /** the session has started or is over */
  | "started";

export function bookingWindow(s: SessionWindow, now: Date): BookingWindowState {
  const t = now.getTime();
  if (s.status === "cancelled") return "cancelled";
  if (t >= s.startsAt.getTime()) return "started";
  if (s.status === "closed") return "closed";
  if (s.opensAt && t < s.opensAt.getTime()) return "not_yet_open";
  if (s.closesAt && t >= s.closesAt.getTime()) return "deadline_passed";
  return "open";
}

export type CancelWindowState = "ok" | "started" | "past_cutoff";

/**
 * A confirmed seat can be given back until the cancellation cut-off (default: the start). Leaving
 * the waitlist is always possible before the start: it takes nobody's seat.
 */
export function cancelWindow(s: SessionWindow, bookingStatus: string, now: Date): CancelWindowState {
  const t = now.getTime();
  if (t >= s.startsAt.getTime()) return "started";
  if (bookingStatus === "confirmed" && s.status !== "cancelled" && s.cancelCutoffAt && t >= s.cancelCutoffAt.getTime()) return "past_cutoff";
  return "ok";
}

/** A freed seat goes to the waitlist only while the session is still ahead and not cancelled. */
export function promotesWaitlist(s: SessionWindow, now: Date): boolean {
  return s.status !== "cancelled" && now.getTime() < s.startsAt.getTime();
}

/**
 * Which reminder is due for a booking now: the smallest offset whose time has come (earlier ones
 * that were missed, e.g. while no instance ran, are not sent late), unless the seat was taken
 * after that reminder's time (the confirmation already told them). Null when none is due.
 */
export function dueReminderOffset(
  startsAt: Date,
  confirmedAt: Date | null,
  offsetsMs: readonly number[],
  now: Date,
): number | null {
  const t = now.getTime();
  const start = startsAt.getTime();
  if (t >= start) return null;
  const due = offsetsMs.filter((o) => o > 0 && start - o <= t).sort((a, b) => a - b);
  const o = due[0];
  if (o === undefined) return null;
  if (confirmedAt && confirmedAt.getTime() > start - o) return null;
  return o;
}
