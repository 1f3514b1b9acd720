// Sessions, seats and the waitlist. Every change of seats runs in one database transaction that
// first locks the session row (SELECT ... FOR UPDATE), so bookings, cancellations, promotions and
// the secretariat's edits of one session happen one after the other, whatever the number of bot
// instances. The seat counter moves with a conditional UPDATE (confirmedCount < capacity), the
// CHECK constraint confirmedCount <= capacity and the unique (sessionId, userId) stand behind it.
// Bookings of one session that arrive together share one such transaction (book-seats.ts).
// Messages to people (promotion, changes, reminders) are written to the outbox in the same
// transaction and sent later by the outbox worker.
import { randomUUID } from "node:crypto";
import type { Db, Prisma, TenantWalls } from "../db/client.ts";
import type { TurnEffects } from "../db/turn-effects.ts";
import type { Booking, Session } from "../db/generated/client.ts";
import type { Logger } from "../core/logger.ts";
import { cancelWindow, dueReminderOffset, promotesWaitlist } from "./rules.ts";
import { BookingBusyError, withTransientRetry, type RetryOptions } from "./retry.ts";
import { SeatQueue, type Settled } from "./seat-queue.ts";
import { bookMany, waitlistPosition, type Actor, type BookOutcome, type BookRequest } from "./book-seats.ts";
import { validateSession, type SessionFields } from "./session-data.ts";
import { toJstString } from "./time.ts";

type Tx = Prisma.TransactionClient;

export type { Booking, Session };
export type { Actor, BookOutcome };
export { waitlistPosition };

export interface SessionView extends Session {
  waitlisted: number;
  remaining: number;
}

export type CancelOutcome =
  | { kind: "cancelled"; session: Session; booking: Booking; was: "confirmed" | "waitlisted"; promoted: number }
  | { kind: "not_booked"; session: Session }
  | { kind: "too_late"; session: Session; state: "started" | "past_cutoff" }
  | { kind: "no_session"; seriesNo: number };

export type SessionChangeOutcome =
  | { kind: "changed"; before: Session; after: Session; changed: (keyof SessionFields)[]; notified: number; promoted: number }
  | { kind: "created"; after: Session }
  | { kind: "unchanged"; after: Session }
  | { kind: "invalid"; problems: string[] }
  | { kind: "no_session"; seriesNo: number }
  | { kind: "exists"; seriesNo: number };

export interface Registrant {
  bookingId: string;
  status: "confirmed" | "waitlisted";
  position?: number;
  company: string;
  person: string;
  topic: string;
  bookedAt: Date;
  platform: string;
}

/** Test seam: runs inside each booking transaction, before it commits (e.g. to force a 40001). */
export interface BookingFaults {
  beforeCommit?(tx: Tx, op: string, attempt: number): Promise<void>;
}

export interface BookingServiceOptions {
  areaIds: ReadonlySet<string>;
  log: Logger;
  /** waitlist lengths and places count every company's bookings: the walls' narrow path */
  walls?: TenantWalls;
  /** the turns' replay marks (db/turn-effects.ts): a batch of several turns' bookings runs outside them */
  effects?: TurnEffects;
  retry?: RetryOptions;
  faults?: BookingFaults;
  /**
   * Seat transactions running at once in this process (default 6, below the pool of 10); the rest
   * wait in line per session without holding a connection. 0: no line (the bench's baseline).
   */
  seatConcurrency?: number;
  /** bookings of one session answered by one transaction at most (default 500; 1: one each) */
  seatBatch?: number;
}

/** Fields whose change must reach the registrants' calendars (a new SEQUENCE). */
const INVITE_FIELDS: (keyof SessionFields)[] = ["title", "topic", "startsAt", "endsAt", "format", "url", "venue", "status", "provisional"];
const ALL_FIELDS: (keyof SessionFields)[] = [
  "seriesNo",
  "title",
  "topic",
  "areas",
  "startsAt",
  "endsAt",
  "format",
  "url",
  "venue",
  "capacity",
  "perOrgCap",
  "opensAt",
  "closesAt",
  "cancelCutoffAt",
  "status",
  "provisional",
];

