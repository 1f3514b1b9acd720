// Property: every Reply the intents can produce renders as a message Slack and Teams accept.
// Drives the real pipeline (recogniser, intents, knowledge base, booking, assessment) with a
// spread of messages (help, items, lists, FAQ, questions, answers, progress, export, sessions,
// the secretariat's commands, errors, hostile text), then follows the buttons of every reply
// (breadth first, each distinct action once) and validates each rendering: Block Kit with
// test/helpers/block-kit.ts, the Teams message and its Adaptive Card 1.5 with
// test/helpers/adaptive-card.ts. A failure names the message that led to it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reply } from "../../src/core/reply.ts";
import type { ActionRef } from "../../src/core/turn.ts";
import { renderBlocks } from "../../src/channels/slack/render-blocks.ts";
import { escapeCardMarkdown, renderCard } from "../../src/channels/teams/render-card.ts";
import { escapeMrkdwn } from "../../src/channels/slack/render-blocks.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { actionAt, recordingSender, textAt, type Who } from "../helpers/booking.ts";
import { blockKitProblems } from "../helpers/block-kit.ts";
import { teamsMessageProblems } from "../helpers/adaptive-card.ts";

const MEMBER: Who = { user: "render-admin", org: "console:render-org", orgName: "株式会社レンダー & <テスト>", name: "Render <Admin>" };
const SEC: Who = { user: "sec", org: "console:jama", orgName: "JAMA事務局", name: "事務局" };
const TEAMS: Who = { user: "render-teams", org: "teams:render-tenant", platform: "teams", conversation: "teams:render" };

const MEMBER_MESSAGES = [
  // help and small talk
  "ヘルプ", "help", "こんにちは", "メニュー",
  // items and follow-ups
  "No.115", "No.1", "No.153", "No.999", "item 124", "次の項目", "前の項目", "その達成条件は？", "No.1〜20",
  // lists
  "レベル1の一覧", "次のページ", "list level 2", "項目一覧", "分野の一覧", "ID・認証の項目", "バックアップの項目は?",
  // FAQ, glossary, questions for the knowledge base
  "よくある質問", "faq", "用語集", "glossary", "提出期限は？", "パスワードは何文字以上？", "what is EDR?", "asdfghjkl qwerty",
  // hostile and odd text
  "<!channel> & <https://evil.example|公式サイト> **太字** [x](y)", "😀".repeat(60), " ", "No.115 <b>",
  // answers
  "No.115は達成", "115 未達成 EDR未導入のため", "No.1〜3 達成", "124 対象外 理由: 該当システムなし", "mark 116 as achieved",
  "元に戻す", "No.115の履歴", "レベル1を順番に回答", "続きから",
  // progress and gaps
  "進捗", "分野別の進捗", "業界平均と比較", "progress", "重点課題", "レベル1の未達成", "答えられなかった質問",
  // admin
  "目標レベルを2に", "メンバー一覧", "昨年度の回答を引き継ぐ", "提出済みにする", "再開",
  // export
  "エクスポート", "export",
  // sessions
  "相談会の予定は？", "sessions", "おすすめの相談会は？", "第3回を予約", "バックアップ体制について相談したい", "予約を確認",
  "第3回をキャンセル", "第99回を予約", "第3回のキャンセル待ちに登録",
  // refused and too long
  "全体の状況", "x".repeat(2500),
];

const SECRETARIAT_MESSAGES = ["全体の状況", "第3回の参加者", "第3回の参加者CSV", "相談会の管理", "第3回の参加者に連絡: 会場が変わりました & <注意>"];

const FORGED_ACTIONS: ActionRef[] = [
  { intent: "show_item", params: { nos: "x" } },
  { intent: "no_such_intent", params: {} },
  { intent: "session_book", params: { seriesNo: 999 } },
  { intent: "list_items", params: { page: 10_000 } },
];

/** The buttons of a reply, as the platforms would send them back. */
function actionsOf(reply: Reply): ActionRef[] {
  return reply.blocks.flatMap((b) => {
    if (b.type === "choices") return b.choices.map((c) => c.action);
    if (b.type === "item") return b.card.actions.map((c) => c.action);
    if (b.type === "list") return b.entries.flatMap((e) => (e.action ? [e.action] : []));
    return [];
  });
}

