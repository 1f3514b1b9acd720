// Seats are never oversold, whatever the concurrency: 200 simultaneous attempts for a few seats,
// the per-company cap under a burst from one company, cancellations racing bookings, a double
// click, and forced serialization failures. On PGlite and on PostgreSQL, where several Prisma
// clients (each with its own pool, like several bot instances) really interleave.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../helpers/db.ts";
import { BOOKING_TIME, openSharedDb, type SharedDb } from "../helpers/booking.ts";
import { BookingService, type Actor, type BookOutcome } from "../../src/booking/booking-service.ts";
import { BookingBusyError } from "../../src/booking/retry.ts";
import { createLogger } from "../../src/core/logger.ts";
import type { SessionFields } from "../../src/booking/session-data.ts";
import type { Db } from "../../src/db/client.ts";

const log = createLogger("silent");
const AREAS = new Set(["backup-recovery"]);

function fields(seriesNo: number, capacity: number, perOrgCap: number): SessionFields {
  return {
    seriesNo,
    title: `concurrency ${seriesNo}`,
    topic: "",
    areas: [],
    startsAt: new Date("2027-06-01T05:00:00Z"),
    endsAt: new Date("2027-06-01T07:00:00Z"),
    format: "online",
    url: null,
    venue: null,
    capacity,
    perOrgCap,
    opensAt: null,
    closesAt: null,
    cancelCutoffAt: null,
    status: "open",
    provisional: false,
  };
}