export const MAX_TOPIC_LENGTH = 500;
export const MAX_BROADCAST_LENGTH = 2000;
const TX_OPTIONS = { maxWait: 15_000, timeout: 20_000 };

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

export function fieldsOf(s: Session): SessionFields {
  return {
    seriesNo: s.seriesNo,
    title: s.title,
    topic: s.topic,
    areas: s.areas,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    format: s.format as SessionFields["format"],
    url: s.url,
    venue: s.venue,
    capacity: s.capacity,
    perOrgCap: s.perOrgCap,
    opensAt: s.opensAt,
    closesAt: s.closesAt,
    cancelCutoffAt: s.cancelCutoffAt,
    status: s.status as SessionFields["status"],
    provisional: s.provisional,
  };
}

export interface OutboxRow {
  dedupeKey: string;
  userId: string;
  kind: string;
  payload: Prisma.InputJsonValue;
  notBefore?: Date;
}

export async function enqueue(tx: Tx | Db, rows: OutboxRow[]): Promise<number> {
  if (!rows.length) return 0;
  const r = await tx.outboxMessage.createMany({ data: rows, skipDuplicates: true });
  return r.count;
}

export class BookingService {
  private readonly seats?: SeatQueue;

  constructor(
    private readonly db: Db,
    private readonly opts: BookingServiceOptions,
  ) {
    if (opts.seatConcurrency !== 0) this.seats = new SeatQueue({ concurrency: opts.seatConcurrency, maxBatch: opts.seatBatch });
  }

  /**
   * The walls' narrow path, for what is shared by every company and nothing else: waitlist
   * lengths and places (counts), the seat transaction of a session (its seats and queue belong to
   * every company: the next in line may be of another one), and the secretariat's registrants
   * and messages to them.
   */
  private acrossCompanies<T>(fn: () => Promise<T>): Promise<T> {
    return this.opts.walls ? this.opts.walls.acrossCompanies(fn) : fn();
  }

  get areaIds(): ReadonlySet<string> {
    return this.opts.areaIds;
  }

  // --- reading --------------------------------------------------------------------------------

  /** Sessions in series order with free seats and waitlist length; past ones only when asked. */
  async listSessions(now: Date, opts: { includePast?: boolean } = {}): Promise<SessionView[]> {
    const sessions = await this.db.session.findMany({
      where: opts.includePast ? {} : { endsAt: { gt: now } },
      orderBy: { seriesNo: "asc" },
    });
    return this.withCounts(sessions);
  }

  async session(seriesNo: number): Promise<SessionView | null> {
    const s = await this.db.session.findUnique({ where: { seriesNo } });
    return s ? (await this.withCounts([s]))[0] : null;
  }

  private async withCounts(sessions: Session[]): Promise<SessionView[]> {
    if (!sessions.length) return [];
    // how many wait, of every company (a count, never whose)
    const waiting = await this.acrossCompanies(() =>
      this.db.booking.groupBy({
        by: ["sessionId"],
        where: { sessionId: { in: sessions.map((s) => s.id) }, status: "waitlisted" },
        _count: { _all: true },
      }),
    );
    const byId = new Map(waiting.map((w) => [w.sessionId, w._count._all]));
    return sessions.map((s) => ({ ...s, waitlisted: byId.get(s.id) ?? 0, remaining: Math.max(0, s.capacity - s.confirmedCount) }));
  }

  /** The person's active bookings (confirmed or waitlisted) of sessions not yet over. */
  async myBookings(userId: string, now: Date): Promise<{ booking: Booking; session: Session; position?: number }[]> {
    const rows = await this.db.booking.findMany({
      where: { userId, status: { in: ["confirmed", "waitlisted"] }, session: { endsAt: { gt: now } } },
      include: { session: true },
      orderBy: { session: { startsAt: "asc" } },
    });
    const out = [];
    for (const { session, ...booking } of rows) {
      // the place counts the people of every company ahead (a count, never whose)
      const position = booking.status === "waitlisted" ? await this.acrossCompanies(() => waitlistPosition(this.db, booking)) : undefined;
      out.push({ booking, session, position });
    }
    return out;
  }

