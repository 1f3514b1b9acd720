// The inbox (src/inbox): a delivery is stored before it is acknowledged and worked out from the
// database. An instance that stops after acknowledging (killed, deployed over) leaves its rows to
// any other instance once its lease runs out; two instances never take one row; a transient
// database error after the acknowledgement means the answer comes later, not an apology. Real
// servers on one database (PGlite and PostgreSQL), signed Slack requests, the local Slack Web API.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb, openTestDb, type DbKind } from "../helpers/db.ts";
import { BOT_TOKEN, SIGNING_SECRET, dmEvent, sign, startFakeSlack, type FakeSlack } from "../helpers/slack.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import type { DbHandle } from "../../src/db/client.ts";
import { Inbox } from "../../src/inbox/inbox.ts";
import { createLogger } from "../../src/core/logger.ts";
import { textReply } from "../../src/core/reply.ts";
import { until } from "../helpers/wait.ts";
import { personalMessage, postActivity, startFakeConnector, visible, type FakeConnector } from "../helpers/teams.ts";
import { APOLOGY, NOT_PROCESSED } from "../../src/core/errors.ts";

const APOLOGY_MARK = APOLOGY;

describeEachDb("the inbox: every acknowledged delivery is answered exactly once", (kind: DbKind) => {
  let db: DbHandle;
  let slack: FakeSlack;
  let connector: FakeConnector;
  const instances: { app: TestApp; server: RunningServer }[] = [];

  /** One more bot instance on the shared database (its own inbox, lease 1.5 s, looks every 0.3 s). */
  const instance = async (inbox: { maxAttempts?: number } = {}) => {
    const app = await createTestApp(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, TEAMS_ENABLED: "true" },
      { db, dbKind: kind, inbox: { leaseMs: 1_500, exclusive: false, ...inbox } },
    );
    const server = await startServer(app, { port: 0, inboxIntervalMs: 300, delivery: { backoffMs: () => 100, minIntervalMs: 50 } });
    const i = { app, server };
    instances.push(i);
    return i;
  };
  const post = (server: RunningServer, body: unknown) => {
    const raw = JSON.stringify(body);
    return fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: "POST", headers: { "content-type": "application/json", ...sign(raw) }, body: raw });
  };
  /** The instance stops working (as if killed): nothing more is worked out, its leases are not renewed. */
  const freeze = async (i: { app: TestApp }) => {
    i.app.pipeline.handleAccepted = () => new Promise(() => {});
    await i.app.inbox.stop(0);
  };
  const postsTo = (channel: string) => slack.posts().filter((c) => c.args.channel === channel);

  beforeAll(async () => {
    db = await openTestDb(kind);
    slack = await startFakeSlack();
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    for (const i of instances) await Promise.race([i.server.close().then(() => i.app.close()), new Promise((r) => setTimeout(r, 3_000))]);
    await slack?.close();
    await connector?.close();
    await db?.close();
  });

  it("stores a delivery before the 200; an instance that stopped after it leaves it to another, which answers once", async () => {
    const a = await instance();
    // A stops right after acknowledging: the turn is never worked out there
    a.app.pipeline.handleAccepted = () => new Promise(() => {});
    const ev = dmEvent("No.115", { user: "UCRASH" });
    expect((await post(a.server, ev)).status).toBe(200);
    const row = await db.prisma.inboxDelivery.findFirst({ where: { deliveryId: { contains: ev.event.ts } } });
    expect(row).toMatchObject({ platform: "slack", status: "pending" });
    await freeze(a);
    expect(postsTo("DUCRASH")).toHaveLength(0);

    const b = await instance();
    await until(() => postsTo("DUCRASH").length > 0, "the answer from the other instance", 30_000);
    await new Promise((r) => setTimeout(r, 1_000)); // a copy would arrive within this
    const posts = postsTo("DUCRASH");
    expect(posts).toHaveLength(1);
    expect(String(posts[0].args.text)).toContain("No.115");
    expect(String(posts[0].args.text)).not.toContain(APOLOGY_MARK);
    const done = await db.prisma.inboxDelivery.findUniqueOrThrow({ where: { id: row!.id } });
    expect(done).toMatchObject({ status: "done", lockedBy: null });
    expect(Object.values(done.steps as Record<string, string>)).toEqual(["done"]);
    // once answered, no message text stays at rest: only the dedupe key and the status; the row
    // is walled to the person's organisation
    expect(done).toMatchObject({ turn: {}, destination: {}, reply: null });
    expect(JSON.stringify([done.turn, done.destination, done.reply])).not.toContain("No.115");
    const person = await db.prisma.user.findFirstOrThrow({ where: { platformUserId: "UCRASH" } });
    expect(done.orgId).toBe(person.orgId);
    await freeze(b);
  });

  it("two instances racing for the rows a stopped one left: each message is answered once", async () => {
    const a = await instance();
    a.app.pipeline.handleAccepted = () => new Promise(() => {});
    const users = Array.from({ length: 8 }, (_, i) => `URACE${i}`);
    for (const [i, user] of users.entries()) expect((await post(a.server, dmEvent(`No.${10 + i}`, { user }))).status).toBe(200);
    await freeze(a);
    await Promise.all([instance(), instance()]);
    await until(() => users.every((u) => postsTo(`D${u}`).length > 0), "every message answered", 60_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(users.map((u) => postsTo(`D${u}`).length)).toEqual(users.map(() => 1));
    // both instances were there to take them; whichever did, none was taken twice
    const taken = instances.slice(-2).flatMap((i) => i.app.logs.filter((l) => l.includes("inbox entry taken again")));
    expect(taken.length).toBe(users.length);
    for (const i of instances.slice(-2)) await freeze(i);
  });

  it("Teams: a message acknowledged by an instance that stopped is answered once by another, in reply to it", async () => {
    const a = await instance();
    a.app.pipeline.handleAccepted = () => new Promise(() => {});
    const activity = personalMessage("No.117", { serviceUrl: connector.url, aad: "cccccccc-0000-0000-0000-000000000003" });
    expect((await postActivity(a.server.port, activity)).status).toBe(200);
    expect(await db.prisma.inboxDelivery.count({ where: { platform: "teams", deliveryId: `${activity.conversation.id}|${activity.id}` } })).toBe(1);
    await freeze(a);
    const b = await instance();
    await until(() => connector.posts().length > 0, "the answer from the other instance", 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(connector.posts()).toHaveLength(1);
    expect(connector.posts()[0].conversationId).toBe(activity.conversation.id);
    expect(connector.posts()[0].replyToId).toBe(activity.id);
    expect(visible(connector.posts()[0])).toContain("No.117");
    await freeze(b);
  });

  it("a delivery that cannot be stored is not acknowledged (500, the platform sends it again), then answered once", async () => {
    const d = await instance();
    const accept = d.app.inbox.accept.bind(d.app.inbox);
    let refusals = 0;
    d.app.inbox.accept = async (turn, destination) => {
      if (refusals++ < 2) throw new Error("the database is unreachable");
      return accept(turn, destination);
    };
    const ev = dmEvent("No.119", { user: "UNOSTORE" });
    expect((await post(d.server, ev)).status).toBe(500);
    const activity = personalMessage("No.119", { serviceUrl: connector.url, aad: "dddddddd-0000-0000-0000-000000000004" });
    expect((await postActivity(d.server.port, activity)).status).toBe(500);
    expect(postsTo("DUNOSTORE")).toHaveLength(0);
    // the platforms' redeliveries, once the database is back
    expect((await post(d.server, ev)).status).toBe(200);
    expect((await postActivity(d.server.port, activity)).status).toBe(200);
    await until(() => postsTo("DUNOSTORE").length > 0 && connector.posts().some((p) => p.conversationId === activity.conversation.id), "both answers", 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(postsTo("DUNOSTORE")).toHaveLength(1);
    expect(connector.posts().filter((p) => p.conversationId === activity.conversation.id)).toHaveLength(1);
    await freeze(d);
  });

  it("a row whose holder renews its lease is not taken by another instance; once it stops, it is taken once", async () => {
    const log = createLogger("silent");
    let handled = 0;
    const handle = async () => (handled++, { reply: textReply("ok") });
    const holder = new Inbox(db.prisma, { log, handle, leaseMs: 600 });
    const other = new Inbox(db.prisma, { log, handle, leaseMs: 600 });
    const third = new Inbox(db.prisma, { log, handle, leaseMs: 600 });
    const delivered: string[] = [];
    for (const i of [other, third]) i.register("console", { deliver: async (e) => (delivered.push(e.id), { ok: true }) });
    holder.start(60_000); // renews the leases of what it holds
    const entry = await holder.accept({ platform: "console", deliveryId: `lease-${kind}`, org: { externalKey: "console:o" }, user: { platformUserId: "u" }, conversation: { key: "console:u", kind: "personal" }, input: { kind: "text", text: "x" }, receivedAt: new Date() }, null);
    expect(entry).not.toBeNull();
    // the same delivery again: refused as a redelivery
    expect(await other.accept({ ...entry!.turn }, null)).toBeNull();
    await new Promise((r) => setTimeout(r, 1_500)); // more than two leases: renewed meanwhile
    expect(await other.recover()).toBe(0);
    // the holder dies without finishing: after its lease, two instances look at once; one takes it
    await holder.stop(0);
    await new Promise((r) => setTimeout(r, 800));
    const [a, b] = await Promise.all([other.recover(), third.recover()]);
    expect(a + b).toBe(1);
    await until(() => delivered.length === 1, "the entry delivered");
    // the row is marked done just after its send returns: wait for that write, not a fixed time
    const row = () => db.prisma.inboxDelivery.findFirstOrThrow({ where: { deliveryId: `lease-${kind}` } });
    await until(async () => (await row()).status !== "replying", "the entry marked finished");
    expect(handled).toBe(1);
    expect(delivered).toHaveLength(1);
    expect(await row()).toMatchObject({ status: "done" });
    await Promise.all([other.stop(), third.stop()]);
  });

  it("a delivery that fails every attempt: the person is told once (Japanese first) to send it again, and the row ends failed", async () => {
    const e = await instance({ maxAttempts: 2 });
    let attempts = 0;
    e.app.pipeline.handleAccepted = async () => {
      attempts++;
      throw new Error("a turn that fails every time");
    };
    const ev = dmEvent("No.121", { user: "UGIVENUP" });
    expect((await post(e.server, ev)).status).toBe(200);
    await until(() => postsTo("DUGIVENUP").length > 0, "the apology", 30_000);
    await new Promise((r) => setTimeout(r, 1_500)); // a copy would arrive within this
    const posts = postsTo("DUGIVENUP");
    expect(posts).toHaveLength(1);
    const text = String(posts[0].args.text);
    expect(text).toContain(NOT_PROCESSED.split("\n")[0]);
    expect(text.indexOf("もう一度送信")).toBeLessThan(text.indexOf("send it again"));
    expect(attempts).toBe(2);
    const row = await db.prisma.inboxDelivery.findFirstOrThrow({ where: { deliveryId: { contains: ev.event.ts } } });
    expect(row).toMatchObject({ status: "failed", lockedBy: null, turn: {}, reply: null });
    expect(row.error).toContain("fails every time");
    // recovery does not take it again
    expect(await e.app.inbox.recover()).toBe(0);
    await freeze(e);
  });

  it("a transient database error after the acknowledgement: the answer comes later, without an apology", async () => {
    const c = await instance();
    const real = c.app.pipeline.handleAccepted.bind(c.app.pipeline);
    let failures = 0;
    // the pool could not start a transaction in time, longer than the turn's own retries
    c.app.pipeline.handleAccepted = async (turn) => {
      if (failures++ < 1) throw Object.assign(new Error("Unable to start a transaction in the given time."), { code: "P2028" });
      return real(turn);
    };
    const ev = dmEvent("No.120", { user: "UTRANSIENT" });
    expect((await post(c.server, ev)).status).toBe(200);
    await until(() => postsTo("DUTRANSIENT").length > 0, "the answer after the error", 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const posts = postsTo("DUTRANSIENT");
    expect(posts).toHaveLength(1);
    expect(String(posts[0].args.text)).toContain("No.120");
    expect(String(posts[0].args.text)).not.toContain(APOLOGY_MARK);
    expect(failures).toBe(2);
  });
});
