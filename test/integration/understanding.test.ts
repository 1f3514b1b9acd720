// What a person types is understood, or asked back: never recorded wrongly (issue 9). Through the
// real pipeline and recogniser, on PGlite and PostgreSQL, in Japanese and English: negation,
// doubt and corrections; several items in one message; buttons whose numbers never move and
// whose labels can be typed; short inputs that are never actions; one yes/no mechanism; the
// person's language; context that helps without hijacking; the walk's commands; bookings.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import { actionAt, allText, files, textAt, type Who } from "../helpers/booking.ts";
import { replyChoices } from "../../src/core/reply.ts";
import type { Turn } from "../../src/core/turn.ts";
import { renderText } from "../../src/channels/console/render-text.ts";

const SEC: Who = { user: "sec", org: "console:jama-sec", orgName: "JAMA事務局" };
/** Every turn of this file happens at this time (tests pass on any date). */
const AT = new Date("2026-12-01T01:00:00Z");

describeEachDb("understanding what people type", (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ SECRETARIAT_USERS: "console:sec" }, { dbKind: kind });
  });
  afterAll(async () => app?.close());

  const run = async (turn: Turn) => (await app.pipeline.handle(turn))!;
  const say = (text: string, who: Who, at: Date = AT) => run(textAt(text, who, at));
  const click = (intent: string, params: Record<string, unknown>, who: Who) => run(actionAt(intent, params, who, AT));
  const db = () => app.services.db;
  const answers = async (org: string) => {
    const o = await db().organization.findUnique({ where: { externalKey: org } });
    if (!o) return {};
    const rows = await db().answer.findMany({ where: { orgId: o.id, status: { not: "unanswered" } } });
    return Object.fromEntries(rows.map((r) => [r.itemNo, { status: r.status, note: r.note }]));
  };
  const statuses = async (org: string) => Object.fromEntries(Object.entries(await answers(org)).map(([no, a]) => [no, a.status]));

  it.each([
    // [message, item on screen, what must be recorded]
    ["No.61 達成とは言えない", undefined, { 61: "not_achieved" }],
    ["No.62 達成じゃない", undefined, { 62: "not_achieved" }],
    ["No.68 まだ達成できてない", undefined, { 68: "not_achieved" }],
    ["No.76 来年度達成予定", undefined, { 76: "not_achieved" }],
    ["No.60は達成かどうか分からない", undefined, {}],
    ["No.78 は対象外かも", undefined, {}],
    ["No.20 できてる", undefined, { 20: "achieved" }],
    ["No.24 できてない", undefined, { 24: "not_achieved" }],
    ["No.52 は未達成じゃなくて達成", undefined, { 52: "achieved" }],
    ["No.28 OK", undefined, { 28: "achieved" }],
    ["×", 29, { 29: "not_achieved" }],
    ["NG", 30, {}],
    ["item 44 isn't achieved yet", undefined, { 44: "not_achieved" }],
    ["we plan to do 67 next year", undefined, { 67: "not_achieved" }],
    ["maybe 96 is achieved", undefined, {}],
    ["No.104 partially done", undefined, { 104: "not_achieved" }],
  ])("「%s」 records exactly what was meant", async (text, onScreen, expected) => {
    const who: Who = { user: "u", org: `console:meant-${text}` };
    if (onScreen) await say(`No.${onScreen}`, who);
    const r = await say(text, who);
    expect(await statuses(who.org!)).toEqual(expected);
    if (Object.keys(expected).length === 0) expect(r.reply.text, text).toMatch(/何も変更していません|nothing was changed/i);
  });

  it("asks back with the choices as buttons when unsure, and a click then records", async () => {
    const who: Who = { user: "u", org: "console:ask-back-buttons" };
    const r = await say("No.65 達成かどうか微妙", who);
    expect(r.intent).toBe("record_answer");
    expect(r.reply.text).toContain("No.65の回答は記録していません");
    const buttons = replyChoices(r.reply);
    expect(buttons.slice(0, 3).map((c) => c.action)).toEqual([
      { intent: "record_answer", params: { nos: [65], choice: "achieved" } },
      { intent: "record_answer", params: { nos: [65], choice: "not_achieved" } },
      { intent: "record_answer", params: { nos: [65], choice: "not_applicable" } },
    ]);
    await click("record_answer", { nos: [65], choice: "not_achieved" }, who);
    expect(await statuses(who.org!)).toEqual({ 65: "not_achieved" });
    const en = await say("No.66 I think it's done", { user: "u-en", org: "console:ask-back-en" });
    expect(en.reply.text).toContain("I have not recorded anything for No.66");
  });

  it("records several items of one message as one change that one undo takes back", async () => {
    const who: Who = { user: "u", org: "console:multi" };
    const r = await say("No.25 は達成、No.26 は未達成", who);
    expect(r.reply.text).toContain("No.25 を「達成」、No.26 を「未達成」にしました");
    expect(await statuses(who.org!)).toEqual({ 25: "achieved", 26: "not_achieved" });
    await say("元に戻す", who);
    expect(await statuses(who.org!)).toEqual({});
    const en = await say("item 30 done, item 31 not done", { user: "u", org: "console:multi-en" });
    expect(en.reply.text).toContain('Set No.30 to "Achieved", No.31 to "Not achieved"');
    // one unclear part and nothing is recorded
    await say("No.27 達成、No.999 未達成", who);
    expect(await statuses(who.org!)).toEqual({});
  });

  it("keeps only what was meant as a note", async () => {
    const who: Who = { user: "u", org: "console:notes" };
    await say("３は達成してる", who);
    await say("No.115は達成👍", who);
    await say("No.116 未達成 EDR未導入のため", who);
    const a = await answers(who.org!);
    expect([a[3], a[115], a[116]]).toEqual([
      { status: "achieved", note: null },
      { status: "achieved", note: null },
      { status: "not_achieved", note: "EDR未導入のため" },
    ]);
  });

  it("keeps the answer buttons first on every card of the walk, so 「2」 is always 未達成 in the terminal", async () => {
    const who: Who = { user: "walker", org: "console:walk-buttons" };
    const first = await say("レベル1を順番に回答", who);
    const after = await click("record_answer", (replyChoices(first.reply)[0].action.params as Record<string, unknown>), who);
    for (const reply of [first.reply, after.reply]) {
      const labels = renderText(reply).choices.slice(0, 3).map((a) => (a.params as { choice?: string }).choice);
      expect(labels).toEqual(["achieved", "not_achieved", "not_applicable"]);
    }
    // and the label of a button, typed, does what the button does
    const skip = await say("この項目をスキップ", who);
    expect(skip.intent).toBe("answer_walk");
    expect(skip.reply.text).toContain("スキップしました");
  });

  it("steers the walk with 次 / スキップ / 止める / 再開, even right after an answer", async () => {
    const who: Who = { user: "walker2", org: "console:walk-commands" };
    const start = await say("レベル1を順番に回答", who);
    const firstNo = (replyChoices(start.reply)[0].action.params as { nos: number[] }).nos[0];
    const answered = await click("record_answer", { nos: [firstNo], choice: "achieved", walk: true }, who);
    const nextNo = (replyChoices(answered.reply)[0].action.params as { nos: number[] }).nos[0];
    expect(nextNo).not.toBe(firstNo);
    // the bot asked for an optional note; スキップ skips the item on screen, not the note
    const skipped = await say("スキップ", who);
    expect(skipped.intent).toBe("answer_walk");
    expect(skipped.reply.text).toContain(`No.${nextNo} をスキップしました`);
    const next = await say("次", who);
    expect(next.intent).toBe("answer_walk");
    const stop = await say("止める", who);
    expect(stop.intent).toBe("answer_walk");
    expect(stop.reply.text).toMatch(/中断しました.*No\.\d+ から再開できます/);
    const resume = await say("再開", who);
    expect(resume.intent).toBe("answer_walk");
    expect(resume.reply.text).toMatch(/中断したところ\(No\.\d+\)から再開します/);
    expect(await statuses(who.org!)).toEqual({ [firstNo]: "achieved" });
  });

  it.each(["D", "取消", "OK", "x", "ED", "PC", "ok"])("never turns 「%s」 into an action", async (text) => {
    const who: Who = { user: "short", org: `console:short-${text}` };
    await say("No.1 達成", who);
    await say("No.2", who);
    const r = await say(text, who);
    // at most a "did you mean" (for the item on screen: its answer buttons), never an action
    expect(["undo_answer", "export_sheet", "my_bookings", "sessions_list", "unanswered", "lock_assessment"]).not.toContain(r.intent);
    expect(files(r.reply)).toEqual([]);
    expect(await statuses(who.org!)).toEqual({ 1: "achieved" });
  });

  it("answers in the person's language: Latin item numbers, acronyms and status words do not switch it", async () => {
    const who: Who = { user: "lang", org: "console:lang" };
    for (const text of ["No.28 OK", "UTM", "EDR"]) {
      await say(text, who);
      expect((await say("進捗", who)).reply.text, text).toMatch(/進捗/);
    }
    const en = await say("What does item 124 require?", who);
    expect(allText(en.reply)).toMatch(/[A-Za-z]{4,}/);
    // stored with the person: another conversation of theirs is in English too
    const elsewhere = await say("No.115", { ...who, conversation: "console:lang-elsewhere" });
    expect(elsewhere.reply.text).not.toMatch(/[ぁ-ん]/);
    const back = await say("日本語で", who);
    expect(back.intent).toBe("set_language");
    expect(back.reply.text).toContain("日本語でお答えします");
    expect((await say("No.28 OK", { ...who, conversation: "console:lang-elsewhere" })).reply.text).toContain("にしました");
  });

  it("takes はい / いいえ / yes at every yes/no question, and a question in between leaves it open", async () => {
    // a full session: 「キャンセル待ちに登録しますか?」
    await say("第13回を追加 タイトル=満席の回; 日時=2027-02-10 14:00-16:00; 定員=1", SEC);
    await say("第13回を予約", { user: "first", org: "console:org-first" });
    const late: Who = { user: "late", org: "console:org-late" };
    const full = await say("第13回を予約", late);
    expect(full.reply.text).toContain("登録しますか?");
    const q = await say("提出期限は?", late);
    expect(q.intent).not.toBe("session_book");
    const yes = await say("はい", late);
    expect(yes.intent).toBe("session_book");
    expect(yes.reply.text).toContain("キャンセル待ちに登録しました");
    // 「第13回を中止しますか?」 for the secretariat, answered with いいえ then yes
    const ask = await say("第13回を中止", SEC);
    expect(ask.reply.text).toContain("中止しますか?");
    expect((await say("いいえ", SEC)).reply.text).toContain("何も変更していません");
    expect((await db().session.findUniqueOrThrow({ where: { seriesNo: 13 } })).status).toBe("open");
    await say("第13回を中止", SEC);
    expect((await say("yes", SEC)).intent).toBe("sessions_manage");
    expect((await db().session.findUniqueOrThrow({ where: { seriesNo: 13 } })).status).toBe("cancelled");
    // 提出済みにする asks first; a no changes nothing, お願いします locks
    const admin: Who = { user: "admin", org: "console:lock" };
    await say("No.1 達成", admin);
    const lock = await say("提出済みにする", admin);
    expect(lock.reply.text).toContain("変更できないようにしますか?");
    await say("やめます", admin);
    expect(await lockedOf("console:lock")).toBe("open");
    await say("提出済みにする", admin);
    await say("お願いします", admin);
    expect(await lockedOf("console:lock")).toBe("submitted");
    // a yes with nothing asked is not taken as anything that changes data
    const stray = await say("はい", { user: "stray", org: "console:stray" });
    expect(["session_book", "sessions_manage", "lock_assessment", "record_answer"]).not.toContain(stray.intent);
  });

  const lockedOf = async (org: string) => (await db().assessment.findFirstOrThrow({ where: { org: { externalKey: org } } })).status;

  it("uses the item on screen for bare follow-ups only; a question with its own topic is a new question", async () => {
    const who: Who = { user: "ctx", org: "console:context" };
    await say("No.143", who);
    const own = await say("ランサムウェア対策は？", who);
    expect(own.intent).not.toBe("show_item");
    const bare = await say("対策は?", who);
    expect(bare.intent).toBe("show_item");
    expect(bare.reply.text).toContain("No.143");
    const numberInSentence = await say("従業員30人の町工場だけど達成が必要?", who);
    expect(numberInSentence.reply.text).not.toMatch(/^No\.30 /);
  });

  it("says a booked seat is already booked (no second invite), and never takes a question or a button label as the topic", async () => {
    await say("第14回を追加 タイトル=テーマの回; 日時=2027-02-17 14:00-16:00; 定員=10", SEC);
    const bob: Who = { user: "bob", org: "console:org-bob" };
    const first = await say("第14回を予約", bob);
    expect(files(first.reply)).toHaveLength(1);
    const question = await say("ガイドラインって何？", bob);
    expect(question.intent).not.toBe("session_topic");
    const again = await say("第14回を予約", bob);
    expect(again.reply.text).toContain("すでに予約済みです");
    expect(files(again.reply)).toEqual([]);
    const carol: Who = { user: "carol", org: "console:org-carol" };
    await say("book session 14", carol);
    const skip = await say("No topic, thanks", carol);
    expect(skip.intent).toBe("session_topic");
    const carolId = (await db().user.findFirstOrThrow({ where: { platformUserId: "carol" } })).id;
    expect((await db().booking.findFirstOrThrow({ where: { userId: carolId } })).topic).toBeNull();
  });

  it("does not let a question from an earlier run of the terminal chat swallow the first message of the next", async () => {
    const who: Who = { user: "restart", org: "console:restart" };
    const sitting = (s: string) => (t: Turn): Turn => ({ ...t, conversation: { ...t.conversation, session: s } });
    const asked = await run(sitting("run-1")(textAt("No.124 対象外", who)));
    expect(asked.reply.text).toContain("理由");
    const next = await run(sitting("run-2")(textAt("バックアップの項目は?", who)));
    expect(next.intent).not.toBe("answer_followup");
    expect(await statuses(who.org!)).toEqual({});
  });
});
