// What a careless or hostile user types, through the real pipeline and recogniser on PGlite and
// PostgreSQL: malformed item numbers, invisible characters, control characters, half-remembered
// commands and forged buttons. Each case once changed data it should not have, crashed the turn
// or answered with a message about a button nobody pressed; each expects a polite answer and
// nothing changed.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import type { Turn } from "../../src/core/turn.ts";

type Who = Parameters<typeof textTurn>[1];

describeEachDb("hostile input", (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ SECRETARIAT_USERS: "console:secretary" }, { dbKind: kind });
  });
  afterAll(async () => app?.close());

  const run = async (turn: Turn) => (await app.pipeline.handle(turn))!;
  const say = (text: string, who: Who = {}) => run(textTurn(text, who));
  const db = () => app.services.db;
  const answers = async (org: string) => {
    const o = await db().organization.findUnique({ where: { externalKey: org } });
    if (!o) return {};
    const rows = await db().answer.findMany({ where: { orgId: o.id }, orderBy: { itemNo: "asc" } });
    return Object.fromEntries(rows.map((r) => [r.itemNo, r.status]));
  };

  it("never reads 「No.」 followed by something that is not a number, or a bare 「no.」, as 未達成 for the item on screen", async () => {
    const who = { org: "console:no-dot", user: "kimura" };
    await say("No.115", who); // the item on screen
    for (const text of ["No.-1", "No.abc", "No.#1", "No.+1", "No.", "no.", "No. abc", "n.", "x."]) {
      const r = await say(text, who);
      expect(r.intent, text).not.toBe("record_answer");
      expect(await answers("console:no-dot"), text).toEqual({});
    }
    // the real answers still work
    await say("115 no", who);
    await say("No.116 ×", who);
    expect(await answers("console:no-dot")).toEqual({ 115: "not_achieved", 116: "not_achieved" });
  });
});