  async bookingOf(userId: string, seriesNo: number): Promise<{ booking: Booking; session: Session } | null> {
    const r = await this.db.booking.findFirst({ where: { userId, session: { seriesNo } }, include: { session: true } });
    if (!r) return null;
    const { session, ...booking } = r;
    return { booking, session };
  }

  // --- seats ----------------------------------------------------------------------------------

  /** Runs `fn` in a transaction holding the session's row lock; retried on serialization failures. */
  private async locked<T>(op: string, seriesNo: number, fn: (tx: Tx, session: Session) => Promise<T>, none: () => T): Promise<T> {
    // in line per session in this process, so that a rush neither exhausts the pool nor waits on
    // row locks while holding connections (seat-queue.ts); the row lock below still decides
    // across companies: the session's queue and seats are every company's (per-company caps are
    // counted in the same transaction, so they stay as atomic as the seats); taken inside the line,
    // so that the scope is this caller's whatever ran before it
    const run = () => this.acrossCompanies(() => this.lockedNow(op, seriesNo, fn, none));
    return this.seats ? this.seats.run(seriesNo, run) : run();
  }

  private async lockedNow<T>(op: string, seriesNo: number, fn: (tx: Tx, session: Session) => Promise<T>, none: () => T): Promise<T> {
    return withTransientRetry(
      (attempt) =>
        this.db.$transaction(async (tx) => {
          // the row and its lock in one round trip (Prisma types the columns as it does for findUnique)
          const rows = await tx.$queryRaw<Session[]>`SELECT * FROM "Session" WHERE "seriesNo" = ${seriesNo} FOR UPDATE`;
          if (!rows.length) return none();
          const session = rows[0];
          const out = await fn(tx, session);
          await this.opts.faults?.beforeCommit?.(tx, op, attempt);
          return out;
        }, TX_OPTIONS),
      { ...this.opts.retry, onRetry: (attempt, err) => this.opts.log.warn("booking transaction retried", { op, attempt, code: errorCode(err) }) },
    );
  }

  /**
   * Books a seat, or a place on the waitlist when `waitlist` is set and the session is full.
   * The same person asking again gets their existing booking back (a double click books once).
   */
  async book(seriesNo: number, actor: Actor, opts: { waitlist?: boolean; topic?: string | null }, now: Date): Promise<BookOutcome> {
    const req: BookRequest = { actor, waitlist: !!opts.waitlist, topic: opts.topic?.trim().slice(0, MAX_TOPIC_LENGTH) || null, now };
    // in line per session, answered together with the others waiting for the same session
    if (this.seats) return this.seats.join(seriesNo, req, (reqs) => this.bookBatch(seriesNo, reqs));
    return (await this.bookTogether(seriesNo, [req]))[0];
  }

  /**
   * One transaction for all the requests (see book-seats.ts). It runs as the tables' owner: it
   * writes the bookings of several companies and reads the session's waitlist of every company,
   * and each company's answer is built from its own rows and the session's counts only.
   */
  private bookTogether(seriesNo: number, reqs: BookRequest[]): Promise<BookOutcome[]> {
    return this.acrossCompanies(() =>
      this.lockedNow(
        "book",
        seriesNo,
        (tx, session) => bookMany(tx, session, reqs),
        () => reqs.map(() => ({ kind: "no_session", seriesNo })),
      ),
    );
  }

  /**
   * A batch from the seat queue. A failure of one request (say, its organisation deleted
   * meanwhile) must not fail the others: then each is tried alone; "busy" after the retries is
   * the batch's answer.
   */
  private async bookBatch(seriesNo: number, reqs: BookRequest[]): Promise<Settled<BookOutcome>[]> {
    // A batch of several people's requests runs in the async context of whoever opened it: it must
    // not be marked as (or refused for) that one turn's replay (db/turn-effects.ts). Outside any
    // turn's scope, a replayed booking is still booked once: the same person asking again gets
    // their existing booking back.
    if (reqs.length > 1 && this.opts.effects) {
      const effects = this.opts.effects;
      return effects.outside(() => this.bookBatchNow(seriesNo, reqs));
    }
    return this.bookBatchNow(seriesNo, reqs);
  }

