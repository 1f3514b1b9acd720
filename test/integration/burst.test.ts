// 200 first contacts at once (new people of new companies): 200 right answers, no apology. A
// transient database error (a transaction that could not start in time, a lost race) is retried
// for the turn, never answered with an apology.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";

describeEachDb("a burst of first contacts", (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({}, { dbKind: kind });
  });
  afterAll(async () => app?.close());

  it("answers 200 simultaneous first contacts of 200 new companies, with no apology", async () => {
    const turns = Array.from({ length: 200 }, (_, i) => textTurn("No.115", { org: `slack:TBURST${i}`, user: `UBURST${i}`, platform: "slack", conversation: `slack:DBURST${i}` }));
    const results = await Promise.all(turns.map((t) => app.pipeline.handle(t)));
    const errors = results.filter((r) => !r || r.intent === "error");
    expect(errors).toHaveLength(0);
    expect(results.every((r) => r!.reply.text.includes("No.115"))).toBe(true);
    expect(await app.services.db.organization.count({ where: { externalKey: { startsWith: "slack:TBURST" } } })).toBe(200);
  });

  it("retries a first contact whose transaction could not start in time (pool busy), instead of apologising", async () => {
    // every connection of the pool held by a long transaction: Prisma gives up starting another after 2 s
    const holders = Array.from({ length: kind === "postgres" ? 10 : 1 }, () =>
      app.services.db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        await new Promise((r) => setTimeout(r, 3_500));
      }, { timeout: 10_000 }),
    );
    await new Promise((r) => setTimeout(r, 200));
    const r = await app.pipeline.handle(textTurn("No.115", { org: "slack:TBUSY", user: "UBUSY", platform: "slack", conversation: "slack:DBUSY" }));
    await Promise.all(holders);
    expect(r!.intent).not.toBe("error");
    expect(r!.reply.text).toContain("No.115");
    // PostgreSQL meets the busy pool (P2028) and retries; PGlite queues the transaction instead
    if (kind === "postgres") expect(app.logs.some((l) => l.includes("transient database error, turn retried"))).toBe(true);
  });
});
