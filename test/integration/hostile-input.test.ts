// What a careless or hostile user types, through the real pipeline and recogniser on PGlite and
// PostgreSQL: malformed item numbers, invisible characters, control characters, half-remembered
// commands and forged buttons. Each case once changed data it should not have, crashed the turn
// or answered with a message about a button nobody pressed; each expects a polite answer and
// nothing changed.
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, expect, it } from "vitest";
import { actionTurn, createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import { BOOKING_TIME } from "../helpers/booking.ts";
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

  it("reads what the person sees: invisible characters are ignored, control characters never reach the database", async () => {
    const who = { org: "console:invisible", user: "mori" };
    // a zero-width space inside or after "No." (pasted from a web page or a PDF)
    await say("No.1\u200b15は未達成", who);
    await say("No.\u200b116は達成", who);
    await say("\ufeff117\u2060 達成", who);
    expect(await answers("console:invisible")).toEqual({ 115: "not_achieved", 116: "achieved", 117: "achieved" });
    // NUL and other control characters: PostgreSQL refuses them in text, so they must not get there
    const note = await say("118 未達成 手順書\u0000未整備\u0007", who);
    expect(note.intent).toBe("record_answer");
    const o = await db().organization.findUniqueOrThrow({ where: { externalKey: "console:invisible" } });
    const row = await db().answer.findFirstOrThrow({ where: { orgId: o.id, itemNo: 118 } });
    expect([row.status, row.note]).toEqual(["not_achieved", "手順書未整備"]);
    for (const text of ["\u0000\u0001\u0002", "\u202eNo.115\u0000?", "\ud83d"]) {
      const r = await say(text, who);
      expect(r.intent, JSON.stringify(text)).not.toBe("error");
    }
    // the same from a button: a forged note with NUL is stored without it
    await say("No.119", who);
    const click = await run(actionTurn("record_answer", { nos: [119], choice: "not_achieved", note: "a\u0000b" }, who));
    expect(click.intent).toBe("record_answer");
    expect((await db().answer.findFirstOrThrow({ where: { orgId: o.id, itemNo: 119 } })).note).toBe("ab");
    // emoji sequences joined with ZWJ are left alone
    await say("120 未達成 👨‍💻対応中", who);
    expect((await db().answer.findFirstOrThrow({ where: { orgId: o.id, itemNo: 120 } })).note).toBe("👨‍💻対応中");
  });

  it("imports a sheet whose cells hold control characters instead of failing the turn", async () => {
    const who = { org: "console:nul-sheet", user: "abe" };
    const turn = textTurn("", who);
    const csv = "No.,回答,メモ\n1,達成,a\u0000b\n2,未達成,x\u0001y\n";
    turn.files = [{ name: "sheet.csv", size: csv.length, download: async () => Buffer.from(csv) }];
    const preview = await run(turn);
    expect(preview.intent).toBe("import_sheet");
    expect(preview.reply.text).toContain("2件を更新します");
    const done = await say("はい", who);
    expect(done.reply.text).toContain("2件を取り込みました");
    const o = await db().organization.findUniqueOrThrow({ where: { externalKey: "console:nul-sheet" } });
    const rows = await db().answer.findMany({ where: { orgId: o.id }, orderBy: { itemNo: "asc" } });
    expect(rows.map((r) => [r.itemNo, r.status, r.note])).toEqual([
      [1, "achieved", "ab"],
      [2, "not_achieved", "xy"],
    ]);
  });

  it("answers a half-remembered command typed alone without talking about a button", async () => {
    const who = { org: "console:half", user: "goto" };
    for (const text of ["履歴", "の履歴", "history", "目標レベル", "レベル", "参加者", "no", "NO"]) {
      const r = await say(text, who);
      expect(r.via, text).not.toBe("error");
      expect(r.reply.text, text).not.toMatch(/ボタン|button/);
    }
  });

  it("answers session 0 and a target level outside 1〜3 in words, changing nothing", async () => {
    const member = { org: "console:zero", user: "ono" };
    const secretary = { org: "console:jama", user: "secretary" };
    const bookingsBefore = await db().booking.count();
    // at a time the seeded sessions are open, whatever the date the suite runs on (once every session
    // is over, the bot says no session can be booked instead)
    const sayThen = (text: string, w: Who) => run({ ...textTurn(text, w), receivedAt: BOOKING_TIME });
    for (const text of ["第0回を予約", "第0回をキャンセル", "book session 0"]) {
      const r = await sayThen(text, member);
      expect(r.reply.text, text).toMatch(/第0回という相談会はありません|There is no session 0/);
    }
    expect((await sayThen("第0回の相談テーマ: ランサムウェア", member)).reply.text).toContain("第0回のご予約が見つからない");
    expect((await sayThen("第0回の参加者", secretary)).reply.text).toContain("第0回という相談会はありません");
    expect((await sayThen("第0回の参加者に連絡: 会場変更", secretary)).reply.text).toContain("第0回という相談会はありません");
    expect(await db().booking.count()).toBe(bookingsBefore);

    await say("No.1", member); // the first person of an organisation is its admin
    for (const text of ["目標レベルを4に", "目標レベルを0に", "set target level to 9"]) {
      const r = await say(text, member);
      expect(r.reply.text, text).toMatch(/目標レベルは 1〜3|target level is 1, 2 or 3/);
    }
    const o = await db().organization.findUniqueOrThrow({ where: { externalKey: "console:zero" } });
    const a = await db().assessment.findFirst({ where: { orgId: o.id } });
    expect(a?.targetLevel ?? 2).toBe(2);
    expect((await say("目標レベルを3に", member)).reply.text).toContain("2 から 3 に変更しました");
  });

  it("after a booking takes only the very next free message as the topic, and never a command", async () => {
    const who = { org: "console:topic", user: "hara" };
    // at a time the seeded sessions are open, whatever the date the suite runs on
    const say = (text: string, w: Who) => run({ ...textTurn(text, w), receivedAt: BOOKING_TIME });
    const topicOf = async (seriesNo: number) =>
      (await db().booking.findFirstOrThrow({ where: { session: { seriesNo }, userId: (await db().user.findFirstOrThrow({ where: { platformUserId: "hara" } })).id } })).topic;
    // a command right after the booking is that command, not the topic
    await say("第2回を予約", who);
    const progress = await say("進捗", who);
    expect(progress.intent).toBe("show_progress");
    expect(await topicOf(2)).toBeNull();
    // ... and the question is over: a free message later is not taken either (nor overwrites one)
    const later = await say("ランサムウェア対策について聞きたい", who);
    expect(later.intent).not.toBe("session_topic");
    expect(await topicOf(2)).toBeNull();
    // the same after any other command in between
    await say("第4回を予約", who);
    await say("エクスポート", who);
    await say("はい", who);
    expect(await topicOf(4)).toBeNull();
    // the very next free message is still the topic, as designed
    await say("第6回を予約", who);
    const topic = await say("取引先からの監査への対応を相談したい", who);
    expect(topic.intent).toBe("session_topic");
    expect(await topicOf(6)).toBe("取引先からの監査への対応を相談したい");
  });

  it("records every range of 「No.1〜3, 5〜7 未達成」 and names a long number as written", async () => {
    const who = { org: "console:ranges", user: "ishii" };
    const r = await say("No.1〜3, 5〜7 未達成 理由: 規程が未整備", who);
    expect(r.reply.text).toContain("No.1〜3, No.5〜7 を「未達成」にしました");
    expect(await answers("console:ranges")).toEqual({ 1: "not_achieved", 2: "not_achieved", 3: "not_achieved", 5: "not_achieved", 6: "not_achieved", 7: "not_achieved" });
    expect((await say("No.999999", who)).reply.text).toContain("No.999999 という項目はありません");
    expect((await say("No.12345は達成", who)).reply.text).toContain("No.12345 という項目はありません");
    expect(Object.keys(await answers("console:ranges"))).toHaveLength(6);
  });

  it("tells the secretariat in words when a session field is too long, changing nothing", async () => {
    const secretary = { org: "console:jama", user: "secretary" };
    const before = await db().session.findFirstOrThrow({ where: { seriesNo: 3 } });
    const venue = await say(`第3回の会場を「${"会".repeat(400)}」に`, secretary);
    expect(venue.reply.text).toContain("会場は300文字までです");
    expect(venue.reply.text).not.toMatch(/Too big|expected string/);
    const empty = await say("第3回の会場を「」に", secretary);
    expect(empty.reply.text).toContain("会場名が空です");
    expect(empty.reply.text).not.toMatch(/Too small/);
    const title = await say(`第3回のタイトルを「${"題".repeat(300)}」に`, secretary);
    expect(title.reply.text).toContain("タイトルは200文字までです");
    expect(await db().session.findFirstOrThrow({ where: { seriesNo: 3 } })).toEqual(before);
  });

  it("asks for a note, a reason or a yes only of the next message: a later unrelated one is not taken as the answer", async () => {
    const who = { org: "console:later", user: "ueda" };
    const row = async (no: number) => {
      const o = await db().organization.findUniqueOrThrow({ where: { externalKey: "console:later" } });
      return db().answer.findFirst({ where: { orgId: o.id, itemNo: no } });
    };
    // the note after a click: another command in between, then a question about something else
    await say("No.115", who);
    await run(actionTurn("record_answer", { nos: [115], choice: "achieved" }, who));
    await say("進捗", who);
    await say("No.3", who);
    const q = await say("バックアップについて教えて", who);
    expect(q.intent).not.toBe("answer_followup");
    expect((await row(115))?.note).toBeNull();
    // the reason 対象外 needs: a later message is not the reason, and nothing is recorded
    await say("116 対象外", who);
    await say("進捗", who);
    const vpn = await say("VPNの設定方法", who);
    expect(vpn.intent).not.toBe("answer_followup");
    expect(await row(116)).toBeNull();
    // a bulk change: 「はい」 after another command confirms nothing (a question in between would
    // leave the yes/no open: src/core/confirm.ts)
    await say("No.1〜153 達成", who);
    await say("エクスポート", who);
    await say("はい", who);
    expect(await row(1)).toBeNull();
    // while the bot's own follow-up keeps asking, the question stays open
    await say("117 対象外", who);
    const again = await run(actionTurn("answer_followup", {}, who));
    expect(again.reply.text).toContain("理由を文章で送ってください");
    await say("該当するシステムがないため", who);
    expect([(await row(117))?.status, (await row(117))?.note]).toEqual(["not_applicable", "該当するシステムがないため"]);
  });

  it("asks for a yes before 「No.1〜153 対象外」, also when the reason came in a second message", async () => {
    const who = { org: "console:bulk-na", user: "noda" };
    expect((await say("No.1〜153 対象外", who)).reply.text).toContain("理由を送ってください");
    const ask = await say("全社的にクラウドのみのため", who);
    expect(ask.reply.text).toContain("153項目(No.1〜153)を「対象外」にします。よろしいですか?");
    expect(await answers("console:bulk-na")).toEqual({});
    const done = await say("はい", who);
    expect(done.reply.text).toContain("No.1〜153 を「対象外」にしました");
    const o = await db().organization.findUniqueOrThrow({ where: { externalKey: "console:bulk-na" } });
    const rows = await db().answer.findMany({ where: { orgId: o.id } });
    expect(rows).toHaveLength(153);
    expect(rows.every((r) => r.status === "not_applicable" && r.note === "全社的にクラウドのみのため")).toBe(true);
    // and 「いいえ」 after the reason changes nothing
    await say("No.1〜30 対象外", { org: "console:bulk-na2", user: "noda2" });
    await say("工場なし", { org: "console:bulk-na2", user: "noda2" });
    await say("いいえ", { org: "console:bulk-na2", user: "noda2" });
    expect(await answers("console:bulk-na2")).toEqual({});
  });

  it("reads the admin command 「unanswered」 as that command, not as 未回答 for the item on screen", async () => {
    const who = { org: "console:unanswered-cmd", user: "sakai" };
    await say("No.2は達成", who);
    await say("No.2", who);
    const r = await say("unanswered", who);
    expect(r.intent).toBe("unanswered");
    expect(await answers("console:unanswered-cmd")).toEqual({ 2: "achieved" });
    // taking an answer back is still said in words that mean it
    await say("No.2 未回答に戻す", who);
    expect(await answers("console:unanswered-cmd")).toEqual({ 2: "unanswered" });
  });

  it("refuses to import a device or a directory in the terminal chat instead of reading it forever", async () => {
    const who = { org: "console:devices", user: "kudo" };
    for (const path of ["/dev/zero", "/dev/urandom", "/tmp"]) {
      const r = await say(`インポート ${path}`, who);
      expect(r.intent, path).toBe("import_sheet");
      expect(r.reply.text, path).toContain("何も変更していません");
    }
    expect(await answers("console:devices")).toEqual({});
  }, 10_000);

  it("refuses an .xlsx that unzips to far more than any check sheet (a zip bomb) quickly, and still reads a 10,000-row sheet", async () => {
    const who = { org: "console:bomb", user: "endo" };
    const upload = async (name: string, data: Buffer) => {
      const turn = textTurn("", who);
      turn.files = [{ name, size: data.length, download: async () => data }];
      return run(turn);
    };
    // a real workbook whose sheet is replaced by 60 MB of repeated cells (a few hundred KB zipped)
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("sheet").addRow(["No.", "回答"]);
    const zip = await JSZip.loadAsync(Buffer.from(await wb.xlsx.writeBuffer()));
    const sheetPath = Object.keys(zip.files).find((n) => n.startsWith("xl/worksheets/sheet"))!;
    const row = (r: number) => `<row r="${r}">${'<c t="inlineStr"><is><t>1</t></is></c>'.repeat(2000)}</row>`;
    const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${Array.from({ length: 800 }, (_, i) => row(i + 1)).join("")}</sheetData></worksheet>`;
    zip.file(sheetPath, xml);
    const bomb = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 9 } });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = Date.now();
    const r = await upload("answers.xlsx", bomb);
    expect(r.intent).toBe("import_sheet");
    expect(r.reply.text).toContain("ファイルが大きすぎます");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await answers("console:bomb")).toEqual({});
    // a large but honest sheet is still read
    const big = new ExcelJS.Workbook();
    const ws = big.addWorksheet("回答");
    ws.addRow(["No.", "回答", "メモ"]);
    for (let i = 0; i < 10_000; i++) ws.addRow([(i % 153) + 1, "達成", ""]);
    const ok = await upload("big.xlsx", Buffer.from(await big.xlsx.writeBuffer()));
    expect(ok.reply.text).toContain("153件を更新します");
  }, 60_000);

  it("tells 「レベル4を順番に回答」 that levels are 1〜3 instead of walking Level 1", async () => {
    const who = { org: "console:level4", user: "kondo" };
    for (const text of ["レベル4を順番に回答", "レベル0を順番に回答", "answer level 9 in order"]) {
      const r = await say(text, who);
      expect(r.intent, text).toBe("answer_walk");
      expect(r.reply.text, text).toMatch(/レベルは 1〜3 です|Levels are 1 to 3/);
    }
    const kondo = await db().user.findFirstOrThrow({ where: { platformUserId: "kondo" } });
    expect(await db().answerWalk.count({ where: { userId: kondo.id } })).toBe(0);
    expect((await say("レベル2を順番に回答", who)).reply.text).toContain("レベル2の未回答の項目");
  });

  it("refuses a note longer than 1000 characters in words instead of cutting it silently", async () => {
    const who = { org: "console:long-note", user: "murata" };
    const long = "手順書の整備状況について".repeat(100); // 1200 characters
    const typed = await say(`115 未達成 ${long}`, who);
    expect(typed.reply.text).toContain("メモは1000文字までです(今回は1200文字)");
    expect(await answers("console:long-note")).toEqual({});
    // after a click: the long note is refused, the question stays open, a shorter one is taken
    await say("No.116", who);
    await run(actionTurn("record_answer", { nos: [116], choice: "achieved" }, who));
    const note = await say(long, who);
    expect(note.reply.text).toContain("メモは1000文字までです");
    const o = await db().organization.findUniqueOrThrow({ where: { externalKey: "console:long-note" } });
    expect((await db().answer.findFirstOrThrow({ where: { orgId: o.id, itemNo: 116 } })).note).toBeNull();
    await say("手順書は2025年に改定済み", who);
    expect((await db().answer.findFirstOrThrow({ where: { orgId: o.id, itemNo: 116 } })).note).toBe("手順書は2025年に改定済み");
    // the reason 対象外 needs, the same
    await say("117 対象外", who);
    expect((await say(long, who)).reply.text).toContain("メモは1000文字までです");
    expect((await answers("console:long-note"))[117]).toBeUndefined();
    // exactly 1000 is fine
    await say(`118 未達成 ${"あ".repeat(1000)}`, who);
    expect((await db().answer.findFirstOrThrow({ where: { orgId: o.id, itemNo: 118 } })).note).toHaveLength(1000);
  });

  it("answers 「No.-1」 as no such item instead of showing No.1", async () => {
    const who = { org: "console:minus", user: "oka" };
    expect((await say("No.-1", who)).reply.text).toContain("No.-1 という項目はありません");
    expect((await say("No.-1は達成", who)).reply.text).toContain("No.-1 という項目はありません");
    expect(await answers("console:minus")).toEqual({});
  });
});
