// The outbox: reminders due at the configured offsets, retries after a failed send, a permanent
// failure that retires the conversation reference, a restart (a second worker instance) and two
// workers at once on one database: every message is sent, and none twice.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../helpers/db.ts";
import { BOOKING_TIME, inviteOf, openSharedDb, recordingSender, type SharedDb } from "../helpers/booking.ts";
import { BookingService } from "../../src/booking/booking-service.ts";
import { OutboxWorker, PermanentDeliveryError, type Senders } from "../../src/booking/outbox-worker.ts";
import { createLogger } from "../../src/core/logger.ts";
import type { SessionFields } from "../../src/booking/session-data.ts";
import type { Db } from "../../src/db/client.ts";

const log = createLogger("silent");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OFFSETS = [3 * DAY, HOUR];
const START = new Date("2027-06-10T05:00:00Z");

function fields(seriesNo: number, capacity = 10): SessionFields {
  return {
    seriesNo,
    title: `outbox ${seriesNo}`,
    topic: "",
    areas: [],
    startsAt: START,
    endsAt: new Date(START.getTime() + 2 * HOUR),
    format: "online",
    url: "https://example.jp/meet",
    venue: null,
    capacity,
    perOrgCap: 5,
    opensAt: null,
    closesAt: null,
    cancelCutoffAt: null,
    status: "open",
    provisional: false,
  };
}

