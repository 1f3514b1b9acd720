// Tenant walls in the database itself: row-level security keyed on the organisation set for the
// transaction, for the bot's role "jama_app". Probed straight at the database, as another company
// (or a missing orgId filter in the code) would: on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { describeEachDb, openTestDb, TEST_DATABASE_URL } from "../helpers/db.ts";
import { createScratchDatabase } from "../helpers/scratch-database.ts";
import { signIn, startWebHarness, type WebHarness } from "../helpers/web.ts";
import { openMigratedDb } from "../../src/db/client.ts";
import type { DbHandle } from "../../src/db/client.ts";
import type { Db } from "../../src/db/client.ts";
import { z } from "zod";
import { createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { defineIntent } from "../../src/core/intent.ts";
import { textReply } from "../../src/core/reply.ts";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

describeEachDb("tenant walls (row-level security)", (kind) => {
  let handle: DbHandle;
  let db: Db;
  const orgs: Record<"A" | "B", { orgId: string; userId: string; assessmentId: string }> = {} as never;

  beforeAll(async () => {
    handle = await openTestDb(kind);
    db = handle.prisma;
    for (const name of ["A", "B"] as const) {
      const org = await db.organization.create({ data: { externalKey: `test:${name}:${randomUUID()}`, platform: "console" } });
      const user = await db.user.create({ data: { orgId: org.id, platform: "console", platformUserId: `u-${name}` } });
      const a = await db.assessment.create({ data: { orgId: org.id, fiscalYear: 2026, guidelineVersion: "v2.2" } });
      await db.answer.create({ data: { assessmentId: a.id, orgId: org.id, itemNo: 115, status: "achieved", answeredById: user.id } });
      await db.answerEvent.create({ data: { assessmentId: a.id, orgId: org.id, itemNo: 115, actorId: user.id, channel: "console", kind: "set", newStatus: "achieved" } });
      await db.conversationRef.create({ data: { userId: user.id, orgId: org.id, platform: "console", conversationKey: `k-${name}`, reference: {} } });
      orgs[name] = { orgId: org.id, userId: user.id, assessmentId: a.id };
    }
  });
  afterAll(async () => handle?.close());

  /** Runs `fn` as the bot's role, with `org` set for this transaction only (or none). */
  const asBot = <T,>(org: string | null, fn: (tx: Tx) => Promise<T>) =>
    db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL ROLE jama_app");
      if (org) await tx.$queryRaw`SELECT set_config('app.org_id', ${org}, true)`;
      return fn(tx);
    });

  const counts = (tx: Tx) =>
    Promise.all([tx.organization.count(), tx.user.count(), tx.assessment.count(), tx.answer.count(), tx.answerEvent.count(), tx.conversationRef.count()]);

  it("the bot's role owns no table and cannot bypass row-level security", async () => {
    const [role] = await db.$queryRaw<{ rolbypassrls: boolean; rolsuper: boolean }[]>`SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'jama_app'`;
    expect(role).toEqual({ rolbypassrls: false, rolsuper: false });
    const owned = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_tables WHERE tableowner = 'jama_app'`;
    expect(Number(owned[0].n)).toBe(0);
    const unwalled = await db.$queryRaw<{ t: string }[]>`
      SELECT c.relname AS t FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'orgId'
      WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND NOT c.relrowsecurity`;
    expect(unwalled.map((r) => r.t)).toEqual([]);
  });

  it("with no organisation set, a query returns no rows", async () => {
    expect(await asBot(null, counts)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("organisation A's context never returns a B row, even without any orgId filter", async () => {
    const seen = await asBot(orgs.A.orgId, async (tx) => ({
      counts: await counts(tx),
      answers: await tx.answer.findMany(),
      byId: await tx.assessment.findUnique({ where: { id: orgs.B.assessmentId } }),
      orgs: await tx.organization.findMany(),
    }));
    expect(seen.counts).toEqual([1, 1, 1, 1, 1, 1]);
    expect(seen.answers.map((a) => a.orgId)).toEqual([orgs.A.orgId]);
    expect(seen.byId).toBeNull();
    expect(seen.orgs.map((o) => o.id)).toEqual([orgs.A.orgId]);
    // the setting ends with the transaction
    expect(await asBot(null, (tx) => tx.answer.count())).toBe(0);
    // the one-statement form (what the bench times): role and organisation in one round trip
    const one = await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT set_config('role', 'jama_app', true), set_config('app.org_id', ${orgs.B.orgId}, true)`;
      return tx.answer.findMany();
    });
    expect(one.map((a) => a.orgId)).toEqual([orgs.B.orgId]);
  });

  it("A can neither change B's rows nor write a row into B", async () => {
    const updated = await asBot(orgs.A.orgId, (tx) => tx.answer.updateMany({ where: { orgId: orgs.B.orgId }, data: { status: "not_achieved" } }));
    expect(updated.count).toBe(0);
    const insert = asBot(orgs.A.orgId, (tx) =>
      tx.answer.create({ data: { assessmentId: orgs.B.assessmentId, orgId: orgs.B.orgId, itemNo: 116, status: "achieved" } }),
    );
    await expect(insert).rejects.toThrow(/row-level security|policy/i);
    expect((await db.answer.findFirstOrThrow({ where: { orgId: orgs.B.orgId, itemNo: 115 } })).status).toBe("achieved");
    // its own rows it changes as before
    const own = await asBot(orgs.A.orgId, (tx) => tx.answer.updateMany({ where: { itemNo: 115 }, data: { note: "mine" } }));
    expect(own.count).toBe(1);
  });

  it("the audit trail is append-only: the bot adds events, and UPDATE or DELETE of one is refused", async () => {
    await asBot(orgs.A.orgId, (tx) =>
      tx.answerEvent.create({ data: { assessmentId: orgs.A.assessmentId, orgId: orgs.A.orgId, itemNo: 116, channel: "console", kind: "set", newStatus: "achieved" } }),
    );
    await expect(asBot(orgs.A.orgId, (tx) => tx.answerEvent.updateMany({ data: { newStatus: "not_achieved" } }))).rejects.toThrow(/permission denied/i);
    await expect(asBot(orgs.A.orgId, (tx) => tx.answerEvent.deleteMany({}))).rejects.toThrow(/permission denied/i);
    expect(await db.answerEvent.count({ where: { orgId: orgs.A.orgId } })).toBe(2);
  });

  it("a wish to be told of the session dates (SessionAlert, added later) has the same wall", async () => {
    for (const name of ["A", "B"] as const)
      await db.sessionAlert.create({ data: { orgId: orgs[name].orgId, userId: orgs[name].userId, platform: "console", lang: "ja", requestedAt: new Date("2026-12-01T00:00:00Z") } });
    const seen = await asBot(orgs.A.orgId, (tx) => tx.sessionAlert.findMany());
    expect(seen.map((r) => r.orgId)).toEqual([orgs.A.orgId]);
    expect(await asBot(null, (tx) => tx.sessionAlert.count())).toBe(0);
    const intoB = asBot(orgs.A.orgId, (tx) =>
      tx.sessionAlert.create({ data: { orgId: orgs.B.orgId, userId: randomUUID(), platform: "console", lang: "ja", requestedAt: new Date("2026-12-01T00:00:00Z") } }),
    );
    await expect(intoB).rejects.toThrow(/row-level security|policy/i);
    // the outbox worker's path (the tables' owner) sees both
    expect(await db.sessionAlert.count()).toBe(2);
  });

  it("the inbox's stored deliveries and the marks of turns that changed data (TurnEffect) have the same wall", async () => {
    for (const name of ["A", "B"] as const) {
      await db.inboxDelivery.create({ data: { platform: "console", deliveryId: `wall-${name}`, turn: { text: name }, destination: {}, receivedAt: new Date("2026-12-01T00:00:00Z"), orgId: orgs[name].orgId } });
      await db.turnEffect.create({ data: { key: `console:wall-${name}`, orgId: orgs[name].orgId, attempt: "a", intent: "t" } });
    }
    // a delivery whose organisation is not known yet: no company's turn sees it
    await db.inboxDelivery.create({ data: { platform: "console", deliveryId: "wall-unknown", turn: {}, destination: {}, receivedAt: new Date("2026-12-01T00:00:00Z") } });
    // the inbox runs as the tables' owner, outside turns: the walled role has no grant on it at all
    await expect(asBot(orgs.A.orgId, (tx) => tx.inboxDelivery.findMany())).rejects.toThrow(/permission denied/i);
    // and were it granted, the wall would still keep it to its own company's rows (rolled back)
    const walled = db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`GRANT SELECT ON "InboxDelivery" TO jama_app`);
      await tx.$executeRawUnsafe("SET LOCAL ROLE jama_app");
      await tx.$queryRaw`SELECT set_config('app.org_id', ${orgs.A.orgId}, true)`;
      const rows = await tx.inboxDelivery.findMany({ select: { deliveryId: true } });
      throw Object.assign(new Error("rolled back"), { rows });
    });
    const seen = await walled.catch((e: { rows?: { deliveryId: string }[] }) => e.rows);
    expect(seen?.map((r) => r.deliveryId)).toEqual(["wall-A"]);
    // TurnEffect is written by the turns themselves, as the walled role: its own company only
    expect((await asBot(orgs.A.orgId, (tx) => tx.turnEffect.findMany())).map((r) => r.orgId)).toEqual([orgs.A.orgId]);
    const intoB = asBot(orgs.A.orgId, (tx) => tx.turnEffect.create({ data: { key: "console:wall-x", orgId: orgs.B.orgId, attempt: "a", intent: "t" } }));
    await expect(intoB).rejects.toThrow(/row-level security|policy/i);
    expect(await db.inboxDelivery.count({ where: { deliveryId: { startsWith: "wall-" } } })).toBe(3);
  });

  it("the tables' owner (the cross-company path) still sees every company", async () => {
    expect(await db.answer.count()).toBe(2);
    expect(await db.organization.count({ where: { id: { in: [orgs.A.orgId, orgs.B.orgId] } } })).toBe(2);
  });
});

