// Recording and reading a company's check sheet in conversation, through the real pipeline and
// recogniser, on PGlite and PostgreSQL: free text, buttons, the note follow-up, 対象外 with its
// reason, the guided walk (resumed elsewhere), undo, history, progress, gaps, lock/reopen and
// target level permissions, carry-over from last year, export and import.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { actionTurn, createTestApp, realKnowledge, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import type { Block, Choice, ItemCard, Reply } from "../../src/core/reply.ts";
import type { Turn } from "../../src/core/turn.ts";
import { parseSheet } from "../../src/assessment/import.ts";
import { formatJst } from "../../src/assessment/fiscal-year.ts";

const kb = realKnowledge();
const lv1 = kb.itemsOfLevel(1).map((i) => i.no);
const lv2 = kb.itemsOfLevel(2).map((i) => i.no);

type Who = Parameters<typeof textTurn>[1];

function card(reply: Reply): ItemCard | undefined {
  return reply.blocks.flatMap((b) => (b.type === "item" ? [b.card] : []))[0];
}
function allText(reply: Reply): string {
  return JSON.stringify(reply.blocks) + reply.text;
}
function choices(reply: Reply): Choice[] {
  return reply.blocks.flatMap((b: Block) => (b.type === "choices" ? b.choices : b.type === "item" ? b.card.actions : []));
}

