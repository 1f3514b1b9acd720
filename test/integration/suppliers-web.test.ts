// The buyer's suppliers in the web console, over the real HTTP server: the page and its exports
// show what chat shows and only what consent covers; another company gets 403 and nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../helpers/db.ts";
import { actionTurn, textTurn } from "../helpers/app.ts";
import { replyChoices } from "../../src/core/reply.ts";
import { signIn, startWebHarness, text, type WebHarness } from "../helpers/web.ts";

const BUYER = { org: "console:web-buyer", user: "buyer" };
const SUP = { org: "console:web-supplier", user: "sup" };
const OTHER = { org: "console:web-other", user: "other" };

describeEachDb("suppliers in the web console", (kind) => {
  let h: WebHarness;
  const say = async (t: string, who: { org: string; user: string }) => (await h.app.pipeline.handle(textTurn(t, who)))!;
  let buyerOrgId = "";

  beforeAll(async () => {
    h = await startWebHarness({ SECRETARIAT_USERS: "console:sec" }, kind);
    await say("ヘルプ", OTHER);
    const inv = await say("取引先に自己評価を依頼 ウェブ部品工業", BUYER);
    await say("取引先に自己評価を依頼 まだ来ない社", BUYER);
    const code = /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(inv.reply.text)![1];
    const join = await say(`参加コード ${code}`, SUP);
    const id = String(replyChoices(join.reply)[0].action.params.id);
    await h.app.pipeline.handle(actionTurn("supplier_consent", { id, decision: "accept", scope: "summary" }, SUP));
    await say("No.1は達成", SUP);
    buyerOrgId = (await h.app.services.db.organization.findUniqueOrThrow({ where: { externalKey: BUYER.org } })).id;
  }, 180_000);
  afterAll(async () => h?.close());

  it("lists the suppliers with state and shared figures, and exports them", async () => {
    const c = await signIn(h, BUYER);
    const page = await c.get(`/web/o/${buyerOrgId}/suppliers`);
    expect(page.status).toBe(200);
    const t = text(page.html);
    expect(t).toContain("ウェブ部品工業");
    expect(t).toContain("回答中");
    expect(t).toMatch(/回答 1\/\d+/);
    expect(t).toContain("まだ来ない社");
    expect(t).toContain("招待済み");
    const csv = await c.get(`/web/o/${buyerOrgId}/suppliers.csv`);
    expect(csv.status).toBe(200);
    expect(csv.html).toContain("ウェブ部品工業");
    const xlsx = await fetch(`${h.base}/web/o/${buyerOrgId}/suppliers.xlsx`, { headers: { cookie: `jama_session=${c.cookie("jama_session")}` } });
    expect(xlsx.status).toBe(200);
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe("PK");
  });

  it("the secretariat's overall page counts the roll-out, without a name", async () => {
    const c = await signIn(h, { org: "console:web-jama", user: "sec" });
    const page = await c.get("/web/admin/progress");
    expect(page.status).toBe(200);
    const t = text(page.html);
    expect(t).toMatch(/依頼 2/);
    expect(t).toMatch(/共有に同意 1/);
    expect(t).toMatch(/1次取引先に届いた企業 1/);
    for (const name of ["ウェブ部品工業", "まだ来ない社"]) expect(t).not.toContain(name);
  });

  it("another company's admin gets 403 and no supplier name", async () => {
    const c = await signIn(h, OTHER);
    const page = await c.get(`/web/o/${buyerOrgId}/suppliers`);
    expect(page.status).toBe(403);
    expect(page.html).not.toContain("ウェブ部品工業");
    const csv = await c.get(`/web/o/${buyerOrgId}/suppliers.csv`);
    expect(csv.status).toBe(403);
    expect(csv.html).not.toContain("ウェブ部品工業");
  });
});