// The walls at run time: what a turn's handler sends, on PostgreSQL, runs as jama_app with the
// turn's organisation; the narrow path across companies sees everyone. PGlite runs without them.
describeEachDb("tenant walls around a turn", (kind) => {
  let app: TestApp;
  const A = { org: "slack:TWALLA", user: "UA1", platform: "slack" as const, conversation: "slack:DWA1" };
  const B = { org: "slack:TWALLB", user: "UB1", platform: "slack" as const, conversation: "slack:DWB1" };
  // a handler that "forgets" every orgId filter, as a bug would
  const careless = defineIntent({
    name: "careless_probe",
    description: { ja: "テスト用", en: "test only: reads without any orgId filter" },
    examples: { ja: [], en: [] },
    params: z.object({}).passthrough(),
    match: (text) => (text === "probe everything" ? {} : null),
    handle: async (_p, ctx) => {
      const db = ctx.services.db;
      const seen = {
        answers: (await db.answer.findMany()).map((a) => a.orgId),
        events: await db.answerEvent.count(),
        assessments: await db.assessment.count(),
        orgs: await db.organization.count(),
        users: await db.user.count(),
        raw: Number((await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Answer"`)[0].n),
        inTx: await db.$transaction(async (tx) => tx.answer.count()),
        across: await ctx.services.walls.acrossCompanies(() => db.answer.count()),
      };
      return textReply(JSON.stringify(seen));
    },
  });
  const probe = async (who: typeof A) => JSON.parse((await app.pipeline.handle(textTurn("probe everything", who)))!.reply.text);

  beforeAll(async () => {
    app = await createTestApp({}, { dbKind: kind, extraIntents: [careless] });
    await app.pipeline.handle(textTurn("No.115は達成", A));
    await app.pipeline.handle(textTurn("No.116は未達成", A));
    await app.pipeline.handle(textTurn("No.115は達成", B));
  });
  afterAll(async () => app?.close());

  it("a handler that forgets the orgId filter still sees only its own company on PostgreSQL", async () => {
    const orgA = await app.services.db.organization.findUniqueOrThrow({ where: { externalKey: A.org } });
    const seen = await probe(A);
    if (kind === "postgres") {
      expect(app.services.walls.enforced).toBe(true);
      expect(seen.answers.length).toBeGreaterThanOrEqual(2);
      expect(new Set(seen.answers)).toEqual(new Set([orgA.id]));
      expect(seen.orgs).toBe(1);
      expect(seen.users).toBe(1);
      expect(seen.assessments).toBe(1);
      expect(seen.raw).toBe(seen.answers.length);
      expect(seen.inTx).toBe(seen.answers.length);
      expect(seen.events).toBe(2);
      // the narrow path, taken on purpose, sees both companies
      expect(seen.across).toBeGreaterThan(seen.answers.length);
      // and B's turn sees B's answer only
      const seenB = await probe(B);
      expect(seenB.answers.length).toBeGreaterThanOrEqual(1);
      expect(seenB.answers).not.toContain(orgA.id);
    } else {
      // the embedded single-company database runs without the walls: the filters do the work
      expect(app.services.walls.enforced).toBe(false);
      expect(new Set(seen.answers).size).toBe(2);
    }
  });

  it("turns of two companies at the same moment each stay behind their own wall", async () => {
    const orgA = await app.services.db.organization.findUniqueOrThrow({ where: { externalKey: A.org } });
    const orgB = await app.services.db.organization.findUniqueOrThrow({ where: { externalKey: B.org } });
    const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => probe(i % 2 ? B : A)));
    if (kind !== "postgres") return;
    runs.forEach((seen, i) => expect(new Set(seen.answers)).toEqual(new Set([i % 2 ? orgB.id : orgA.id])));
  });

  it("recording, undoing and progress work behind the walls; the anonymous average still counts every company", async () => {
    const rec = await app.pipeline.handle(textTurn("No.1は達成", A));
    expect(rec!.intent).toBe("record_answer");
    const orgA = await app.services.db.organization.findUniqueOrThrow({ where: { externalKey: A.org } });
    expect((await app.services.db.answer.findFirstOrThrow({ where: { orgId: orgA.id, itemNo: 1 } })).status).toBe("achieved");
    const progress = await app.pipeline.handle(textTurn("進捗", A));
    expect(progress!.intent).toBe("show_progress");
    const { fiscalYear } = await app.services.db.assessment.findFirstOrThrow({ where: { orgId: orgA.id } });
    const service = app.services.assessment.service;
    const averages = await app.services.walls.forOrg(orgA.id, () => service.deploymentAverages(fiscalYear));
    const counted = await service.deploymentAverages(fiscalYear);
    expect(counted.orgs).toBe(2);
    expect(averages.orgs).toBe(counted.orgs);
  });
});

