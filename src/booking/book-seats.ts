// Taking seats: the booking requests of one session answered together, in the caller's transaction
// that holds the session's row lock (booking-service.ts). However many requests, it costs at most
// four statements: their own rows, the waitlist's length and end (only when someone gets no seat),
// the seats in one conditional UPDATE, and the new rows in one INSERT. The answers are those the
// requests would get one after the other in arrival order; under the row lock the counts read here
// are the current ones, so the per-company cap holds, and the conditional UPDATE with the CHECK
// constraint (confirmedCount <= capacity) keeps the database itself from overselling.
import type { Prisma } from "../db/client.ts";
import type { Booking, Session } from "../db/generated/client.ts";
import type { Platform } from "../core/turn.ts";
import { bookingWindow, type BookingWindowState } from "./rules.ts";

type Tx = Prisma.TransactionClient;

export interface Actor {
  userId: string;
  orgId: string;
  platform: Platform;
}

export type BookOutcome =
  | { kind: "confirmed"; session: Session; booking: Booking; already: boolean }
  | { kind: "waitlisted"; session: Session; booking: Booking; position: number; already: boolean }
  /** no seat: the caller may offer the waitlist */
  | { kind: "full"; session: Session; waitlistLength: number }
  | { kind: "org_cap"; session: Session; cap: number }
  | { kind: "unavailable"; session: Session; state: Exclude<BookingWindowState, "open"> }
  | { kind: "no_session"; seriesNo: number };

export interface BookRequest {
  actor: Actor;
  /** join the waitlist when no seat is free */
  waitlist: boolean;
  topic: string | null;
  /** the turn's time: the booking window and the queue order are decided with it */
  now: Date;
}

type Write = { status: "confirmed" | "waitlisted"; topic: string | null; confirmedAt: Date | null; queuedAt: Date };

/** What one request gets, before the rows are written (new bookings have no id yet). */
type Plan =
  | { done: BookOutcome }
  | { already: Booking }
  | { write: Write; session: Session; position?: number }
  | { sameAs: number };

