// Turns through the real pipeline: recogniser, intents, knowledge base and database.
import { afterAll, beforeAll, expect, it } from "vitest";
import { actionTurn, createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import type { Reply } from "../../src/core/reply.ts";
import { MAX_TEXT_LENGTH } from "../../src/core/pipeline.ts";

function itemNos(reply: Reply): number[] {
  return reply.blocks.flatMap((b) => (b.type === "item" ? [b.card.no] : []));
}

describeEachDb("pipeline", (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({}, { dbKind: kind });
  });
  afterAll(async () => app?.close());
  // each test talks in its own conversation unless it says otherwise (language and context are per conversation)
  const say = async (text: string, who: Parameters<typeof textTurn>[1] = {}) =>
    (await app.pipeline.handle(textTurn(text, { conversation: `console:${expect.getState().currentTestName}`, ...who })))!;

  it("answers help in Japanese and English with example phrases", async () => {
    for (const q of ["ヘルプ", "help", "使い方を教えて", "何ができる？"]) {
      const r = await say(q, { conversation: "console:help" });
      expect(r.intent).toBe("help");
      expect(r.reply.text).toMatch(/チェックシート/);
      expect(r.reply.text).toMatch(/check sheet/);
    }
  });

  it("shows the item card for every way of writing an item number", async () => {
    for (const q of ["No.115", "115番は？", "項目115って何？", "ＮＯ．１１５", "What does item 115 require?", "115"]) {
      const r = await say(q);
      expect(r.intent, q).toBe("show_item");
      expect(itemNos(r.reply), q).toEqual([115]);
    }
    // the English question made English this person's language; someone else still reads Japanese
    const card = (await say("No.115", { conversation: "console:fresh", user: "bob" })).reply.blocks.find((b) => b.type === "item");
    expect(card?.type === "item" && card.card.levelLabel).toBe("レベル1");
    await say("日本語で");
  });

  it("says plainly when an item number does not exist, and when its content is not known", async () => {
    const out = await say("No.200");
    expect(out.reply.text).toContain("No.200");
    expect(out.reply.text).toContain("No.1〜No.153");
    const zero = await say("0番");
    expect(zero.reply.text).toContain("No.1〜No.153");
    const unknown = await say("No.8");
    const card = unknown.reply.blocks.find((b) => b.type === "item");
    expect(card?.type === "item" && card.card.status).toBe("unknown");
    expect(JSON.stringify(unknown.reply)).toContain("kb:import");
    expect(JSON.stringify(unknown.reply)).not.toMatch(/レベル[123]」/);
  });

  it("keeps the item in context for follow-ups in the same conversation", async () => {
    const who = { conversation: "console:followups" };
    await say("No.124", who);
    const achieved = await say("その達成条件は？", who);
    expect(achieved.reply.text).toContain("No.124");
    expect(achieved.reply.text).toContain("当方の解釈");
    const next = await say("次の項目", who);
    expect(itemNos(next.reply)).toEqual([125]);
    const related = await say("関連する項目は？", who);
    expect(related.reply.text).toContain("No.125");
    // another conversation has its own context
    const other = await say("次の項目", { conversation: "console:elsewhere" });
    expect(itemNos(other.reply)).toEqual([]);
  });

  it("answers in English when asked in English", async () => {
    const who = { conversation: "console:english", user: "emma" };
    const r = await say("item 148", who);
    const card = r.reply.blocks.find((b) => b.type === "item");
    expect(card?.type === "item" && card.card.levelLabel).toBe("Level 1");
    // a message with no language of its own ("149") keeps the person's language
    const next = await say("149", who);
    const card2 = next.reply.blocks.find((b) => b.type === "item");
    expect(card2?.type === "item" && card2.card.levelLabel).toBe("Level 1");
    const ja = await say("150番は？", who);
    const card3 = ja.reply.blocks.find((b) => b.type === "item");
    expect(card3?.type === "item" && card3.card.levelLabel).toBe("レベル1");
  });

  it("lists a level a page at a time and continues with 次のページ", async () => {
    const who = { conversation: "console:lists" };
    const first = await say("レベル1の一覧", who);
    expect(first.intent).toBe("list_items");
    expect(first.reply.text).toContain("1/5");
    const second = await say("次のページ", who);
    expect(second.reply.text).toContain("2/5");
  });

  it("lists an area named outright: ID・認証の項目, バックアップの項目は?", async () => {
    const id = await say("ID・認証の項目");
    expect(id.intent).toBe("list_items");
    expect(JSON.stringify(id.reply)).toContain("No.115");
    const backup = await say("バックアップの項目は？");
    expect(backup.intent).toBe("list_items");
    expect(JSON.stringify(backup.reply)).toMatch(/No\.148[\s\S]*No\.153/);
    // a question that only mentions the topic is still a question for the knowledge base
    expect((await say("バックアップを遠隔地に保管")).intent).toBe("ask");
  });

  it("treats buttons as untrusted: unknown intents and bad parameters change nothing and get a polite answer", async () => {
    for (const turn of [
      actionTurn("drop_database", {}),
      actionTurn("show_item", { nos: "115; DROP TABLE" }),
      actionTurn("show_item", { nos: [115], extra: true }),
      { ...textTurn(""), input: { kind: "action" as const, action: null } },
    ]) {
      const r = (await app.pipeline.handle(turn))!;
      expect(r.reply.text).toContain("読み取れませんでした");
      expect(r.reply.text).toContain("Nothing was changed");
    }
    const ok = (await app.pipeline.handle(actionTurn("show_item", { nos: [116] })))!;
    expect(itemNos(ok.reply)).toEqual([116]);
  });

  it("refuses oversized text politely without processing it", async () => {
    const r = await say("あ".repeat(MAX_TEXT_LENGTH + 1));
    expect(r.via).toBe("too-long");
    expect(r.reply.text).toContain(String(MAX_TEXT_LENGTH));
  });

  it("answers a delivery once: the same delivery id again is dropped", async () => {
    const turn = { ...textTurn("No.115"), deliveryId: `dup-${kind}` };
    const first = await app.pipeline.handle(turn);
    const second = await app.pipeline.handle({ ...turn, receivedAt: new Date() });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
  });

  it("creates one organisation per workspace on first contact; its first user is its admin", async () => {
    await say("ヘルプ", { org: "slack:TNEW", user: "U1", platform: "slack" });
    await say("ヘルプ", { org: "slack:TNEW", user: "U2", platform: "slack" });
    await say("ヘルプ", { org: "slack:TOTHER", user: "U1", platform: "slack" });
    const orgs = await app.services.db.organization.findMany({ where: { externalKey: { in: ["slack:TNEW", "slack:TOTHER"] } }, include: { users: true } });
    expect(orgs).toHaveLength(2);
    const tnew = orgs.find((o) => o.externalKey === "slack:TNEW")!;
    expect(tnew.users.map((u) => [u.platformUserId, u.role]).sort()).toEqual([["U1", "admin"], ["U2", "member"]]);
    // the same Slack user id in another workspace is another person in another organisation
    expect(orgs.find((o) => o.externalKey === "slack:TOTHER")!.users).toHaveLength(1);
  });

  it("logs errors as JSON with the turn's context and apologises without a stack trace", async () => {
    const broken = app.recognizer.intent("help")!;
    const original = broken.handle;
    broken.handle = async () => {
      throw new Error("boom xoxb-secret-token-123");
    };
    try {
      const r = await say("ヘルプ");
      expect(r.reply.text).toContain("申し訳ありません");
      expect(r.reply.text).not.toContain("boom");
      const line = app.logs.map((l) => JSON.parse(l)).find((l) => l.msg === "turn failed");
      expect(line).toMatchObject({ level: "error", platform: "console" });
      expect(JSON.stringify(line)).not.toContain("xoxb-secret");
    } finally {
      broken.handle = original;
    }
  });
});