// A connecting role that may not become jama_app: the start stops and says what to do, rather than
// serving turns that would all fail (or run unwalled).
describe.skipIf(!TEST_DATABASE_URL)("tenant walls need the right to switch to jama_app [postgres]", () => {
  it("stops the start with a clear message, and starts with TENANT_WALLS=off", async () => {
    const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    const role = `jama_probe_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const admin = async (url: string, sql: string) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    try {
      await (await openMigratedDb({ databaseUrl: scratch.url, dataDir: "memory://" })).close();
      await admin(scratch.url, `CREATE ROLE ${role} LOGIN`);
      await admin(scratch.url, `GRANT SELECT ON "_prisma_migrations" TO ${role}`);
      const url = new URL(scratch.url);
      url.username = role;
      await expect(openMigratedDb({ databaseUrl: url.toString(), dataDir: "memory://" })).rejects.toThrow(/jama_app.*GRANT jama_app TO.*TENANT_WALLS=off/s);
      const off = await openMigratedDb({ databaseUrl: url.toString(), dataDir: "memory://", tenantWalls: false });
      expect(off.walls.enforced).toBe(false);
      await off.close();
    } finally {
      await scratch.drop();
      await admin(TEST_DATABASE_URL!, `DROP ROLE IF EXISTS ${role}`);
    }
  });
});

describeEachDb("tenant walls around the web console's company pages", (kind) => {
  let h: WebHarness;
  beforeAll(async () => {
    h = await startWebHarness({}, kind);
  }, 180_000);
  afterAll(async () => h?.close());

  it("runs the company's pages in its organisation's scope; the suppliers' page (across companies) outside it", async () => {
    const who = { org: "console:walled-web", user: "wendy" };
    const c = await signIn(h, who);
    const org = await h.app.services.db.organization.findUniqueOrThrow({ where: { externalKey: who.org } });
    const walls = h.app.services.walls;
    const scopes: string[] = [];
    const forOrg = walls.forOrg.bind(walls);
    walls.forOrg = (orgId, fn) => {
      scopes.push(orgId);
      return forOrg(orgId, fn);
    };
    expect((await c.get(`/web/o/${org.id}/`)).status).toBe(200);
    expect((await c.get(`/web/o/${org.id}/sheet`)).status).toBe(200);
    expect(scopes).toEqual([org.id, org.id]);
    expect((await c.get(`/web/o/${org.id}/suppliers`)).status).toBe(200);
    expect(scopes).toHaveLength(2);
  });
});

describeEachDb("tenant walls and the shared waitlists", (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({}, { dbKind: kind });
  });
  afterAll(async () => app?.close());

  it("a walled turn still counts every company's waitlist (a count, never whose)", async () => {
    const db = app.services.db;
    const startsAt = new Date("2030-06-01T01:00:00Z");
    const session = await db.session.create({
      data: { seriesNo: 950, title: "walls", startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), format: "online", capacity: 1, confirmedCount: 1 },
    });
    const people: Record<string, { orgId: string; userId: string }> = {};
    for (const name of ["B1", "B2", "A1"]) {
      const org = await db.organization.upsert({ where: { externalKey: `console:wl-${name[0]}` }, create: { externalKey: `console:wl-${name[0]}`, platform: "console" }, update: {} });
      const user = await db.user.create({ data: { orgId: org.id, platform: "console", platformUserId: `wl-${name}` } });
      people[name] = { orgId: org.id, userId: user.id };
    }
    await db.booking.create({ data: { sessionId: session.id, orgId: people.B1.orgId, userId: people.B1.userId, status: "confirmed", platform: "console" } });
    await db.booking.create({ data: { sessionId: session.id, orgId: people.B2.orgId, userId: people.B2.userId, status: "waitlisted", platform: "console", queuedAt: new Date("2030-01-01T00:00:00Z") } });
    await db.booking.create({ data: { sessionId: session.id, orgId: people.A1.orgId, userId: people.A1.userId, status: "waitlisted", platform: "console", queuedAt: new Date("2030-01-02T00:00:00Z") } });
    const now = new Date("2030-05-01T00:00:00Z");
    const seen = await app.services.walls.forOrg(people.A1.orgId, async () => ({
      mine: await app.services.booking.myBookings(people.A1.userId, now),
      list: await app.services.booking.listSessions(now),
      // what the walls themselves let through: A's own booking only (on PostgreSQL)
      rows: await db.booking.count({ where: { sessionId: session.id } }),
    }));
    expect(seen.mine.map((m) => m.position)).toEqual([2]);
    expect(seen.list.find((s) => s.seriesNo === 950)?.waitlisted).toBe(2);
    expect(seen.rows).toBe(kind === "postgres" ? 1 : 3);
  });
});