  private async bookBatchNow(seriesNo: number, reqs: BookRequest[]): Promise<Settled<BookOutcome>[]> {
    try {
      return (await this.bookTogether(seriesNo, reqs)).map((value) => ({ value }));
    } catch (err) {
      if (reqs.length === 1 || err instanceof BookingBusyError) return reqs.map(() => ({ error: err }));
      this.opts.log.warn("booking batch failed, answering its requests one by one", { size: reqs.length, code: errorCode(err) });
      const out: Settled<BookOutcome>[] = [];
      for (const req of reqs) {
        try {
          out.push({ value: (await this.bookTogether(seriesNo, [req]))[0] });
        } catch (e) {
          out.push({ error: e });
        }
      }
      return out;
    }
  }

  /** Gives a seat back (or leaves the waitlist); the first on the waitlist gets the seat. */
  async cancel(seriesNo: number, actor: Pick<Actor, "userId">, now: Date): Promise<CancelOutcome> {
    return this.locked<CancelOutcome>(
      "cancel",
      seriesNo,
      async (tx, session) => {
        const booking = await tx.booking.findUnique({ where: { sessionId_userId: { sessionId: session.id, userId: actor.userId } } });
        if (!booking || booking.status === "cancelled") return { kind: "not_booked", session };
        const state = cancelWindow(session, booking.status, now);
        if (state !== "ok") return { kind: "too_late", session, state };
        const was = booking.status as "confirmed" | "waitlisted";
        const updated = await tx.booking.update({
          where: { id: booking.id },
          data: { status: "cancelled", cancelledAt: now, revision: { increment: 1 } },
        });
        let current = session;
        let promoted = 0;
        if (was === "confirmed") {
          await tx.$executeRaw`UPDATE "Session" SET "confirmedCount" = "confirmedCount" - 1 WHERE id = ${session.id}::uuid`;
          current = { ...session, confirmedCount: session.confirmedCount - 1 };
          promoted = await promoteWaitlist(tx, current, now);
        }
        return { kind: "cancelled", session: current, booking: updated, was, promoted };
      },
      () => ({ kind: "no_session", seriesNo }),
    );
  }

  /** Records (or clears) the topic a person wants to bring. Only their own active booking. */
  async setTopic(userId: string, ref: { bookingId?: string; seriesNo?: number }, topic: string | null): Promise<{ booking: Booking; session: Session } | null> {
    const where: Prisma.BookingWhereInput = { userId, status: { in: ["confirmed", "waitlisted"] } };
    if (ref.bookingId) where.id = ref.bookingId;
    else if (ref.seriesNo !== undefined) where.session = { seriesNo: ref.seriesNo };
    else return null;
    const found = await this.db.booking.findFirst({ where });
    if (!found) return null;
    const clean = topic?.trim().slice(0, MAX_TOPIC_LENGTH) || null;
    const booking = await this.db.booking.update({ where: { id: found.id }, data: { topic: clean } });
    const session = await this.db.session.findUniqueOrThrow({ where: { id: booking.sessionId } });
    return { booking, session };
  }

  // --- the secretariat ------------------------------------------------------------------------

  /**
   * Creates a session; refused when the number is taken, a field is invalid, or (given `now`) it
   * starts in the past: such a session could never be booked or reminded of, so it is almost
   * surely a typo in the year.
   */
  async addSession(fields: SessionFields, now?: Date): Promise<SessionChangeOutcome> {
    const problems = validateSession(fields, this.opts.areaIds);
    if (now && fields.startsAt.getTime() <= now.getTime())
      problems.push(`開始日時が過去です(${toJstString(fields.startsAt)} 日本時間)。年を確かめてください / the start (${toJstString(fields.startsAt)} JST) is in the past; please check the year`);
    if (problems.length) return { kind: "invalid", problems };
    try {
      const after = await this.db.session.create({ data: { ...fields } });
      return { kind: "created", after };
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") return { kind: "exists", seriesNo: fields.seriesNo };
      throw err;
    }
  }