describeEachDb("seats under concurrency", (kind) => {
  let shared: SharedDb;
  let services: BookingService[];
  let db: Db;
  beforeAll(async () => {
    shared = await openSharedDb(kind, 3);
    db = shared.handles[0].prisma;
    services = shared.handles.map((h) => new BookingService(h.prisma, { areaIds: AREAS, log }));
  });
  afterAll(async () => shared?.close());

  /** An attempt through one of the "instances", round robin. */
  const via = (i: number) => services[i % services.length];
  async function orgs(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 50) {
      const batch = Array.from({ length: Math.min(50, n - i) }, () => ({ id: randomUUID(), externalKey: `test:${randomUUID()}`, platform: "console" }));
      await db.organization.createMany({ data: batch });
      ids.push(...batch.map((b) => b.id));
    }
    return ids;
  }
  const actor = (orgId: string): Actor => ({ userId: randomUUID(), orgId, platform: "console" });
  async function state(seriesNo: number) {
    const s = await db.session.findUniqueOrThrow({ where: { seriesNo } });
    const rows = await db.booking.groupBy({ by: ["status"], where: { sessionId: s.id }, _count: { _all: true } });
    const count = (st: string) => rows.find((r) => r.status === st)?._count._all ?? 0;
    return { confirmedCount: s.confirmedCount, confirmed: count("confirmed"), waitlisted: count("waitlisted"), cancelled: count("cancelled") };
  }
  const tally = (outcomes: BookOutcome[]) => {
    const t: Record<string, number> = {};
    for (const o of outcomes) t[o.kind] = (t[o.kind] ?? 0) + 1;
    return t;
  };

  it("200 simultaneous attempts for 5 seats: exactly 5 confirmed, the rest waitlisted or told it is full", async () => {
    await services[0].addSession(fields(101, 5, 2));
    const orgIds = await orgs(200);
    const attempts = orgIds.map((orgId, i) => ({ a: actor(orgId), waitlist: i % 2 === 0 }));
    const settled = await Promise.allSettled(attempts.map(({ a, waitlist }, i) => via(i).book(101, a, { waitlist }, BOOKING_TIME)));
    const errors = settled.filter((s) => s.status === "rejected");
    expect(errors.map((e) => String((e as PromiseRejectedResult).reason))).toEqual([]);
    const outcomes = settled.map((s) => (s as PromiseFulfilledResult<BookOutcome>).value);
    const t = tally(outcomes);
    expect(t.confirmed).toBe(5);
    expect((t.waitlisted ?? 0) + (t.full ?? 0)).toBe(195);
    expect(Object.keys(t).sort()).toEqual(["confirmed", "full", "waitlisted"]);
    // those who asked for the waitlist are on it, each with their own place in the queue
    const positions = outcomes.flatMap((o) => (o.kind === "waitlisted" ? [o.position] : [])).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => i + 1));
    expect(await state(101)).toEqual({ confirmedCount: 5, confirmed: 5, waitlisted: t.waitlisted, cancelled: 0 });
  });

  it("holds the per-company cap when one company clicks at once", async () => {
    await services[0].addSession(fields(102, 20, 3));
    const [busyOrg, ...others] = await orgs(61);
    const burst = [...Array.from({ length: 60 }, () => actor(busyOrg)), ...others.map((o) => actor(o))];
    const outcomes = await Promise.all(burst.map((a, i) => via(i).book(102, a, {}, BOOKING_TIME)));
    const session = await db.session.findUniqueOrThrow({ where: { seriesNo: 102 } });
    const fromBusy = await db.booking.count({ where: { sessionId: session.id, orgId: busyOrg, status: "confirmed" } });
    expect(fromBusy).toBe(3);
    expect(await state(102)).toMatchObject({ confirmedCount: 20, confirmed: 20 });
    const busyOutcomes = tally(outcomes.slice(0, 60));
    expect(busyOutcomes.confirmed).toBe(3);
    expect((busyOutcomes.org_cap ?? 0) + (busyOutcomes.full ?? 0)).toBe(57);
  });

  it("a cancellation racing new bookings never exceeds capacity, and freed seats go to the waitlist", async () => {
    await services[0].addSession(fields(103, 3, 5));
    const orgIds = await orgs(63);
    const holders = orgIds.slice(0, 3).map(actor);
    const waiting = orgIds.slice(3, 13).map(actor);
    for (const h of holders) expect((await services[0].book(103, h, {}, BOOKING_TIME)).kind).toBe("confirmed");
    for (const w of waiting) expect((await services[0].book(103, w, { waitlist: true }, BOOKING_TIME)).kind).toBe("waitlisted");
    const newcomers = orgIds.slice(13).map(actor);
    let maxSeen = 0;
    let racing = true;
    const watch = (async () => {
      while (racing) {
        const s = await state(103);
        maxSeen = Math.max(maxSeen, s.confirmed, s.confirmedCount);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const ops = await Promise.allSettled([
      ...holders.map((h, i) => via(i).cancel(103, h, BOOKING_TIME)),
      ...waiting.slice(0, 3).map((w, i) => via(i + 1).cancel(103, w, BOOKING_TIME)),
      ...newcomers.map((n, i) => via(i + 2).book(103, n, { waitlist: true }, BOOKING_TIME)),
    ]);
    racing = false;
    await watch;
    expect(ops.filter((o) => o.status === "rejected")).toEqual([]);
    expect(maxSeen).toBeLessThanOrEqual(3);
    const final = await state(103);
    expect(final).toEqual({ confirmedCount: 3, confirmed: 3, waitlisted: 10 - 3 - 3 + 50, cancelled: 6 });
    // the three who still waited from before the race got the three seats, in queue order
    const session = await db.session.findUniqueOrThrow({ where: { seriesNo: 103 } });
    const confirmedUsers = (await db.booking.findMany({ where: { sessionId: session.id, status: "confirmed" } })).map((b) => b.userId).sort();
    expect(confirmedUsers).toEqual(waiting.slice(3, 6).map((w) => w.userId).sort());
    // one promotion message per promoted person
    expect(await db.outboxMessage.count({ where: { kind: "promoted", userId: { in: confirmedUsers } } })).toBe(3);
  });

  it("a double click (the same person many times at once) books once and returns the same booking", async () => {
    await services[0].addSession(fields(104, 10, 2));
    const [orgId] = await orgs(1);
    const me = actor(orgId);
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => via(i).book(104, me, {}, BOOKING_TIME)));
    expect(new Set(outcomes.map((o) => (o.kind === "confirmed" ? o.booking.id : o.kind))).size).toBe(1);
    expect(outcomes.filter((o) => o.kind === "confirmed" && !o.already)).toHaveLength(1);
    expect(await state(104)).toEqual({ confirmedCount: 1, confirmed: 1, waitlisted: 0, cancelled: 0 });
  });

  it("retries a forced serialization failure (40001), and after the bound answers 'busy' with nothing written", async () => {
    await services[0].addSession(fields(105, 5, 2));
    const [orgId] = await orgs(1);
    const forceConflict = (times: number) => {
      let n = 0;
      return new BookingService(db, {
        areaIds: AREAS,
        log,
        retry: { baseMs: 1 },
        faults: {
          beforeCommit: async (tx) => {
            if (n++ < times) await tx.$executeRawUnsafe(`DO $$ BEGIN RAISE EXCEPTION 'forced conflict' USING ERRCODE = '40001'; END $$`);
          },
        },
      });
    };
    const once = await forceConflict(2).book(105, actor(orgId), {}, BOOKING_TIME);
    expect(once.kind).toBe("confirmed");
    expect(await state(105)).toEqual({ confirmedCount: 1, confirmed: 1, waitlisted: 0, cancelled: 0 });
    await expect(forceConflict(100).book(105, actor(orgId), {}, BOOKING_TIME)).rejects.toBeInstanceOf(BookingBusyError);
    expect(await state(105)).toEqual({ confirmedCount: 1, confirmed: 1, waitlisted: 0, cancelled: 0 });
  });

  it("one batch of a rush (group commit) answers as one after the other would: cap, double clicks, a rebooking, the waitlist", async () => {
    const lines: string[] = [];
    const one = new BookingService(db, { areaIds: AREAS, log: createLogger("warn", {}, (l) => lines.push(l)) });
    await one.addSession(fields(107, 10, 2));
    const [crowd, back, ...others] = await orgs(40);
    // someone who cancelled before the rush books again: the same row, a higher revision
    const returning = actor(back);
    expect((await one.book(107, returning, {}, BOOKING_TIME)).kind).toBe("confirmed");
    expect((await one.cancel(107, returning, BOOKING_TIME)).kind).toBe("cancelled");
    const clicker = actor(others[0]);
    const fromCrowd = Array.from({ length: 5 }, () => actor(crowd));
    const rest = others.slice(1).map(actor);
    // all at once, on one instance: they wait behind each other in one batch
    const burst = [clicker, ...fromCrowd, clicker, returning, ...rest, clicker];
    const outcomes = await Promise.all(burst.map((a, i) => one.book(107, a, { waitlist: i % 3 !== 0 }, BOOKING_TIME)));
    expect(lines.filter((l) => l.includes("batch failed"))).toEqual([]);

    const kinds = outcomes.map((o) => o.kind);
    // the first 10 seats in arrival order, the company's two at most
    expect(kinds.slice(0, 9)).toEqual(["confirmed", "confirmed", "confirmed", "org_cap", "org_cap", "org_cap", "confirmed", "confirmed", "confirmed"]);
    // the double click: one booking, the later clicks told it is theirs already
    const first = outcomes[0].kind === "confirmed" ? outcomes[0].booking.id : undefined;
    expect([outcomes[0], outcomes[6], outcomes.at(-1)!].map((o) => o.kind === "confirmed" && [o.booking.id, o.already])).toEqual([
      [first, false],
      [first, true],
      [first, true],
    ]);
    const rebooked = outcomes[7];
    expect(rebooked.kind === "confirmed" && rebooked.booking.revision).toBe(2);
    const seats = outcomes.filter((o) => o.kind === "confirmed" && !o.already);
    expect(seats).toHaveLength(10);
    // each new seat says how many are taken with it
    expect(seats.map((o) => (o.kind === "confirmed" ? o.session.confirmedCount : 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // after the seats ran out: the waitlist in arrival order, or "full" with its length then
    const after = outcomes.slice(burst.indexOf(rest[0])).filter((o) => o.kind === "waitlisted" || o.kind === "full");
    let queued = 0;
    for (const o of after) {
      if (o.kind === "waitlisted") expect(o.position).toBe(++queued);
      else expect(o.kind === "full" && o.waitlistLength).toBe(queued);
    }
    expect(queued).toBeGreaterThan(0);
    const s = await db.session.findUniqueOrThrow({ where: { seriesNo: 107 } });
    expect(await db.booking.count({ where: { sessionId: s.id, orgId: crowd, status: "confirmed" } })).toBe(2);
    expect(await state(107)).toEqual({ confirmedCount: 10, confirmed: 10, waitlisted: queued, cancelled: 0 });
    const order = await db.booking.findMany({ where: { sessionId: s.id, status: "waitlisted" }, orderBy: [{ queuedAt: "asc" }, { id: "asc" }] });
    expect(order.map((b) => b.userId)).toEqual(after.flatMap((o) => (o.kind === "waitlisted" ? [o.booking.userId] : [])));
  });

  it("a request that fails in a batch (its company deleted meanwhile) fails alone; the others are answered", async () => {
    const lines: string[] = [];
    const one = new BookingService(db, { areaIds: AREAS, log: createLogger("warn", {}, (l) => lines.push(l)) });
    await one.addSession(fields(108, 3, 1));
    const orgIds = await orgs(5);
    const ghost = actor(randomUUID()); // no such organisation: its row breaks the batch's INSERT
    const burst = [actor(orgIds[0]), ghost, ...orgIds.slice(1).map(actor)];
    const settled = await Promise.allSettled(burst.map((a) => one.book(108, a, { waitlist: true }, BOOKING_TIME)));
    expect(lines.some((l) => l.includes("batch failed") && l.includes('"size":6'))).toBe(true);
    expect(settled.map((r) => (r.status === "fulfilled" ? r.value.kind : "rejected"))).toEqual(["confirmed", "rejected", "confirmed", "confirmed", "waitlisted", "waitlisted"]);
    expect(await state(108)).toEqual({ confirmedCount: 3, confirmed: 3, waitlisted: 2, cancelled: 0 });
  });

  it("the database itself refuses more seats than the capacity (CHECK) and a second booking of one person (UNIQUE)", async () => {
    await services[0].addSession(fields(106, 1, 2));
    const s = await db.session.findUniqueOrThrow({ where: { seriesNo: 106 } });
    await expect(db.$executeRaw`UPDATE "Session" SET "confirmedCount" = 2 WHERE id = ${s.id}::uuid`).rejects.toThrow(/Session_seats_check/);
    const [orgId] = await orgs(1);
    const me = actor(orgId);
    await db.booking.create({ data: { sessionId: s.id, orgId, userId: me.userId, status: "waitlisted", platform: "console" } });
    await expect(db.booking.create({ data: { sessionId: s.id, orgId, userId: me.userId, status: "waitlisted", platform: "console" } })).rejects.toThrow();
  });
});
