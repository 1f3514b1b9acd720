// 「開催が決まったら通知」: people who asked to be told when the consultation sessions are
// announced. One row per person (SessionAlert): asking again while waiting changes nothing,
// 「通知をやめる」 removes it. When bookable sessions exist (the secretariat added some in chat or
// the web console, or imported a file), each waiting person gets one notice through the outbox:
// the dedupe key names the person and the request, and the row is marked notified in the same
// transaction, so every instance may run this on every tick and each person is told once.
import type { Db } from "../db/client.ts";
import type { Lang } from "../core/reply.ts";
import type { Platform } from "../core/turn.ts";
import { enqueue } from "./booking-service.ts";
import { bookingWindow, type SessionWindow } from "./rules.ts";

export const SESSIONS_OPEN_KIND = "sessions_open";

export type AlertOutcome = { kind: "recorded" } | { kind: "already" };

/**
 * Sessions people can book now or later: real (not demo), not cancelled or closed, not started,
 * deadline not passed. In series order.
 */
export async function announcedSessions(db: Db, now: Date) {
  const rows = await db.session.findMany({ where: { demo: false, status: "open", startsAt: { gt: now } }, orderBy: { seriesNo: "asc" } });
  return rows.filter((s) => isAnnounced(s, now));
}

/** A session (demo or real) that can be booked now or once booking opens. */
export function bookableLater(s: SessionWindow, now: Date): boolean {
  const w = bookingWindow(s, now);
  return w === "open" || w === "not_yet_open";
}

/** A real session that can be booked now or once booking opens. */
export function isAnnounced(s: SessionWindow & { demo: boolean }, now: Date): boolean {
  return !s.demo && bookableLater(s, now);
}

/** Records the wish (idempotent while it waits; a new wish after an earlier notice starts again). */
export async function requestAlert(db: Db, who: { userId: string; orgId: string; platform: Platform }, lang: Lang, now: Date): Promise<AlertOutcome> {
  const existing = await db.sessionAlert.findUnique({ where: { userId: who.userId } });
  if (existing && !existing.notifiedAt) return { kind: "already" };
  if (existing) {
    // told about an earlier opening: wait for the next one (only if still told, i.e. no race)
    const r = await db.sessionAlert.updateMany({
      where: { id: existing.id, notifiedAt: { not: null } },
      data: { orgId: who.orgId, platform: who.platform, lang, requestedAt: now, notifiedAt: null },
    });
    return r.count ? { kind: "recorded" } : { kind: "already" };
  }
  const r = await db.sessionAlert.createMany({
    data: [{ userId: who.userId, orgId: who.orgId, platform: who.platform, lang, requestedAt: now }],
    skipDuplicates: true,
  });
  return r.count ? { kind: "recorded" } : { kind: "already" };
}

/**
 * 「通知をやめる」: removes the person's wish (a notice queued but not yet sent is then skipped).
 * True when a wish was waiting.
 */
export async function cancelAlert(db: Db, userId: string): Promise<boolean> {
  const waiting = await db.sessionAlert.deleteMany({ where: { userId, notifiedAt: null } });
  await db.sessionAlert.deleteMany({ where: { userId } });
  return waiting.count > 0;
}

/** Whether this person's wish is waiting. */
export async function alertWaiting(db: Db, userId: string): Promise<boolean> {
  return (await db.sessionAlert.count({ where: { userId, notifiedAt: null } })) > 0;
}

/**
 * When bookable sessions exist, queues one notice per waiting person and marks them notified.
 * Returns how many notices were queued (0 on a second run, or on another instance's).
 */
export async function enqueueSessionsOpenNotices(db: Db, now: Date): Promise<number> {
  const waiting = await db.sessionAlert.findMany({ where: { notifiedAt: null }, orderBy: { requestedAt: "asc" }, take: 500 });
  if (!waiting.length) return 0;
  if (!(await announcedSessions(db, now)).length) return 0;
  return db.$transaction(async (tx) => {
    const queued = await enqueue(
      tx,
      waiting.map((w) => ({
        dedupeKey: `${SESSIONS_OPEN_KIND}:${w.userId}:${w.requestedAt.getTime()}`,
        userId: w.userId,
        kind: SESSIONS_OPEN_KIND,
        payload: { platform: w.platform, alertId: w.id, lang: w.lang, requestedAt: w.requestedAt.toISOString() },
        notBefore: now,
      })),
    );
    await tx.sessionAlert.updateMany({ where: { id: { in: waiting.map((w) => w.id) }, notifiedAt: null }, data: { notifiedAt: now } });
    return queued;
  });
}