  /**
   * Changes a session: validated as a whole, seats never below those already taken, new seats
   * go to the waitlist, and registrants get an updated (or cancelled) invite through the outbox.
   */
  async changeSession(seriesNo: number, patch: Partial<SessionFields>, now: Date): Promise<SessionChangeOutcome> {
    return this.locked<SessionChangeOutcome>(
      "change",
      seriesNo,
      (tx, session) => applyChange(tx, session, patch, now, this.opts.areaIds),
      () => ({ kind: "no_session", seriesNo }),
    );
  }

  /**
   * Writes a whole file of sessions in one transaction: new numbers are created, existing ones
   * changed like a chat edit (with notices to registrants). Nothing is written unless every row
   * can be; problems come back per session number.
   */
  async importSessions(
    sessions: SessionFields[],
    now: Date,
  ): Promise<{ ok: true; created: number[]; changed: number[]; unchanged: number[]; notified: number } | { ok: false; problems: { seriesNo: number; problems: string[] }[] }> {
    const rollback = new Error("import rolled back");
    let result:
      | { ok: true; created: number[]; changed: number[]; unchanged: number[]; notified: number }
      | { ok: false; problems: { seriesNo: number; problems: string[] }[] }
      | undefined;
    try {
      await withTransientRetry(
        () =>
          this.db.$transaction(
            async (tx) => {
              const created: number[] = [];
              const changed: number[] = [];
              const unchanged: number[] = [];
              const problems: { seriesNo: number; problems: string[] }[] = [];
              let notified = 0;
              for (const fields of [...sessions].sort((a, b) => a.seriesNo - b.seriesNo)) {
                const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Session" WHERE "seriesNo" = ${fields.seriesNo} FOR UPDATE`;
                if (!rows.length) {
                  const p = validateSession(fields, this.opts.areaIds);
                  if (p.length) problems.push({ seriesNo: fields.seriesNo, problems: p });
                  else {
                    await tx.session.create({ data: { ...fields } });
                    created.push(fields.seriesNo);
                  }
                  continue;
                }
                const current = await tx.session.findUniqueOrThrow({ where: { id: rows[0].id } });
                const r = await applyChange(tx, current, fields, now, this.opts.areaIds);
                if (r.kind === "invalid") problems.push({ seriesNo: fields.seriesNo, problems: r.problems });
                else if (r.kind === "changed") {
                  changed.push(fields.seriesNo);
                  notified += r.notified;
                } else unchanged.push(fields.seriesNo);
              }
              if (problems.length) {
                result = { ok: false, problems };
                throw rollback;
              }
              result = { ok: true, created, changed, unchanged, notified };
            },
            { maxWait: 15_000, timeout: 120_000 },
          ),
        this.opts.retry,
      );
    } catch (err) {
      if (err !== rollback) throw err;
    }
    return result!;
  }

  /** Confirmed people first, then the waitlist in order. Company and person names: never logged. */
  registrants(seriesNo: number): Promise<{ session: Session; rows: Registrant[] } | null> {
    // the secretariat's list names people of every company: the walls' narrow path
    return this.acrossCompanies(() => this.registrantsOfAll(seriesNo));
  }

