// 200 first contacts at once (new people of new companies): 200 right answers, no apology. A
// transient database error (a transaction that could not start in time, a lost race) is retried
// for the turn, never answered with an apology.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import { until } from "../helpers/wait.ts";

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
  }, 180_000);

  it("retries a first contact whose transaction could not start in time (pool busy), instead of apologising", async () => {
    // every connection of the pool held by a long transaction: Prisma gives up starting another after 2 s
    let holding = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const holders = Array.from({ length: kind === "postgres" ? 10 : 1 }, () =>
      app.services.db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        holding++;
        await released;
      }, { timeout: 20_000, maxWait: 20_000 }),
    );
    // the turn starts only once every connection is really held (a busy machine is slow to open them)
    await until(() => holding === holders.length, "every connection held", 15_000);
    // held for 3.5 s from now: longer than Prisma waits to start the turn's transaction (2 s)
    setTimeout(release, 3_500);
    const r = await app.pipeline.handle(textTurn("No.115", { org: "slack:TBUSY", user: "UBUSY", platform: "slack", conversation: "slack:DBUSY" }));
    await Promise.all(holders);
    expect(r!.intent).not.toBe("error");
    expect(r!.reply.text).toContain("No.115");
    // Whether the turn meets P2028 and is retried, or its connection request simply waits in the
    // driver's pool, depends on timing; either way it must be answered, never with an apology.
    // (Which errors count as transient: test/unit/booking-data.test.ts.)
  }, 120_000);
});