describeEachDb("outbox and reminders", (kind) => {
  let shared: SharedDb;
  let db: Db;
  let service: BookingService;
  let seriesNo = 200;
  beforeAll(async () => {
    shared = await openSharedDb(kind, 2);
    db = shared.handles[0].prisma;
    service = new BookingService(db, { areaIds: new Set(), log });
  });
  afterAll(async () => shared?.close());

  const worker = (senders: Senders, opts: Partial<ConstructorParameters<typeof OutboxWorker>[0]> = {}, handle = 0) =>
    new OutboxWorker({
      db: shared.handles[handle % shared.handles.length].prisma,
      log,
      senders,
      booking: new BookingService(shared.handles[handle % shared.handles.length].prisma, { areaIds: new Set(), log }),
      reminderOffsetsMs: OFFSETS,
      backoffMs: () => 60_000,
      ...opts,
    });

  /** A person with a stored conversation reference and a seat in a new session. */
  async function booked(opts: { refs?: number; at?: Date; sessionNo?: number } = {}) {
    const no = opts.sessionNo ?? ++seriesNo;
    if (!opts.sessionNo) await service.addSession(fields(no));
    const org = await db.organization.create({ data: { externalKey: `test:${randomUUID()}`, platform: "console" } });
    const user = await db.user.create({ data: { orgId: org.id, platform: "console", platformUserId: randomUUID() } });
    for (let i = 0; i < (opts.refs ?? 1); i++)
      await db.conversationRef.create({ data: { userId: user.id, orgId: org.id, platform: "console", conversationKey: `k${i}`, reference: { ref: i, user: user.id } } });
    const r = await service.book(no, { userId: user.id, orgId: org.id, platform: "console" }, {}, opts.at ?? BOOKING_TIME);
    expect(r.kind).toBe("confirmed");
    return { user, org, seriesNo: no, bookingId: r.kind === "confirmed" ? r.booking.id : "" };
  }
  const rowsOf = (userId: string) => db.outboxMessage.findMany({ where: { userId }, orderBy: { id: "asc" } });

  it("sends the reminders at 3 days and 1 hour before, once each, with the link", async () => {
    const p = await booked();
    const sender = recordingSender();
    const w = worker({ console: sender });
    expect((await w.tick(new Date(START.getTime() - 4 * DAY))).reminders).toBe(0);
    const at3d = new Date(START.getTime() - 3 * DAY + 60_000);
    expect(await w.tick(at3d)).toMatchObject({ reminders: 1, sent: 1 });
    expect(await w.tick(at3d)).toMatchObject({ reminders: 0, sent: 0 });
    const at1h = new Date(START.getTime() - HOUR + 60_000);
    expect(await w.tick(at1h)).toMatchObject({ reminders: 1, sent: 1 });
    expect(sender.sent.map((m) => m.reply.text)).toEqual([
      expect.stringContaining("あと3日で始まります"),
      expect.stringContaining("あと1時間で始まります"),
    ]);
    expect(JSON.stringify(sender.sent[1].reply.blocks)).toContain("https://example.jp/meet");
    expect((await rowsOf(p.user.id)).map((r) => r.dedupeKey)).toEqual([
      `reminder:${p.bookingId}:${3 * DAY}:${START.getTime()}`,
      `reminder:${p.bookingId}:${HOUR}:${START.getTime()}`,
    ]);
  });

  it("sends no reminder for a cancelled booking, and only the nearest one for a late booking", async () => {
    const cancelled = await booked();
    await service.cancel(cancelled.seriesNo, { userId: cancelled.user.id }, BOOKING_TIME);
    const late = await booked({ at: new Date(START.getTime() - 2 * HOUR) });
    const sender = recordingSender();
    const w = worker({ console: sender });
    await w.tick(new Date(START.getTime() - 2 * HOUR + 60_000));
    await w.tick(new Date(START.getTime() - HOUR + 60_000));
    expect(await rowsOf(cancelled.user.id)).toEqual([]);
    expect((await rowsOf(late.user.id)).map((r) => r.kind)).toEqual(["reminder"]);
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0].reply.text).toContain("あと1時間");
  });

  it("reminds again for the new time when the secretariat moves a session, and tells of the change", async () => {
    const p = await booked();
    const sender = recordingSender();
    const w = worker({ console: sender });
    await w.tick(new Date(START.getTime() - 3 * DAY + 60_000));
    const newStart = new Date(START.getTime() + 7 * DAY);
    const changed = await service.changeSession(p.seriesNo, { startsAt: newStart, endsAt: new Date(newStart.getTime() + 2 * HOUR) }, new Date(START.getTime() - 2 * DAY));
    expect(changed).toMatchObject({ kind: "changed", notified: 1 });
    await w.tick(new Date(START.getTime() - 2 * DAY));
    await w.tick(new Date(newStart.getTime() - 3 * DAY + 60_000));
    expect(sender.sent.map((m) => m.reply.text)).toEqual([
      expect.stringContaining("あと3日"),
      expect.stringContaining("日時が変更されました"),
      expect.stringContaining("あと3日"),
    ]);
    expect(inviteOf(sender.sent[1].reply)).toMatchObject({ method: "REQUEST", sequence: 1 });
  });

  it("retries a failed send with backoff and sends it once", async () => {
    const p = await booked();
    await service.broadcast(p.seriesNo, "retry me", { now: BOOKING_TIME });
    const sender = recordingSender();
    sender.fail(Object.assign(new Error("An HTTP protocol error occurred: statusCode = 503"), { statusCode: 503 }), 2);
    const w = worker({ console: sender }, { reminderOffsetsMs: [] });
    expect(await w.tick(BOOKING_TIME)).toMatchObject({ retried: 1, sent: 0 });
    const [row] = await rowsOf(p.user.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.notBefore.getTime()).toBe(BOOKING_TIME.getTime() + 60_000);
    expect(row.lastError).toContain("503");
    expect(await w.tick(BOOKING_TIME)).toMatchObject({ retried: 0, sent: 0 }); // not due yet
    expect(await w.tick(new Date(BOOKING_TIME.getTime() + 60_000))).toMatchObject({ retried: 1 });
    expect(await w.tick(new Date(BOOKING_TIME.getTime() + 120_000))).toMatchObject({ sent: 1 });
    expect(await w.tick(new Date(BOOKING_TIME.getTime() + 999_000))).toMatchObject({ sent: 0 });
    expect(sender.sent.map((m) => m.reply.text)).toEqual([expect.stringContaining("retry me")]);
    expect((await rowsOf(p.user.id))[0]).toMatchObject({ status: "sent", attempts: 3 });
  });

  it("gives up after the bounded number of attempts", async () => {
    const p = await booked();
    await service.broadcast(p.seriesNo, "never arrives", { now: BOOKING_TIME });
    const sender = recordingSender();
    sender.fail(new Error("socket hang up"), 10);
    const w = worker({ console: sender }, { maxAttempts: 3, reminderOffsetsMs: [] });
    for (let i = 0; i < 5; i++) await w.tick(new Date(BOOKING_TIME.getTime() + i * 120_000));
    expect((await rowsOf(p.user.id))[0]).toMatchObject({ status: "failed", attempts: 3 });
    expect(sender.sent).toHaveLength(0);
  });

  it("marks the reference inactive on a permanent failure and stops, or goes on through another active one", async () => {
    const lone = await booked();
    await service.broadcast(lone.seriesNo, "to a removed bot", { now: BOOKING_TIME });
    const sender = recordingSender();
    sender.fail(Object.assign(new Error("An API error occurred: channel_not_found"), { data: { ok: false, error: "channel_not_found" } }));
    const w = worker({ console: sender }, { reminderOffsetsMs: [] });
    expect(await w.tick(BOOKING_TIME)).toMatchObject({ failed: 1 });
    expect((await rowsOf(lone.user.id))[0]).toMatchObject({ status: "failed", attempts: 1 });
    expect((await db.conversationRef.findFirstOrThrow({ where: { userId: lone.user.id } })).active).toBe(false);
    await w.tick(new Date(BOOKING_TIME.getTime() + DAY));
    expect(sender.sent).toHaveLength(0);

    const two = await booked({ refs: 2 });
    await service.broadcast(two.seriesNo, "second door", { now: BOOKING_TIME });
    sender.fail(new PermanentDeliveryError("BotNotInConversationRoster"));
    await w.tick(BOOKING_TIME);
    await w.tick(BOOKING_TIME);
    expect(sender.sent).toHaveLength(1);
    const refs = await db.conversationRef.findMany({ where: { userId: two.user.id }, orderBy: { conversationKey: "asc" } });
    expect(refs.filter((r) => r.active)).toHaveLength(1);
    expect(sender.sent[0].ref).toEqual(refs.find((r) => r.active)!.reference);
  });

  it("waits, without using an attempt, when this instance has no sender for the platform", async () => {
    const p = await booked();
    await service.broadcast(p.seriesNo, "slack only", { now: BOOKING_TIME });
    const w = worker({}, { reminderOffsetsMs: [] });
    expect(await w.tick(BOOKING_TIME)).toMatchObject({ deferred: 1 });
    expect((await rowsOf(p.user.id))[0]).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("after a restart, a message claimed by a dead instance is sent once by the next, never twice", async () => {
    const p = await booked();
    await service.broadcast(p.seriesNo, "survives a crash", { now: BOOKING_TIME });
    const dead = worker({ console: recordingSender() }, { reminderOffsetsMs: [], leaseMs: 120_000 });
    expect(await dead.claim(BOOKING_TIME, 10)).toHaveLength(1); // claimed, then the process died
    const sender = recordingSender();
    const next = worker({ console: sender }, { reminderOffsetsMs: [], leaseMs: 120_000 }, 1);
    const early = await next.tick(new Date(BOOKING_TIME.getTime() + 60_000));
    expect(early, JSON.stringify(sender.sent.map((m) => m.reply.text))).toMatchObject({ sent: 0 }); // lease still held
    expect(await next.tick(new Date(BOOKING_TIME.getTime() + 121_000))).toMatchObject({ sent: 1 });
    const third = worker({ console: sender }, { reminderOffsetsMs: [] });
    expect(await third.tick(new Date(BOOKING_TIME.getTime() + 300_000))).toMatchObject({ sent: 0 });
    expect(sender.sent.map((m) => m.reply.text)).toEqual([expect.stringContaining("survives a crash")]);
    expect((await rowsOf(p.user.id))[0]).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("keeps the lease while a slow send is in flight, so another instance does not send it again", async () => {
    const p = await booked();
    await service.broadcast(p.seriesNo, "slow post", { now: BOOKING_TIME });
    const [row] = await rowsOf(p.user.id);
    const sent: string[] = [];
    let otherTick: unknown;
    const other = worker({ console: async () => void sent.push("other") }, { leaseMs: 3_000, reminderOffsetsMs: [] }, 1);
    // the post takes long: until the lease has been pushed twice past its first end...
    const slow = async () => {
      const pushed = BOOKING_TIME.getTime() + 3_000 + 2 * 1_000;
      while ((await db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).lockedUntil!.getTime() < pushed) await new Promise((r) => setTimeout(r, 50));
      // ...and meanwhile another instance looks, at a time the first lease would have run out
      otherTick = await other.tick(new Date(BOOKING_TIME.getTime() + 3_500));
      sent.push("slow");
    };
    const w = worker({ console: slow }, { leaseMs: 3_000, reminderOffsetsMs: [] });
    expect(await w.tick(BOOKING_TIME)).toMatchObject({ sent: 1 });
    expect(otherTick).toMatchObject({ sent: 0 });
    expect(sent).toEqual(["slow"]);
    expect((await rowsOf(p.user.id))[0]).toMatchObject({ status: "sent", attempts: 1, lockedUntil: null });
  });

  it("two workers on one database send every message exactly once", async () => {
    const no = ++seriesNo;
    await service.addSession(fields(no, 60));
    const people = [];
    for (let i = 0; i < 40; i++) people.push(await booked({ sessionNo: no }));
    await service.broadcast(no, "hello everyone", { now: BOOKING_TIME });
    const sent: string[] = [];
    const slowSender = async (ref: unknown) => {
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      sent.push((ref as { user: string }).user);
    };
    const a = worker({ console: slowSender }, { batchSize: 7, reminderOffsetsMs: [] }, 0);
    const b = worker({ console: slowSender }, { batchSize: 7, reminderOffsetsMs: [] }, 1);
    for (let round = 0; round < 10; round++) await Promise.all([a.tick(BOOKING_TIME), b.tick(BOOKING_TIME)]);
    expect(sent).toHaveLength(40);
    expect(new Set(sent).size).toBe(40);
    expect(await db.outboxMessage.count({ where: { kind: "broadcast", status: "sent", userId: { in: people.map((p) => p.user.id) } } })).toBe(40);
  });
});