  private async registrantsOfAll(seriesNo: number): Promise<{ session: Session; rows: Registrant[] } | null> {
    const session = await this.db.session.findUnique({ where: { seriesNo } });
    if (!session) return null;
    const bookings = await this.db.booking.findMany({
      where: { sessionId: session.id, status: { in: ["confirmed", "waitlisted"] } },
      include: { org: true },
      orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
    });
    const users = await this.db.user.findMany({ where: { id: { in: bookings.map((b) => b.userId) } } });
    const userById = new Map(users.map((u) => [u.id, u]));
    const confirmed = bookings
      .filter((b) => b.status === "confirmed")
      .sort((a, b) => (a.confirmedAt?.getTime() ?? 0) - (b.confirmedAt?.getTime() ?? 0) || a.createdAt.getTime() - b.createdAt.getTime());
    const waiting = bookings.filter((b) => b.status === "waitlisted");
    const rows: Registrant[] = [...confirmed, ...waiting].map((b) => ({
      bookingId: b.id,
      status: b.status as Registrant["status"],
      position: b.status === "waitlisted" ? waiting.indexOf(b) + 1 : undefined,
      company: b.org.name ?? "",
      person: userById.get(b.userId)?.displayName ?? "",
      topic: b.topic ?? "",
      bookedAt: b.confirmedAt ?? b.queuedAt,
      platform: b.platform,
    }));
    return { session, rows };
  }

  /** A message from the secretariat to everyone holding a seat (and the waitlist when asked). */
  broadcast(seriesNo: number, text: string, opts: { includeWaitlist?: boolean; now: Date }): Promise<{ session: Session; queued: number } | null> {
    // to the people of every company booked: the walls' narrow path
    return this.acrossCompanies(() => this.broadcastToAll(seriesNo, text, opts));
  }

  private async broadcastToAll(seriesNo: number, text: string, opts: { includeWaitlist?: boolean; now: Date }): Promise<{ session: Session; queued: number } | null> {
    const session = await this.db.session.findUnique({ where: { seriesNo } });
    if (!session) return null;
    const bookings = await this.db.booking.findMany({
      where: { sessionId: session.id, status: { in: opts.includeWaitlist ? ["confirmed", "waitlisted"] : ["confirmed"] } },
    });
    const id = randomUUID();
    const body = text.trim().slice(0, MAX_BROADCAST_LENGTH);
    const queued = await enqueue(
      this.db,
      bookings.map((b) => ({
        dedupeKey: `broadcast:${id}:${b.id}`,
        userId: b.userId,
        kind: "broadcast",
        payload: { bookingId: b.id, sessionId: session.id, platform: b.platform, text: body },
        notBefore: opts.now,
      })),
    );
    return { session, queued };
  }

  // --- reminders ------------------------------------------------------------------------------

  /**
   * Queues the reminders that are due now (see dueReminderOffset). Safe to run on every instance
   * at once: the dedupe key (booking, offset, start time) makes a second insert a no-op, and a
   * session moved to a new time gets its reminders again.
   */
  async enqueueDueReminders(now: Date, offsetsMs: readonly number[]): Promise<number> {
    const horizon = Math.max(0, ...offsetsMs);
    if (!horizon) return 0;
    const bookings = await this.db.booking.findMany({
      where: {
        status: "confirmed",
        session: { status: { not: "cancelled" }, startsAt: { gt: now, lte: new Date(now.getTime() + horizon) } },
      },
      include: { session: true },
    });
    const rows: OutboxRow[] = [];
    for (const b of bookings) {
      const offset = dueReminderOffset(b.session.startsAt, b.confirmedAt, offsetsMs, now);
      if (offset === null) continue;
      rows.push({
        dedupeKey: `reminder:${b.id}:${offset}:${b.session.startsAt.getTime()}`,
        userId: b.userId,
        kind: "reminder",
        payload: { bookingId: b.id, sessionId: b.sessionId, platform: b.platform, offsetMs: offset, startsAt: b.session.startsAt.toISOString() },
        notBefore: now,
      });
    }
    return enqueue(this.db, rows);
  }
}

// --- transaction steps (the session row is locked by the caller) -------------------------------

/** One seat, only if one is free: the WHERE clause re-checks under the row lock. */
async function takeSeat(tx: Tx, sessionId: string): Promise<boolean> {
  const n = await tx.$executeRaw`UPDATE "Session" SET "confirmedCount" = "confirmedCount" + 1 WHERE id = ${sessionId}::uuid AND "confirmedCount" < "capacity"`;
  return n === 1;
}

/**
 * Free seats go to the waitlist in order, skipping people whose organisation already holds its
 * share of seats; each promoted person is told through the outbox.
 */