describeEachDb("assessment in conversation", (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ SECRETARIAT_USERS: "console:secretary" }, { dbKind: kind });
  });
  afterAll(async () => app?.close());

  const run = async (turn: Turn) => (await app.pipeline.handle(turn))!;
  const say = (text: string, who: Who = {}) => run(textTurn(text, who));
  const click = (intent: string, params: Record<string, unknown>, who: Who = {}) => run(actionTurn(intent, params, who));
  const db = () => app.services.db;
  const orgId = async (key: string) => (await db().organization.findUniqueOrThrow({ where: { externalKey: key } })).id;
  const answers = async (key: string) => {
    const rows = await db().answer.findMany({ where: { orgId: await orgId(key) }, orderBy: { itemNo: "asc" } });
    return Object.fromEntries(rows.map((r) => [r.itemNo, r.status]));
  };
  const events = async (key: string, no?: number) =>
    db().answerEvent.findMany({ where: { orgId: await orgId(key), ...(no !== undefined ? { itemNo: no } : {}) }, orderBy: { id: "asc" } });
  const snapshot = async () => ({ answers: await db().answer.findMany({ orderBy: [{ assessmentId: "asc" }, { itemNo: "asc" }] }), events: await db().answerEvent.count() });

  it("records free-text answers in Japanese and English, with the note, and keeps an audit event for each", async () => {
    const who = { org: "console:free-text", user: "yamada" };
    const r1 = await say("No.115は達成", who);
    expect(r1.intent).toBe("record_answer");
    expect(r1.reply.private).toBe(true);
    expect(r1.reply.text).toContain("No.115 を「達成」にしました");
    await say("116 未達成 EDR未導入のため", who);
    await say("No.1〜3 達成", who);
    const en = await say("mark 124 as achieved", who);
    expect(en.reply.text).toBe('No.124 set to "Achieved".');
    await say("124 対象外 理由: 該当システムなし", who);
    expect(await answers("console:free-text")).toEqual({ 1: "achieved", 2: "achieved", 3: "achieved", 115: "achieved", 116: "not_achieved", 124: "not_applicable" });
    const rows = await db().answer.findMany({ where: { orgId: await orgId("console:free-text") } });
    expect(rows.find((r) => r.itemNo === 116)?.note).toBe("EDR未導入のため");
    expect(rows.find((r) => r.itemNo === 124)?.note).toBe("該当システムなし");

    const ev = await events("console:free-text", 124);
    expect(ev.map((e) => [e.kind, e.oldStatus, e.newStatus, e.channel])).toEqual([
      ["set", "unanswered", "achieved", "console"],
      ["set", "achieved", "not_applicable", "console"],
    ]);
    const user = await db().user.findFirstOrThrow({ where: { platformUserId: "yamada" } });
    expect(ev.every((e) => e.actorId === user.id && e.deliveryId?.startsWith("test-") && e.changeId)).toBe(true);

    // the card shows the company's answer, privately, with the answer buttons
    const shown = await say("No.116", who);
    expect(shown.intent).toBe("show_item");
    expect(shown.reply.private).toBe(true);
    expect(card(shown.reply)?.answer?.label).toBe("貴社の回答: 未達成");
    expect(card(shown.reply)?.answer?.detail).toContain("EDR未導入のため");
    expect(card(shown.reply)?.actions.map((a) => a.label).slice(0, 3)).toEqual(["達成", "未達成", "対象外"]);
    // "No.115" alone still shows the card, and "次の項目" still works
    const next = await say("次の項目", who);
    expect(card(next.reply)?.no).toBe(117);
    expect(next.reply.private).toBeUndefined(); // No.117 is unanswered: no company data on it
    // a status question shows the current answer
    const q = await say("No.115は達成?", who);
    expect(card(q.reply)?.answer?.label).toBe("貴社の回答: 達成");
  });

  it("asks back instead of guessing, and changes nothing", async () => {
    const who = { org: "console:ask-back", user: "sato" };
    await say("No.10は達成", who);
    const before = await snapshot();
    const cases: [string, RegExp][] = [
      ["No.60は達成かどうか分からない", /No\.60の回答は記録していません/],
      ["No.61 達成かも", /No\.61の回答は記録していません/],
      ["No.200は達成", /No\.200 という項目はありません/],
      ["No.0は未達成", /No\.0 という項目はありません/],
      ["No.115は達成か未達成", /「達成」と「未達成」/],
      ["No.112 対象外じゃない", /記録していません/],
      ["No.25 は達成、No.999 は未達成", /No\.999 という項目はありません/],
      ["No.25 は達成、No.26 は対象外、No.27 は対象外", /理由が必要/],
    ];
    for (const [text, expected] of cases) {
      const r = await say(text, who);
      expect(r.reply.text, text).toMatch(expected);
      expect(r.reply.text, text).toContain("何も変更していません");
    }
    // a bare status with nothing on screen
    const bare = await say("未達成 EDR未導入のため", { ...who, conversation: "console:fresh-conv" });
    expect(bare.reply.text).toMatch(/どの項目|Nothing was changed|何も変更していません/);
    // 対象外 without a reason: asks, records nothing
    const na = await say("124 対象外", who);
    expect(na.reply.text).toContain("理由を送ってください");
    expect(await snapshot()).toEqual(before);
    // ... and the next message completes it
    const done = await say("該当するシステムがないため", who);
    expect(done.intent).toBe("answer_followup");
    expect(done.reply.text).toContain("No.124 を「対象外」にしました");
    const row = await db().answer.findFirstOrThrow({ where: { orgId: await orgId("console:ask-back"), itemNo: 124 } });
    expect([row.status, row.note]).toEqual(["not_applicable", "該当するシステムがないため"]);
    // a pending reason can be cancelled
    await say("125 対象外", who);
    const cancel = await say("やめる", who);
    expect(cancel.reply.text).toContain("何も変更していません");
    expect((await answers("console:ask-back"))[125]).toBeUndefined();
  });

  it("records the clear clauses of a message and asks about the rest", async () => {
    const who = { org: "console:mixed", user: "kato" };
    // one clause unsure: the other is recorded, the unsure one offered as buttons
    const r = await say("No.36 達成、No.37 はよく分からない", who);
    expect(r.reply.text).toContain("No.36 を「達成」にしました");
    expect(r.reply.text).toContain("No.37 は記録していません");
    expect(choices(r.reply).map((c) => c.label)).toContain("未達成");
    expect(await answers("console:mixed")).toEqual({ 36: "achieved" });
    // 対象外 without its reason: the rest is recorded, the reason asked for and taken from the next message
    const na = await say("No.147 達成、No.148 対象外", who);
    expect(na.reply.text).toContain("No.147 を「達成」にしました");
    expect(na.reply.text).toContain("理由を送ってください");
    expect((await answers("console:mixed"))[148]).toBeUndefined();
    const reason = await say("該当する設備がないため", who);
    expect(reason.reply.text).toContain("No.148 を「対象外」にしました");
    expect(await answers("console:mixed")).toEqual({ 36: "achieved", 147: "achieved", 148: "not_applicable" });
  });

  it("records from the card's buttons, then takes the next message as the note (or a skip)", async () => {
    const who = { org: "console:buttons", user: "suzuki" };
    const shown = await say("No.115", who);
    const achieved = card(shown.reply)!.actions.find((a) => a.label === "達成")!;
    const r = await run(actionTurn(achieved.action.intent, achieved.action.params, who));
    expect(r.reply.text).toContain("No.115 を「達成」にしました");
    expect(allText(r.reply)).toContain("メモがあれば送ってください(スキップ可)");
    const note = await say("規程を2025年4月に改定。https://intra.example.com/rule.pdf", who);
    expect(note.intent).toBe("answer_followup");
    expect(note.reply.text).toContain("メモを記録しました");
    const row = await db().answer.findFirstOrThrow({ where: { orgId: await orgId("console:buttons"), itemNo: 115 } });
    expect([row.status, row.note, row.evidenceUrl]).toEqual(["achieved", "規程を2025年4月に改定", "https://intra.example.com/rule.pdf"]);
    // the note belongs to the same change: one undo takes back both
    expect(new Set((await events("console:buttons", 115)).map((e) => e.changeId)).size).toBe(1);

    // the skip button ends the question without a note
    const r2 = await click("record_answer", { nos: [116], choice: "not_achieved" }, who);
    const skip = choices(r2.reply).find((c) => c.label === "スキップ")!;
    const skipped = await run(actionTurn(skip.action.intent, skip.action.params, who));
    expect(skipped.reply.text).toContain("メモなしで記録しました");
    // after that, free text is not taken as a note any more
    const later = await say("No.117", who);
    expect(later.intent).toBe("show_item");
    // 対象外 by button asks for the reason first
    const na = await click("record_answer", { nos: [118], choice: "not_applicable" }, who);
    expect(na.reply.text).toContain("理由を送ってください");
    expect((await answers("console:buttons"))[118]).toBeUndefined();
    await say("工場を持たないため", who);
    expect((await answers("console:buttons"))[118]).toBe("not_applicable");
  });

  it("walks through Level 1 one item at a time and resumes in another conversation", async () => {
    const who = { org: "console:walk", user: "tanaka", conversation: "console:walk-1" };
    const start = await say("レベル1を順番に回答", who);
    expect(start.intent).toBe("answer_walk");
    expect(card(start.reply)?.no).toBe(lv1[0]);
    expect(allText(start.reply)).toContain(`1/${lv1.length + lv2.length}`);
    // answer by the walk's button: the next item comes
    const btn = card(start.reply)!.actions.find((a) => a.label === "達成")!;
    expect(btn.action.params).toMatchObject({ walk: true });
    const second = await run(actionTurn(btn.action.intent, btn.action.params, who));
    expect(second.reply.text).toContain(`No.${lv1[0]} を「達成」にしました`);
    expect(card(second.reply)?.no).toBe(lv1[1]);
    // a typed bare status answers the item on screen and moves on
    const third = await say("未達成 手順書が未整備", who);
    expect(third.intent).toBe("record_answer");
    expect(card(third.reply)?.no).toBe(lv1[2]);
    // skip, then stop
    const skipBtn = card(third.reply)!.actions.find((a) => a.label === "この項目をスキップ")!;
    const fourth = await run(actionTurn(skipBtn.action.intent, skipBtn.action.params, who));
    expect(card(fourth.reply)?.no).toBe(lv1[3]);
    const stop = await say("中断", who);
    expect(stop.reply.text).toContain("中断しました");

    // another conversation of the same person: resumes at the same place, skipped item kept aside
    const resumed = await say("続きから", { ...who, conversation: "console:walk-2" });
    expect(resumed.reply.text).toContain("再開します");
    expect(card(resumed.reply)?.no).toBe(lv1[3]);
    // someone else of the company answers the next one meanwhile: the walk skips it
    await say(`No.${lv1[4]}は達成`, { org: "console:walk", user: "colleague" });
    const a = await say("達成", { ...who, conversation: "console:walk-2" });
    expect(card(a.reply)?.no).toBe(lv1[5]);
    expect(await answers("console:walk")).toMatchObject({ [lv1[0]]: "achieved", [lv1[1]]: "not_achieved", [lv1[3]]: "achieved", [lv1[4]]: "achieved" });
    expect((await answers("console:walk"))[lv1[2]]).toBeUndefined();

    // the same person on another platform of the same organisation is a separate account: the walk
    // starts from the company's shared answers (answered items are not shown again)
    const other = await say("レベル1を順番に回答", { org: "console:walk", user: "tanaka", platform: "slack", conversation: "slack:D1" });
    expect(card(other.reply)?.no).toBe(lv1[2]);
    const walks = await db().answerWalk.findMany({ where: { orgId: await orgId("console:walk") } });
    expect(walks).toHaveLength(2);
  });

  it("in a walk, スキップ skips the item on screen even right after an answer, and a question's own button label answers it", async () => {
    const who = { org: "console:walk-words", user: "hayashi", conversation: "console:ww" };
    const start = await say("レベル1を順番に回答", who);
    const first = card(start.reply)!;
    // a walk button asks for an optional note and already shows the next item
    const btn = first.actions.find((a) => a.label === "未達成")!;
    const r = await run(actionTurn(btn.action.intent, btn.action.params, who));
    expect(allText(r.reply)).toContain("メモがあれば送ってください");
    expect(card(r.reply)?.no).toBe(lv1[1]);
    // "スキップ" skips the item on screen (the optional note is simply not given)
    const skipItem = await say("スキップ", who);
    expect(skipItem.intent).toBe("answer_walk");
    expect(skipItem.reply.text).toContain(`No.${lv1[1]} をスキップしました`);
    expect(card(skipItem.reply)?.no).toBe(lv1[2]);
    expect((await answers("console:walk-words"))[lv1[0]]).toBe("not_achieved");
    // 対象外 by the walk's button asks for a reason; its own 「やめる」, typed, cancels that question only
    const na = card(skipItem.reply)!.actions.find((a) => a.label === "対象外")!;
    expect((await run(actionTurn(na.action.intent, na.action.params, who))).reply.text).toContain("理由を送ってください");
    const cancel = await say("やめる", who);
    expect(cancel.intent).toBe("answer_followup");
    expect(cancel.reply.text).toContain("何も変更していません");
    expect((await answers("console:walk-words"))[lv1[2]]).toBeUndefined();
    // a typed bare 対象外 asks for the reason too, and "該当なし" is then the reason, not a new answer
    expect((await say("対象外", who)).reply.text).toContain("理由を送ってください");
    const reason = await say("該当なし", who);
    expect(reason.intent).toBe("answer_followup");
    expect(reason.reply.text).toContain(`No.${lv1[2]} を「対象外」にしました`);
    expect(card(reason.reply)?.no).toBe(lv1[3]);
    // "中断" stops the walk
    expect((await say("中断", who)).reply.text).toContain("中断しました");
  });

  it("undoes one's own last change, as an audit event, and never someone else's", async () => {
    const key = "console:undo";
    const a = { org: key, user: "ito" };
    const b = { org: key, user: "kato" };
    await say("No.20は未達成 対策中", a);
    await say("No.20は達成", a);
    await say("No.21〜22 達成", a);
    await say("No.30は達成", b);
    // a's last change is No.21-22
    const u1 = await say("元に戻す", a);
    expect(u1.intent).toBe("undo_answer");
    expect(u1.reply.text).toContain("No.21, No.22 を元に戻しました");
    expect(await answers(key)).toMatchObject({ 20: "achieved", 21: "unanswered", 22: "unanswered", 30: "achieved" });
    // again: the change before that, back to 未達成 with its note
    await say("undo", a);
    const row = await db().answer.findFirstOrThrow({ where: { orgId: await orgId(key), itemNo: 20 } });
    expect([row.status, row.note]).toEqual(["not_achieved", "対策中"]);
    // b changes No.20 now; a's first change can no longer be undone without overwriting b
    await say("No.20は達成", b);
    const u3 = await say("元に戻す", a);
    expect(u3.reply.text).toContain("その後ほかの変更があったため");
    expect((await answers(key))[20]).toBe("achieved");
    // the undo events are in the trail, and nothing was deleted
    const ev = await events(key, 21);
    expect(ev.map((e) => e.kind)).toEqual(["set", "undo"]);
    expect(ev[1].undoesId).toBe(ev[0].id);
    // b's undo takes back b's change only
    await say("元に戻す", b);
    expect((await answers(key))[20]).toBe("not_achieved");
    expect((await answers(key))[30]).toBe("achieved");
  });

  it("shows the history of an item: who, when, old → new, channel", async () => {
    const key = "console:history";
    await run({ ...textTurn("No.40は未達成 予算待ち", { org: key, user: "U9", platform: "slack", conversation: "slack:D9" }), user: { platformUserId: "U9", name: "山田" } });
    await say("No.40は達成", { org: key, user: "nakamura" });
    const h = await say("No.40の履歴", { org: key, user: "nakamura" });
    expect(h.intent).toBe("answer_history");
    expect(h.reply.private).toBe(true);
    const list = h.reply.blocks.find((b) => b.type === "list");
    expect(list?.type === "list" && list.entries.map((e) => [e.label.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d /, ""), e.detail])).toEqual([
      ["nakamura: 未達成 → 達成 / メモ削除", "回答 / Console"],
      ["山田: 未回答 → 未達成 / メモ: 予算待ち", "回答 / Slack"],
    ]);
    const en = await say("history of 40", { org: key, user: "nakamura" });
    expect(allText(en.reply)).toContain("Not achieved → Achieved");
  });

  it("shows progress per level with the formula, honest about unknown items and missing benchmarks", async () => {
    const key = "console:progress";
    const who = { org: key, user: "kimura" };
    for (const no of lv1.slice(0, 10)) await say(`No.${no}は達成`, who);
    await say(`No.${lv1[10]} 未達成`, who);
    await say(`No.${lv1[11]} 対象外 理由: テレワークなし`, who);
    const p = await say("進捗", who);
    expect(p.intent).toBe("show_progress");
    expect(p.reply.private).toBe(true);
    const prog = p.reply.blocks.find((b) => b.type === "progress");
    expect(prog?.type === "progress" && prog.rows[0]).toMatchObject({ label: "レベル1", done: 10, total: 46 });
    expect(prog?.type === "progress" && prog.rows[0].detail).toContain("全50項目中47項目が判明");
    const text = allText(p.reply);
    expect(text).toContain("達成率 = 達成 ÷ (そのレベルの項目数 − 対象外)");
    expect(text).toContain("業界平均は未登録です");
    expect(text).toContain("knowledge/benchmarks.yaml");
    expect(text).toContain("3,240社");
    expect(text).toContain("約2割");
    expect(text).toContain("前年度の記録はこのボットにありません");
    const en = await say("where do we stand", who);
    expect(allText(en.reply)).toContain("No industry average is registered");
    const area = await say("分野別の進捗", who);
    expect(area.reply.blocks.find((b) => b.type === "progress")?.type).toBe("progress");

    // gaps: Level 1 first, without 達成 and 対象外
    const g = await say("重点課題", who);
    expect(g.intent).toBe("show_gaps");
    const list = g.reply.blocks.find((b) => b.type === "list");
    const listed = list?.type === "list" ? list.entries.map((e) => (e.action!.params.nos as number[])[0]) : [];
    expect(listed[0]).toBe(lv1[10]);
    expect(listed).not.toContain(lv1[0]);
    expect(listed).not.toContain(lv1[11]);
    expect(allText(g.reply)).toContain("未達成 1件");
    const l2 = await say("レベル2の未回答", who);
    const l2list = l2.reply.blocks.find((b) => b.type === "list");
    expect(l2list?.type === "list" && (l2list.entries[0].action!.params.nos as number[])[0]).toBe(lv2[0]);
  });

  it("shows an anonymous average only when at least 5 organisations answered", async () => {
    // a database of its own, so that the count of organisations is known
    const fresh = await createTestApp({}, { dbKind: kind });
    try {
      const start = new Date();
      const ask = async (text: string, org: string, at = start) => (await fresh.pipeline.handle({ ...textTurn(text, { org, user: "x" }), receivedAt: at }))!;
      for (let i = 1; i <= 4; i++) await ask(`No.${lv1[0]}は${i % 2 ? "達成" : "未達成"}`, `console:avg-${i}`);
      await ask("ヘルプ", "console:avg-5"); // an organisation without answers does not count
      const few = allText((await ask("進捗", "console:avg-1")).reply);
      expect(few).toContain("回答のある組織が5組織未満のため");
      expect(few).not.toMatch(/組織の平均:/);
      await ask(`No.${lv1[0]}は達成`, "console:avg-5");
      await ask(`No.${lv1[1]} 対象外 理由: 該当なし`, "console:avg-1");
      // the average is counted across every organisation, so it is kept a few minutes and says
      // how old it is; the company's own figures are current at once (its 対象外 above)
      const cached = allText((await ask("進捗", "console:avg-1")).reply);
      expect(cached).toContain("回答のある組織が5組織未満のため");
      expect(cached).toContain("回答 2/47 · 対象外 1");
      const later = new Date(start.getTime() + 6 * 60_000);
      const stale = allText((await ask("進捗", "console:avg-1", later)).reply); // served while it is recounted
      expect(stale).toContain("回答のある組織が5組織未満のため");
      const many = allText((await ask("進捗", "console:avg-1", later)).reply);
      // 3 of 5 achieved the one item; one of them has a 対象外 too: 1/46, 1/47, 1/47, 0, 0
      const mean = (1 / 46 + 2 / 47) / 5;
      expect(many).toContain(`5組織の平均(${formatJst(later)} 時点): レベル1 ${Math.round(mean * 100)}%`);
      expect(many).not.toContain("avg-2");
      const fy = fresh.services.assessment.service.fiscalYear(new Date());
      const avg = await fresh.services.assessment.service.deploymentAverages(fy);
      expect(avg.shown && avg.levels[1]).toBeCloseTo(mean, 12);
      expect(avg.shown && avg.levels[2]).toBe(0);
      expect(avg.shown && avg.all).toBeCloseTo((1 / 152 + 2 / 153) / 5, 12);
    } finally {
      await fresh.close();
    }
  });

  it("lets only an admin set the target level, lock the sheet and reopen it; a locked sheet changes nothing", async () => {
    const key = "console:lock";
    const admin = { org: key, user: "boss" };
    const member = { org: key, user: "staff" };
    await say("ヘルプ", admin); // first user of the organisation: admin
    await say("No.50は達成", member);
    const denied = await say("提出済みにする", member);
    expect(denied.reply.text).toContain("組織の管理者のみ");
    const deniedTarget = await say("目標レベルを3に", member);
    expect(deniedTarget.reply.text).toContain("組織の管理者のみ");
    const t = await say("目標レベルを3に", admin);
    expect(t.reply.text).toContain("2 から 3 に変更しました");
    // locking stops everyone's changes: it asks first
    const ask = await say("提出済みにする", admin);
    expect(ask.reply.text).toContain("変更できないようにしますか?");
    const lock = await say("はい", admin);
    expect(lock.reply.text).toContain("「提出済み」にしました");
    const before = await snapshot();
    for (const r of [
      await say("No.51は達成", member),
      await click("record_answer", { nos: [52], choice: "achieved" }, member),
      await say("元に戻す", member),
      await say("昨年度の回答を引き継ぐ", admin),
    ])
      expect(r.reply.text).toMatch(/提出済み|引き継げるもの/);
    expect(await snapshot()).toEqual(before);
    expect((await say("再開", member)).reply.text).toContain("組織の管理者のみ");
    expect((await say("再開", admin)).reply.text).toContain("再開しました");
    await say("No.51は達成", member);
    expect((await answers(key))[51]).toBe("achieved");
    const assessmentEvents = (await events(key, 0)).map((e) => [e.kind, e.oldStatus, e.newStatus]);
    expect(assessmentEvents).toEqual([
      ["target", "2", "3"],
      ["submit", "open", "submitted"],
      ["reopen", "submitted", "open"],
    ]);
  });

  it("carries last year's answers over without overwriting this year's", async () => {
    const key = "console:carry";
    const who = { org: key, user: "ono" };
    const lastYear = (text: string) => run({ ...textTurn(text, who), receivedAt: new Date(Date.now() - 366 * 86_400_000) });
    await lastYear("No.60は達成");
    await lastYear("No.61は未達成 予算");
    await lastYear("No.62 対象外 理由: 該当なし");
    await say("No.61は達成", who);
    const r = await say("昨年度の回答を引き継ぐ", who);
    expect(r.intent).toBe("carry_over");
    expect(r.reply.text).toContain("2件を引き継ぎました");
    expect(r.reply.text).toContain("すでに回答済みの1件はそのまま");
    const fy = app.services.assessment.service.fiscalYear(new Date());
    const rows = await db().answer.findMany({ where: { orgId: await orgId(key), assessment: { fiscalYear: fy } }, orderBy: { itemNo: "asc" } });
    expect(rows.map((x) => [x.itemNo, x.status, x.note])).toEqual([
      [60, "achieved", null],
      [61, "achieved", null],
      [62, "not_applicable", "該当なし"],
    ]);
    const carried = (await events(key)).filter((e) => e.kind === "carry-over").map((e) => e.itemNo);
    expect(carried).toEqual([60, 62]);
    // progress compares with last year
    const p = await say("進捗", who);
    expect(allText(p.reply)).toMatch(/前年度\(\d{4}年度\)との比較/);
    // again: nothing left to copy
    expect((await say("昨年度の回答を引き継ぐ", who)).reply.text).toContain("0件を引き継ぎました");
  });

  it("exports the sheet as xlsx and csv files through the pipeline", async () => {
    const key = "console:export";
    await say("No.1は達成", { org: key, user: "mori" });
    const r = await say("エクスポート", { org: key, user: "mori" });
    expect(r.intent).toBe("export_sheet");
    expect(r.reply.private).toBe(true);
    const files = r.reply.blocks.flatMap((b) => (b.type === "file" ? [b.file] : []));
    expect(files.map((f) => f.name.replace(/\d{4}-\d\d-\d\d/, "DATE"))).toEqual([
      expect.stringMatching(/^checksheet-FY\d{4}-v2\.3-DATE\.xlsx$/),
      expect.stringMatching(/^checksheet-FY\d{4}-v2\.3-DATE\.csv$/),
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(files[0].data as never);
    expect(wb.worksheets[0].getRow(2).getCell(5).value).toBe("達成");
    expect(wb.worksheets[0].getRow(2).getCell(8).value).toBe("mori");
    expect(files[1].data.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    // Teams without PUBLIC_BASE_URL: says what is missing
    const teams = await say("エクスポート", { org: key, user: "mori", platform: "teams", conversation: "teams:c1" });
    expect(allText(teams.reply)).toContain("PUBLIC_BASE_URL");
  });

  it("imports a filled-in sheet in the terminal after a preview and a yes, and refuses paths from chat platforms", async () => {
    const key = "console:import";
    const who = { org: key, user: "abe" };
    await say("No.3は未達成", who);
    const dir = mkdtempSync(join(tmpdir(), "jama-import-"));
    const path = join(dir, "filled.csv");
    writeFileSync(path, "\uFEFFNo.,回答,メモ\r\n1,○,\r\n2,達成,\r\n3,×,予算待ち\r\n4,-,工場なし\r\n5,たぶん,\r\n6,-,\r\n");
    const preview = await say(`インポート ${path}`, who);
    expect(preview.intent).toBe("import_sheet");
    expect(preview.reply.text).toBe("4件を更新します: 達成 2, 未達成 1, 対象外 1 — よろしいですか?");
    expect(allText(preview.reply)).toContain("6行目: 回答「たぶん」が読み取れません");
    expect(allText(preview.reply)).toContain("7行目: 「-」には理由(メモ欄)が必要です");
    expect((await answers(key))[1]).toBeUndefined();
    const yes = await say("はい", who);
    expect(yes.intent).toBe("answer_followup");
    expect(yes.reply.text).toContain("4件を取り込みました");
    expect(await answers(key)).toEqual({ 1: "achieved", 2: "achieved", 3: "not_achieved", 4: "not_applicable" });
    expect((await events(key)).filter((e) => e.kind === "import")).toHaveLength(4);
    // undo takes the whole import back
    await say("元に戻す", who);
    expect(await answers(key)).toEqual({ 1: "unanswered", 2: "unanswered", 3: "not_achieved", 4: "unanswered" });
    // "いいえ" changes nothing
    await say(`インポート ${path}`, who);
    expect((await say("いいえ", who)).reply.text).toContain("何も変更していません");
    expect((await answers(key))[1]).toBe("unanswered");
    // from Slack a path is never read
    const slack = await say(`インポート ${path}`, { org: key, user: "abe", platform: "slack", conversation: "slack:D2" });
    expect(slack.reply.text).toContain("ファイルを添付");
    expect(slack.reply.text).not.toContain("件を更新します");
    // our own export imports cleanly
    const exp = await say("エクスポート", who);
    const xlsx = exp.reply.blocks.flatMap((b) => (b.type === "file" ? [b.file] : []))[0];
    expect((await parseSheet(xlsx.data, xlsx.name, app.services.assessment.choices, 153)).problems).toEqual([]);
  });

  it("shows the secretariat aggregates only, never a company with its figures", async () => {
    const member = await say("全体の状況", { org: "console:sec-test", user: "nobody" });
    expect(member.reply.text).toContain("事務局のみ");
    const r = await say("全体の状況", { org: "console:secretariat", user: "secretary" });
    expect(r.intent).toBe("overall_status");
    expect(r.reply.text).toMatch(/回答のある組織: \d+/);
    expect(r.reply.text).toMatch(/集計は\d{4}-\d\d-\d\d \d\d:\d\d 時点のもの/);
    expect(r.reply.text).not.toMatch(/console:|free-text|undo/);
  });
});