describe("every reply renders as a valid Slack and Teams message", () => {
  let app: TestApp;
  const failures: string[] = [];
  const seen = new Set<string>();
  let rendered = 0;

  beforeAll(async () => {
    app = await createTestApp({ SECRETARIAT_USERS: "console:sec", PUBLIC_BASE_URL: "https://bot.example.co.jp" });
    app.booking.senders.console = recordingSender();
    app.booking.senders.teams = recordingSender();
  });
  afterAll(async () => app?.close());

  const check = (origin: string, reply: Reply) => {
    rendered++;
    const slack = renderBlocks(reply);
    // as deliver() sends it: no blocks key when nothing renders as a block (a file-only reply)
    for (const p of blockKitProblems({ text: slack.text, blocks: slack.blocks.length ? slack.blocks : undefined }))
      failures.push(`[slack] ${origin}: ${p}`);
    const teams = renderCard(reply);
    for (const p of teamsMessageProblems(teams)) failures.push(`[teams] ${origin}: ${p}`);
    // Nothing the reply says is lost: the start of every text block is on screen on both platforms.
    const slackJson = JSON.stringify(slack.blocks);
    // what the conversation shows: the card's body, or the text of a message without a card
    // (summary and fallbackText are for notifications and old clients only)
    const teamsJson = JSON.stringify(teams.attachments ? teams.attachments[0].content.body : teams.text);
    for (const b of reply.blocks) {
      if (b.type !== "text") continue;
      const first = b.text.split("\n").find((l) => l.trim())?.trim().slice(0, 30);
      if (!first) continue;
      if (!slackJson.includes(JSON.stringify(escapeMrkdwn(first)).slice(1, -1))) failures.push(`[slack] ${origin}: text not shown: ${first}`);
      if (!teamsJson.includes(JSON.stringify(escapeCardMarkdown(first)).slice(1, -1).replace(/\\\\$/, ""))) failures.push(`[teams] ${origin}: text not shown: ${first}`);
    }
  };

  /** Sends, checks, then clicks each new button of the reply (up to `depth` levels). */
  const explore = async (origin: string, who: Who, send: () => Promise<Reply | undefined>, depth: number): Promise<void> => {
    const reply = await send();
    if (!reply) return;
    check(origin, reply);
    if (depth === 0) return;
    for (const action of actionsOf(reply)) {
      const key = JSON.stringify(action);
      if (seen.has(key) || seen.size >= 250) continue;
      seen.add(key);
      await explore(`${origin} → [${action.intent} ${JSON.stringify(action.params)}]`, who, async () => (await app.pipeline.handle(actionAt(action.intent, action.params, who)))?.reply, depth - 1);
    }
  };

  it("for a member's messages and the buttons they lead to", async () => {
    for (const text of MEMBER_MESSAGES) await explore(JSON.stringify(text.slice(0, 40)), MEMBER, async () => (await app.pipeline.handle(textAt(text, MEMBER)))?.reply, 2);
    for (const a of FORGED_ACTIONS) check(`forged ${JSON.stringify(a)}`, (await app.pipeline.handle(actionAt(a.intent, a.params, MEMBER)))!.reply);
    expect(failures).toEqual([]);
  }, 180_000);

  it("for the secretariat's commands", async () => {
    for (const text of SECRETARIAT_MESSAGES) await explore(`secretariat ${JSON.stringify(text)}`, SEC, async () => (await app.pipeline.handle(textAt(text, SEC)))?.reply, 1);
    expect(failures).toEqual([]);
  }, 60_000);

  it("in Teams, where files become download links", async () => {
    for (const text of ["エクスポート", "第5回を予約", "No.115は達成", "進捗"]) await explore(`teams ${JSON.stringify(text)}`, TEAMS, async () => (await app.pipeline.handle(textAt(text, TEAMS)))?.reply, 1);
    expect(failures).toEqual([]);
    // the exploration really covered the intents, not a handful of replies
    expect(rendered).toBeGreaterThan(120);
  }, 60_000);
});