async function promoteWaitlist(tx: Tx, session: Session, now: Date): Promise<number> {
  if (!promotesWaitlist(session, now) || session.confirmedCount >= session.capacity) return 0;
  const waiting = await tx.booking.findMany({
    where: { sessionId: session.id, status: "waitlisted" },
    orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
  });
  if (!waiting.length) return 0;
  const orgCounts = await tx.booking.groupBy({
    by: ["orgId"],
    where: { sessionId: session.id, status: "confirmed", orgId: { in: [...new Set(waiting.map((w) => w.orgId))] } },
    _count: { _all: true },
  });
  const perOrg = new Map(orgCounts.map((o) => [o.orgId, o._count._all]));
  let free = session.capacity - session.confirmedCount;
  let promoted = 0;
  for (const w of waiting) {
    if (free <= 0) break;
    if ((perOrg.get(w.orgId) ?? 0) >= session.perOrgCap) continue;
    if (!(await takeSeat(tx, session.id))) break;
    const b = await tx.booking.update({
      where: { id: w.id },
      data: { status: "confirmed", confirmedAt: now, revision: { increment: 1 } },
    });
    perOrg.set(w.orgId, (perOrg.get(w.orgId) ?? 0) + 1);
    free--;
    promoted++;
    await enqueue(tx, [
      {
        dedupeKey: `promoted:${b.id}:${b.revision}`,
        userId: b.userId,
        kind: "promoted",
        payload: { bookingId: b.id, sessionId: session.id, platform: b.platform },
        notBefore: now,
      },
    ]);
  }
  return promoted;
}

async function applyChange(
  tx: Tx,
  session: Session,
  patch: Partial<SessionFields>,
  now: Date,
  areaIds: ReadonlySet<string>,
): Promise<SessionChangeOutcome> {
  const before = fieldsOf(session);
  const merged: SessionFields = { ...before, ...patch, seriesNo: session.seriesNo };
  const problems = validateSession(merged, areaIds);
  if (merged.capacity < session.confirmedCount)
    problems.push(`すでに${session.confirmedCount}席が予約済みのため、定員をそれより少なくはできません / ${session.confirmedCount} seats are already taken; the capacity cannot be lower`);
  if (problems.length) return { kind: "invalid", problems };
  const changed = ALL_FIELDS.filter((k) => !same(before[k], merged[k]));
  if (!changed.length) return { kind: "unchanged", after: session };
  // Closing or reopening registration changes nothing for those already booked; cancelling does.
  const inviteChanged =
    changed.some((k) => k !== "status" && INVITE_FIELDS.includes(k)) ||
    (changed.includes("status") && (before.status === "cancelled" || merged.status === "cancelled"));
  const after = await tx.session.update({
    where: { id: session.id },
    data: { ...merged, sequence: inviteChanged ? { increment: 1 } : undefined },
  });
  let notified = 0;
  if (inviteChanged) {
    const becameCancelled = merged.status === "cancelled" && before.status !== "cancelled";
    const bookings = await tx.booking.findMany({
      where: { sessionId: session.id, status: { in: becameCancelled ? ["confirmed", "waitlisted"] : ["confirmed"] } },
    });
    if (merged.status !== "cancelled" || becameCancelled) {
      const kind = becameCancelled ? "session_cancelled" : "session_changed";
      notified = await enqueue(
        tx,
        bookings.map((b) => ({
          dedupeKey: `${kind}:${b.id}:${after.sequence}`,
          userId: b.userId,
          kind,
          payload: { bookingId: b.id, sessionId: session.id, platform: b.platform, sequence: after.sequence, changed },
          notBefore: now,
        })),
      );
    }
  }
  const promoted = await promoteWaitlist(tx, after, now);
  const final = promoted ? await tx.session.findUniqueOrThrow({ where: { id: session.id } }) : after;
  return { kind: "changed", before: session, after: final, changed, notified, promoted };
}

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return e?.meta?.driverAdapterError?.cause?.originalCode ?? e?.code;
}
