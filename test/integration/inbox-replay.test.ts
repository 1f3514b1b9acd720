// Replays change nothing twice (issue 10, src/db/turn-effects.ts). A turn that changed data and
// died before its answer was stored in the inbox is worked out again: the replay finds its own
// earlier change (TurnEffect, written in the same transaction) and answers that it was carried out,
// rather than recording the answer (and its audit row) or the booking again. A second attempt
// working at the same moment cannot commit a change. Real pipeline, PGlite and PostgreSQL (walls on).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb, openTestDb, type DbKind } from "../helpers/db.ts";
import { textAt, type Who } from "../helpers/booking.ts";
import { BOT_TOKEN, SIGNING_SECRET, dmEvent, sign, startFakeSlack, type FakeSlack } from "../helpers/slack.ts";
import { until } from "../helpers/wait.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import type { DbHandle } from "../../src/db/client.ts";
import { alreadyDone } from "../../src/core/pipeline.ts";

const DONE_MARK = alreadyDone().split("\n")[0].slice(0, 20);

describeEachDb("a delivery worked out again changes nothing twice", (kind: DbKind) => {
  let db: DbHandle;
  let app: TestApp;
  let slack: FakeSlack;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    db = await openTestDb(kind);
    slack = await startFakeSlack();
    app = await createTestApp(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url },
      { db, dbKind: kind, inbox: { leaseMs: 1_500, exclusive: false } },
    );
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await slack?.close();
    await db?.close();
  });

  const events = (deliveryId: string) => db.prisma.answerEvent.count({ where: { deliveryId } });

  it("an answer recorded, then the same delivery again (its reply was never stored): one audit row, the replay says it was done", async () => {
    const who: Who = { user: "replay-answer", org: "console:replay-a" };
    const turn = textAt("No.115は達成", who);
    const first = await app.pipeline.handleAccepted(turn);
    expect(first.intent).toBe("record_answer");
    expect(await events(turn.deliveryId!)).toBe(1);
    const answer = await db.prisma.answer.findFirstOrThrow({ where: { itemNo: 115, orgId: (await db.prisma.user.findFirstOrThrow({ where: { platformUserId: "replay-answer" } })).orgId } });

    const again = await app.pipeline.handleAccepted(turn);
    expect(again.via).toBe("replay");
    expect(again.reply.text).toContain(DONE_MARK);
    expect(await events(turn.deliveryId!)).toBe(1);
    expect((await db.prisma.answer.findUniqueOrThrow({ where: { id: answer.id } })).revision).toBe(answer.revision);
    // a new message saying the same is a new change, recorded as such
    const next = await app.pipeline.handleAccepted(textAt("No.115は達成", who));
    expect(next.via).not.toBe("replay");
  });

  it("an answer recorded in one statement carries its turn's mark; another attempt of the delivery records nothing", async () => {
    const who: Who = { user: "fence-answer", org: "console:fence-a" };
    const at = new Date("2026-06-01T09:00:00Z");
    // the year's assessment exists after a first answer: the next ones are recorded in one statement
    expect((await app.pipeline.handleAccepted(textAt("No.1は達成", who, at))).intent).toBe("record_answer");
    const user = await db.prisma.user.findFirstOrThrow({ where: { platformUserId: "fence-answer" } });
    const key = "test:fence-answer";
    const record = (attempt: string, status: string) =>
      db.effects.during({ key, intent: "record_answer", orgId: user.orgId, attempt, at }, () =>
        db.walls.forOrg(user.orgId, () =>
          app.services.assessment.service.recordCurrent(user.orgId, at, { userId: user.id, orgId: user.orgId }, { channel: "console", at, deliveryId: "fence-answer" }, [{ no: 2, status }]),
        ),
      );
    await record("a", "achieved");
    await record("a", "not_applicable"); // the same attempt writing again counts
    await expect(record("b", "not_achieved")).rejects.toThrow(/another attempt/);
    expect((await db.prisma.answer.findFirstOrThrow({ where: { orgId: user.orgId, itemNo: 2 } })).status).toBe("not_applicable");
    expect(await events("fence-answer")).toBe(2);
    expect(await db.prisma.turnEffect.findUniqueOrThrow({ where: { key } })).toMatchObject({ attempt: "a", intent: "record_answer", orgId: user.orgId, writes: 2, at });
  });

  it("a seat booked, then the same delivery again: one booking, one seat taken", async () => {
    const who: Who = { user: "replay-book", org: "console:replay-b", orgName: "株式会社リプレイ" };
    const turn = textAt("第5回を予約", who);
    const first = await app.pipeline.handleAccepted(turn);
    expect(first.intent).toBe("session_book");
    const session = await db.prisma.session.findUniqueOrThrow({ where: { seriesNo: 5 } });
    expect(session.confirmedCount).toBe(1);
    const again = await app.pipeline.handleAccepted(turn);
    expect(again.reply.text).toContain(DONE_MARK);
    expect(await db.prisma.booking.count({ where: { sessionId: session.id } })).toBe(1);
    expect((await db.prisma.session.findUniqueOrThrow({ where: { seriesNo: 5 } })).confirmedCount).toBe(1);
  });

  it("a question worked out again is answered again (reads leave no mark)", async () => {
    const turn = textAt("No.116", { user: "replay-read", org: "console:replay-c" });
    const a = await app.pipeline.handleAccepted(turn);
    const b = await app.pipeline.handleAccepted(turn);
    expect(b.via).not.toBe("replay");
    expect(b.reply.text).toBe(a.reply.text);
    expect(await db.prisma.turnEffect.count({ where: { key: `console:${turn.deliveryId}` } })).toBe(0);
  });

  it("bookings answered together by one transaction (group commit): a refused attempt of the turn that opened the batch does not fail the others", async () => {
    const people = ["batch-a", "batch-b", "batch-c"];
    for (const user of people) await app.pipeline.handleAccepted(textAt("No.1", { user, org: `console:${user}` }));
    const actors = await Promise.all(
      people.map(async (user) => {
        const u = await db.prisma.user.findFirstOrThrow({ where: { platformUserId: user } });
        return { userId: u.id, orgId: u.orgId, platform: "console" as const };
      }),
    );
    // another attempt of the first person's delivery already changed data: this attempt is fenced
    const AT = new Date("2026-12-01T01:00:00Z");
    await db.effects.during({ key: "test:batch-a", intent: "session_book", attempt: "earlier", at: AT }, () =>
      db.prisma.processedDelivery.create({ data: { platform: "fence-batch", deliveryId: "batch-a-earlier" } }),
    );
    // all three join one batch: the first opens it, so the batch runs in the first one's async context
    const outcomes = await Promise.allSettled(
      actors.map((actor, i) => db.effects.during({ key: `test:batch-${"abc"[i]}`, intent: "session_book", at: AT }, () => app.services.booking.book(7, actor, {}, AT))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    const session = await db.prisma.session.findUniqueOrThrow({ where: { seriesNo: 7 } });
    expect(await db.prisma.booking.count({ where: { sessionId: session.id, status: "confirmed" } })).toBe(3);
    // a batch is no one turn's change: none of the three is marked by it
    expect(await db.prisma.turnEffect.count({ where: { key: { in: ["test:batch-b", "test:batch-c"] } } })).toBe(0);
  });

  it("two attempts of one delivery at once: the second one's change is refused and rolled back", async () => {
    const key = "test:fence-1";
    const AT = new Date("2026-12-01T01:02:03.456Z");
    const write = (deliveryId: string) => db.prisma.processedDelivery.create({ data: { platform: "fence", deliveryId } });
    await db.effects.during({ key, intent: "t", attempt: "a", at: AT }, async () => {
      await write("a1");
      await db.prisma.$transaction(async (tx) => {
        await tx.processedDelivery.create({ data: { platform: "fence", deliveryId: "a2" } });
      });
    });
    await expect(db.effects.during({ key, intent: "t", attempt: "b", at: AT }, () => write("b1"))).rejects.toThrow(/another attempt/);
    await expect(
      db.effects.during({ key, intent: "t", attempt: "b", at: AT }, () => db.prisma.$transaction(async (tx) => tx.processedDelivery.create({ data: { platform: "fence", deliveryId: "b2" } }))),
    ).rejects.toThrow(/another attempt/);
    expect((await db.prisma.processedDelivery.findMany({ where: { platform: "fence" }, orderBy: { id: "asc" } })).map((r) => r.deliveryId)).toEqual(["a1", "a2"]);
    expect(await db.prisma.turnEffect.findUniqueOrThrow({ where: { key } })).toMatchObject({ attempt: "a", writes: 2, at: AT });
    // reads and writes outside a turn's scope are not touched
    await write("free");
    expect(await db.prisma.turnEffect.count()).toBeGreaterThan(0);
  });

  it("through Slack and the inbox: the process dies after the answer was recorded, before it was stored; one audit row and one reply", async () => {
    server = await startServer(app, { port: 0, inboxIntervalMs: 300, delivery: { backoffMs: () => 100, minIntervalMs: 50 } });
    const real = app.pipeline.handleAccepted.bind(app.pipeline);
    let crashes = 0;
    // the test hook: the turn's data change is committed, then the work stops before the inbox stores the answer
    app.pipeline.handleAccepted = async (turn) => {
      const result = await real(turn);
      if (crashes++ === 0) throw new Error("simulated crash between the data change and the stored answer");
      return result;
    };
    const ev = dmEvent("No.117は達成", { user: "UREPLAY", team: "TREPLAY" });
    const raw = JSON.stringify(ev);
    const res = await fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: "POST", headers: { "content-type": "application/json", ...sign(raw) }, body: raw });
    expect(res.status).toBe(200);
    const posts = () => slack.posts().filter((c) => c.args.channel === "DUREPLAY");
    await until(() => posts().length > 0, "the answer after the replay", 30_000);
    await new Promise((r) => setTimeout(r, 1_000)); // a copy would arrive within this
    expect(crashes).toBe(2);
    expect(posts()).toHaveLength(1);
    expect(String(posts()[0].args.text)).toContain(DONE_MARK);
    const row = await db.prisma.inboxDelivery.findFirstOrThrow({ where: { deliveryId: { contains: ev.event.ts } } });
    expect(row.status).toBe("done");
    expect(await db.prisma.answerEvent.count({ where: { itemNo: 117, deliveryId: row.deliveryId } })).toBe(1);
    app.pipeline.handleAccepted = real;
  });
});