export async function bookMany(tx: Tx, session: Session, reqs: BookRequest[]): Promise<BookOutcome[]> {
  // an old button of a session called off since: say so rather than "booked"
  if (session.status === "cancelled") return reqs.map(() => ({ kind: "unavailable", session, state: "cancelled" }));

  // these people's rows and their organisations' confirmed seats, in one round trip
  const users = [...new Set(reqs.map((r) => r.actor.userId))];
  const orgs = [...new Set(reqs.map((r) => r.actor.orgId))];
  const mine = await tx.booking.findMany({
    where: { sessionId: session.id, OR: [{ userId: { in: users } }, { orgId: { in: orgs }, status: "confirmed" }] },
  });
  const rowOf = new Map(mine.map((b) => [b.userId, b]));
  const orgSeats = new Map<string, number>();
  for (const b of mine) if (b.status === "confirmed") orgSeats.set(b.orgId, (orgSeats.get(b.orgId) ?? 0) + 1);

  // the waitlist as it stands, read once and only when someone gets no seat
  let queue: { length: number; last: Date | null } | undefined;
  const waitlist = async () => {
    if (!queue) {
      const a = await tx.booking.aggregate({ where: { sessionId: session.id, status: "waitlisted" }, _count: { _all: true }, _max: { queuedAt: true } });
      queue = { length: a._count._all, last: a._max.queuedAt };
    }
    return queue;
  };

  let confirmedCount = session.confirmedCount;
  const plans: Plan[] = [];
  /** the request of this batch that booked for a person, for their double clicks */
  const bookedIn = new Map<string, number>();
  for (const req of reqs) {
    const { actor, now } = req;
    const earlier = bookedIn.get(actor.userId);
    if (earlier !== undefined) {
      plans.push({ sameAs: earlier });
      continue;
    }
    const existing = rowOf.get(actor.userId);
    if (existing && existing.status !== "cancelled") {
      plans.push({ already: existing });
      continue;
    }
    const state = bookingWindow(session, now);
    if (state !== "open") {
      plans.push({ done: { kind: "unavailable", session, state } });
      continue;
    }
    // (this person holds no confirmed seat here: that case was answered above)
    if ((orgSeats.get(actor.orgId) ?? 0) >= session.perOrgCap) {
      plans.push({ done: { kind: "org_cap", session, cap: session.perOrgCap } });
      continue;
    }
    if (confirmedCount < session.capacity) {
      confirmedCount++;
      orgSeats.set(actor.orgId, (orgSeats.get(actor.orgId) ?? 0) + 1);
      bookedIn.set(actor.userId, plans.length);
      plans.push({ write: { status: "confirmed", topic: req.topic, confirmedAt: now, queuedAt: now }, session: { ...session, confirmedCount } });
      continue;
    }
    const q = await waitlist();
    if (!req.waitlist) {
      plans.push({ done: { kind: "full", session, waitlistLength: q.length } });
      continue;
    }
    // queue order is arrival order: never earlier than the last one in
    const queuedAt = q.last && q.last.getTime() >= now.getTime() ? new Date(q.last.getTime() + 1) : now;
    q.last = queuedAt;
    q.length++;
    bookedIn.set(actor.userId, plans.length);
    plans.push({ write: { status: "waitlisted", topic: req.topic, confirmedAt: null, queuedAt }, session, position: q.length });
  }

  // the seats, all at once; under the row lock this cannot fail, and the WHERE clause and the
  // CHECK constraint make sure it never oversells if it somehow could
  const taken = confirmedCount - session.confirmedCount;
  if (taken > 0) {
    const n = await tx.$executeRaw`UPDATE "Session" SET "confirmedCount" = "confirmedCount" + ${taken} WHERE id = ${session.id}::uuid AND "confirmedCount" + ${taken} <= "capacity"`;
    if (n !== 1) throw new Error(`seats of session ${session.seriesNo} changed under its row lock`);
  }

  // new rows in one INSERT; booking again after a cancellation keeps the row (and the invite's UID)
  // with a higher revision
  const written = new Map<number, Booking>();
  const fresh: { i: number; data: Prisma.BookingCreateManyInput }[] = [];
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i];
    if (!("write" in p)) continue;
    const { actor } = reqs[i];
    const existing = rowOf.get(actor.userId);
    if (existing)
      written.set(
        i,
        await tx.booking.update({
          where: { id: existing.id },
          data: { ...p.write, orgId: actor.orgId, platform: actor.platform, cancelledAt: null, revision: { increment: 1 } },
        }),
      );
    else fresh.push({ i, data: { sessionId: session.id, orgId: actor.orgId, userId: actor.userId, platform: actor.platform, ...p.write } });
  }
  if (fresh.length) {
    const rows = await tx.booking.createManyAndReturn({ data: fresh.map((f) => f.data) });
    const byUser = new Map(rows.map((b) => [b.userId, b]));
    for (const f of fresh) written.set(f.i, byUser.get(f.data.userId)!);
  }

  const out: BookOutcome[] = [];
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i];
    if ("done" in p) out.push(p.done);
    else if ("write" in p) {
      const booking = written.get(i)!;
      out.push(
        p.write.status === "confirmed"
          ? { kind: "confirmed", session: p.session, booking, already: false }
          : { kind: "waitlisted", session: p.session, booking, position: p.position!, already: false },
      );
    } else if ("sameAs" in p) {
      const first = out[p.sameAs];
      out.push(first.kind === "confirmed" || first.kind === "waitlisted" ? { ...first, already: true } : first);
    } else if (p.already.status === "confirmed") out.push({ kind: "confirmed", session, booking: p.already, already: true });
    else out.push({ kind: "waitlisted", session, booking: p.already, position: await waitlistPosition(tx, p.already), already: true });
  }
  return out;
}

export async function waitlistPosition(db: Pick<Tx, "booking">, b: Pick<Booking, "id" | "sessionId" | "queuedAt">): Promise<number> {
  const ahead = await db.booking.count({
    where: {
      sessionId: b.sessionId,
      status: "waitlisted",
      OR: [{ queuedAt: { lt: b.queuedAt } }, { queuedAt: b.queuedAt, id: { lt: b.id } }],
    },
  });
  return ahead + 1;
}
