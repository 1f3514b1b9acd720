// The rows around every turn, one statement for the turns arriving together (src/core/turn-rows.ts),
// on PGlite and PostgreSQL: a delivery is claimed once however its copies arrive, the speaker and
// their state are read as stored, and simultaneous saves keep one row per conversation and person.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb, openTestDb } from "../helpers/db.ts";
import { TurnRows } from "../../src/core/turn-rows.ts";
import type { DbHandle } from "../../src/db/client.ts";
import { actionTurn, createTestApp } from "../helpers/app.ts";

const AT = new Date("2026-06-01T09:00:00Z");

describeEachDb("turn rows", (kind) => {
  let db: DbHandle;
  let rows: TurnRows;
  let org: { id: string };
  let user: { id: string };
  beforeAll(async () => {
    db = await openTestDb(kind);
    rows = new TurnRows(db.prisma);
    org = await db.prisma.organization.create({ data: { externalKey: "slack:TROWS", platform: "slack", name: "行の会社" } });
    user = await db.prisma.user.create({ data: { orgId: org.id, platform: "slack", platformUserId: "UROWS", displayName: "山田", role: "admin", locale: "en" } });
  });
  afterAll(async () => db?.close());

  it("claims a delivery once when its copies arrive together, and never again", async () => {
    const claims = await Promise.all([1, 2, 3].map(() => rows.claim("slack", "Ev-same", AT)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(claims[0]).toBe(true);
    expect(await rows.claim("slack", "Ev-same", AT)).toBe(false);
    expect(await rows.claim("teams", "Ev-same", AT)).toBe(true); // another platform's id space
    const stored = await db.prisma.processedDelivery.findFirstOrThrow({ where: { platform: "slack", deliveryId: "Ev-same" } });
    expect(stored.receivedAt.toISOString()).toBe(AT.toISOString()); // the turn's clock
  });

  it("reads the speaker, their conversation's state and an earlier attempt's change in one go, each turn its own", async () => {
    await rows.save("slack:DROWS", user.id, org.id, { lastItemNo: 115, lastQuestion: "バックアップの項目は？" }, AT);
    await db.prisma.turnEffect.create({ data: { key: "slack:Ev-done", attempt: "a1", intent: "session_book", orgId: org.id } });
    const [known, elsewhere, stranger, newOrg] = await Promise.all([
      rows.lookup({ orgKey: "slack:TROWS", platform: "slack", platformUserId: "UROWS", conversationKey: "slack:DROWS", effectKey: "slack:Ev-done" }),
      rows.lookup({ orgKey: "slack:TROWS", platform: "slack", platformUserId: "UROWS", conversationKey: "slack:COTHER", effectKey: "slack:Ev-new" }),
      rows.lookup({ orgKey: "slack:TROWS", platform: "slack", platformUserId: "UNEW", conversationKey: "slack:DROWS" }),
      rows.lookup({ orgKey: "slack:TNOBODY", platform: "slack", platformUserId: "UROWS", conversationKey: "slack:DROWS" }),
    ]);
    expect(known).toEqual({
      org: { id: org.id, name: "行の会社" },
      user: { id: user.id, platform: "slack", platformUserId: "UROWS", displayName: "山田", role: "admin", locale: "en", timeZone: null },
      state: { lastItemNo: 115, lastQuestion: "バックアップの項目は？" },
      earlierEffect: "session_book",
    });
    expect(elsewhere.state).toBeUndefined();
    expect(elsewhere.earlierEffect).toBeUndefined();
    expect(stranger.org?.id).toBe(org.id);
    expect(stranger.user).toBeUndefined(); // someone new: resolveCaller makes their row
    expect(newOrg).toEqual({ org: undefined, user: undefined, state: undefined, earlierEffect: undefined });
  });

  it("keeps one row per conversation and person when saves arrive together, the later one winning", async () => {
    await Promise.all([
      rows.save("slack:DSAVE", user.id, org.id, { lastItemNo: 1 }, AT),
      rows.save("slack:DSAVE2", user.id, org.id, { lastItemNo: 2 }, AT),
      rows.save("slack:DSAVE", user.id, org.id, { lastItemNo: 3 }, new Date(AT.getTime() + 1000)),
    ]);
    const saved = await db.prisma.conversationState.findMany({ where: { conversationKey: { startsWith: "slack:DSAVE" } }, orderBy: { conversationKey: "asc" } });
    expect(saved.map((s) => [s.conversationKey, s.data, s.updatedAt.toISOString()])).toEqual([
      ["slack:DSAVE", { lastItemNo: 3 }, new Date(AT.getTime() + 1000).toISOString()],
      ["slack:DSAVE2", { lastItemNo: 2 }, AT.toISOString()],
    ]);
  });
});

describeEachDb("a known person's changes", (kind) => {
  it("takes the longer way when the platform gives a new name, time zone or company name, and stores them", async () => {
    const app = await createTestApp({}, { dbKind: kind });
    try {
      const who = { org: "TRENAME", user: "URENAME", conversation: "slack:DRENAME", platform: "slack" as const };
      const say = (name: string, timeZone: string, orgName: string) => {
        const t = actionTurn("show_item", { nos: [1] }, who);
        return app.pipeline.handle({ ...t, user: { ...t.user, name, timeZone }, org: { ...t.org, name: orgName } });
      };
      const stored = () => app.services.db.user.findFirstOrThrow({ where: { platformUserId: "URENAME" }, include: { org: true } });
      await say("山田", "Asia/Tokyo", "旧社名");
      // each change on its own: one would otherwise take the longer way for the other
      await say("山田 太郎", "Asia/Tokyo", "旧社名");
      expect((await stored()).displayName).toBe("山田 太郎");
      await say("山田 太郎", "America/Detroit", "旧社名");
      expect((await stored()).timeZone).toBe("America/Detroit");
      await say("山田 太郎", "America/Detroit", "新社名");
      expect((await stored()).org.name).toBe("新社名");
    } finally {
      await app.close();
    }
  });
});

describeEachDb("turns arriving together", (kind) => {
  it("answers each of many simultaneous turns, new and known people alike, and keeps each one's conversation", async () => {
    const app = await createTestApp({}, { dbKind: kind });
    try {
      const who = (i: number) => ({ org: `TTOGETHER${i % 7}`, user: `UTOGETHER${i}`, conversation: `slack:DTOGETHER${i}`, platform: "slack" as const });
      // half of them spoke before (known), the other half arrive for the first time in the burst
      for (let i = 0; i < 40; i += 2) await app.pipeline.handle(actionTurn("show_item", { nos: [1] }, who(i)));
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => app.pipeline.handle(actionTurn("show_item", { nos: [100 + i] }, who(i)))));
      expect(results.map((r) => r?.intent)).toEqual(Array(40).fill("show_item"));
      expect(results.every((r) => r!.reply.text.includes(`No.${100 + results.indexOf(r)}`))).toBe(true);
      const states = await app.services.db.conversationState.findMany({ where: { conversationKey: { startsWith: "slack:DTOGETHER" } } });
      expect(states).toHaveLength(40);
      for (const s of states) expect((s.data as { lastItemNo?: number }).lastItemNo).toBe(100 + Number(s.conversationKey.replace("slack:DTOGETHER", "")));
      // each organisation's first person is its admin, however many arrived together
      const admins = await app.services.db.user.groupBy({ by: ["orgId"], where: { role: "admin", platformUserId: { startsWith: "UTOGETHER" } }, _count: { _all: true } });
      expect(admins.map((a) => a._count._all)).toEqual(Array(7).fill(1));
    } finally {
      await app.close();
    }
  });
});
