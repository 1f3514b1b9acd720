// Questions in people's own words, through the real pipeline and search: FAQ, glossary, items,
// "did you mean", "I don't know", 👍/👎 and the unanswered report.
import { afterAll, beforeAll, expect, it } from "vitest";
import { actionTurn, createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import type { Reply } from "../../src/core/reply.ts";

function buttons(reply: Reply) {
  return reply.blocks.flatMap((b) => (b.type === "choices" ? b.choices : b.type === "list" ? b.entries.filter((e) => e.action).map((e) => ({ label: e.label, action: e.action! })) : []));
}

describeEachDb("answers from the knowledge base", (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ SECRETARIAT_USERS: "console:secretary" }, { dbKind: kind });
  });
  afterAll(async () => app?.close());
  const say = async (text: string, who: Parameters<typeof textTurn>[1] = {}) =>
    (await app.pipeline.handle(textTurn(text, { conversation: `console:${expect.getState().currentTestName}`, ...who })))!;

  it("answers a question about the yearly activity from the FAQ", async () => {
    const r = await say("提出期限はいつ？");
    expect(r.intent).toBe("ask");
    expect(r.reply.text).toContain("12月31日");
    expect(buttons(r.reply).some((b) => b.action.intent === "feedback")).toBe(true);
  });

  it("finds the item behind a colloquial question, or offers the top candidates", async () => {
    const r = await say("退職した人のパソコンってちゃんと回収しないとダメ？");
    const offered = JSON.stringify(r.reply);
    expect(offered).toContain("No.7");
  });

  it("offers candidates rather than 'nothing found' when an off-topic-looking question names one of our terms", async () => {
    const r = await say("UTM入れてれば境界防御はクリア？");
    expect(JSON.stringify(r.reply)).toMatch(/No\.10[34]/);
    const w = await say("Windows10まだ使ってる");
    expect(JSON.stringify(w.reply)).toContain("No.123");
  });

  it("says plainly when nothing covers the question and points to the FAQ and the sessions", async () => {
    const r = await say("社員食堂のおすすめメニューは？");
    expect(r.reply.text).toContain("ありませんでした");
    expect(r.reply.text).toContain("相談会");
    expect(buttons(r.reply).map((b) => b.action.intent)).toContain("faq");
  });

  it.each([
    ["健康診断の予約方法", "人事"],
    ["退職金の計算方法を教えて", "人事"],
    ["自動運転レベル3とレベル4の違い", "車"],
    ["会議室の予約ってどこから？", "ヘルプデスク"],
  ])("says %s is outside what it covers, where to ask, and what it can do; no FAQ or item as the answer", async (q, where) => {
    const r = await say(q);
    expect(r.intent).toBe("ask");
    expect(r.reply.text).toContain("範囲の外");
    expect(r.reply.text).toContain(where);
    expect(r.reply.text).toContain("No.115");
    expect(r.reply.blocks.some((b) => b.type === "heading")).toBe(false);
    const intents = buttons(r.reply).map((b) => b.action.intent);
    expect(intents).not.toContain("feedback");
    expect(intents.filter((i) => i === "show_item" || i === "glossary")).toEqual([]);
    expect(buttons(r.reply).filter((b) => b.action.intent === "faq" && b.action.params.id)).toEqual([]);
  });

  it("says it in English too", async () => {
    const r = await say("How do I bake bread?");
    expect(r.reply.text).toContain("outside what I cover");
  });

  it("stores 👍/👎 with the question it answered", async () => {
    const who = { conversation: "console:feedback" };
    const q = await say("パッチはいつまでに当てればいい？", who);
    const thumbs = buttons(q.reply).find((b) => b.action.intent === "feedback" && b.action.params.helpful === false)
      ?? { action: { intent: "feedback", params: { ref: "did-you-mean", helpful: false } } };
    const r = (await app.pipeline.handle(actionTurn(thumbs.action.intent, thumbs.action.params, who)))!;
    expect(r.reply.text).toContain("ありがとうございます");
    const row = await app.services.db.feedback.findFirst({ where: { question: "パッチはいつまでに当てればいい？" } });
    expect(row).toMatchObject({ helpful: false });
  });

  it("lists unanswered questions most frequent first: org admins see their own, the secretariat all, members none", async () => {
    const orgA = { org: "console:faq-org-a", user: "a-admin" };
    const orgB = { org: "console:faq-org-b", user: "b-admin" };
    await say("ランチのおすすめは？", orgA);
    await say("ランチのおすすめは？", orgA);
    await say("駐車場の予約方法", orgA);
    await say("社内旅行の行き先", orgB);
    const a = await say("unanswered", orgA);
    expect(a.reply.private).toBe(true);
    const text = JSON.stringify(a.reply);
    expect(text.indexOf("ランチ")).toBeLessThan(text.indexOf("駐車場"));
    expect(text).toContain("2×");
    expect(text).not.toContain("社内旅行");
    const member = await say("unanswered", { org: "console:faq-org-a", user: "a-member" });
    expect(member.reply.text).toContain("Only organisation admins");
    const sec = await say("答えられなかった質問", { org: "console:operator", user: "secretary" });
    expect(JSON.stringify(sec.reply)).toContain("社内旅行");
  });

  it("pages through the FAQ and opens one entry from its button", async () => {
    const list = await say("よくある質問");
    const entry = buttons(list.reply).find((b) => b.action.intent === "faq" && b.action.params.id)!;
    const r = (await app.pipeline.handle(actionTurn("faq", entry.action.params)))!;
    expect(r.reply.blocks[0]).toMatchObject({ type: "heading" });
  });
});