describeEachDb("dedupe inbox", (kind) => {
  it("forgets deliveries older than a day, so a very late copy would be processed again", async () => {
    const { openTestDb } = await import("../helpers/db.ts");
    const { pruneDeliveries } = await import("../../src/core/dedupe.ts");
    const { TurnRows } = await import("../../src/core/turn-rows.ts");
    const db = await openTestDb(kind);
    const rows = new TurnRows(db.prisma);
    const claimDelivery = (_db: unknown, platform: string, id: string) => rows.claim(platform, id, new Date("2026-12-01T10:00:00Z"));
    try {
      expect(await claimDelivery(db.prisma, "slack", "old")).toBe(true);
      expect(await claimDelivery(db.prisma, "slack", "new")).toBe(true);
      const now = new Date("2026-12-01T10:00:00Z");
      await db.prisma.processedDelivery.updateMany({ where: { deliveryId: "old" }, data: { receivedAt: new Date(now.getTime() - 2 * 86_400_000) } });
      await db.prisma.processedDelivery.updateMany({ where: { deliveryId: "new" }, data: { receivedAt: new Date(now.getTime() - 3_600_000) } });
      expect(await pruneDeliveries(db.prisma, now)).toBe(1);
      expect(await claimDelivery(db.prisma, "slack", "new")).toBe(false);
      expect(await claimDelivery(db.prisma, "slack", "old")).toBe(true);
    } finally {
      await db.close();
    }
  });
});
