// Booking through the real pipeline and recogniser, on PGlite and PostgreSQL: listing, booking
// with a topic, a double click, the waitlist with positions, cancellation and promotion with a
// proactive message, cut-off and closed/cancelled sessions, and the secretariat's commands.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import { BOOKING_TIME, actionAt, allText, files, inviteOf, parseInvite, recordingSender, textAt, type Who } from "../helpers/booking.ts";
import { parseCsv } from "../../src/booking/csv.ts";
import { BookingService } from "../../src/booking/booking-service.ts";

const SEC: Who = { user: "sec", org: "console:jama", orgName: "JAMA事務局", name: "事務局 太郎" };

describeEachDb("booking in conversation", (kind) => {
  let app: TestApp;
  const sender = recordingSender();
  beforeAll(async () => {
    app = await createTestApp({ SECRETARIAT_USERS: "console:sec" }, { dbKind: kind });
    app.booking.senders.console = sender;
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    sender.sent.length = 0;
  });

  const say = async (text: string, who: Who, at?: Date) => (await app.pipeline.handle(textAt(text, who, at)))!;
  const click = async (intent: string, params: Record<string, unknown>, who: Who, at?: Date) => (await app.pipeline.handle(actionAt(intent, params, who, at)))!;
  const db = () => app.services.db;
  const bookingsOf = async (seriesNo: number) =>
    db().booking.findMany({ where: { session: { seriesNo } }, orderBy: { createdAt: "asc" } });
  const session = (seriesNo: number) => db().session.findUniqueOrThrow({ where: { seriesNo } });

  it("seeds the provisional series of 12 once, and lists it with free seats and buttons to book", async () => {
    expect(await db().session.count()).toBe(12);
    for (const q of ["相談会の予定は？", "よろず相談会の一覧", "sessions"]) {
      const r = await say(q, { user: "lister" });
      expect(r.intent, q).toBe("sessions_list");
    }
    const r = await say("相談会の予定は？", { user: "lister" });
    const list = r.reply.blocks.find((b) => b.type === "list");
    expect(list?.type === "list" && list.entries.length).toBe(12);
    expect(allText(r.reply)).toContain("第3回(仮)");
    expect(allText(r.reply)).toContain("残り50席");
    expect(allText(r.reply)).toContain("仮のもの");
    const choices = r.reply.blocks.flatMap((b) => (b.type === "choices" ? b.choices : []));
    expect(choices.map((c) => c.action)).toContainEqual({ intent: "session_book", params: { seriesNo: 3 } });
    const en = await say("list sessions", { user: "lister-en" });
    expect(allText(en.reply)).toContain("Session 3 (provisional)");
    expect(allText(en.reply)).toContain("50 of 50 seats left");
  });

  it("shows times in the reader's time zone when the platform gives it, Japan time otherwise", async () => {
    const tokyo = await say("sessions", { user: "tz-tokyo" });
    expect(allText(tokyo.reply)).toContain("Thu 18 Mar 2027, 14:00–16:00 (JST)");
    const la = await say("sessions", { user: "tz-la", timeZone: "America/Los_Angeles" });
    expect(allText(la.reply)).toContain("Wed 17 Mar 2027, 22:00–Thu 18 Mar 2027 00:00 (PDT, America/Los_Angeles)");
  });

  it("books 「第3回を予約」 (not item No.3) with a calendar invite, then takes the next message as the topic", async () => {
    const alice: Who = { user: "alice", orgName: "株式会社エー", name: "Alice" };
    const r = await say("第3回を予約", alice);
    expect(r.intent).toBe("session_book");
    expect(r.reply.text).toContain("第3回(仮) 取引先・委託先の管理 の席を予約しました");
    expect(r.reply.private).toBe(true);
    const [row] = await bookingsOf(3);
    expect(row).toMatchObject({ status: "confirmed", topic: null, revision: 0 });
    const invite = inviteOf(r.reply);
    expect(invite).toMatchObject({ method: "REQUEST", uid: `booking-${row.id}@jama-checksheet-assistant`, sequence: 0, status: "CONFIRMED" });
    expect(invite.start.toISOString()).toBe("2027-03-18T05:00:00.000Z");
    expect((await session(3)).confirmedCount).toBe(1);

    const topic = await say("ランサムウェア対策とバックアップの世代管理について相談したい", alice);
    expect(topic.intent).toBe("session_topic");
    expect(topic.reply.text).toContain("ご相談テーマを登録しました");
    expect((await bookingsOf(3))[0].topic).toBe("ランサムウェア対策とバックアップの世代管理について相談したい");
    // the question was answered: the next message is an ordinary one again
    const item = await say("No.115", alice);
    expect(item.intent).toBe("show_item");

    const mine = await say("予約を確認", alice);
    expect(mine.intent).toBe("my_bookings");
    expect(allText(mine.reply)).toContain("第3回(仮)");
    expect(allText(mine.reply)).toContain("ランサムウェア対策");
    // the topic can be changed any time
    const changed = await say("第3回の相談テーマ: 取引先からの要求への対応", alice);
    expect(changed.intent).toBe("session_topic");
    expect((await bookingsOf(3))[0].topic).toBe("取引先からの要求への対応");
  });

  it("lets the topic be skipped with a button", async () => {
    const bob: Who = { user: "bob-skip" };
    const r = await say("book session 2", bob);
    expect(r.intent).toBe("session_book");
    const skip = r.reply.blocks.flatMap((b) => (b.type === "choices" ? b.choices : [])).find((c) => c.action.params.skip);
    expect(skip).toBeDefined();
    const s = await click(skip!.action.intent, skip!.action.params, bob);
    expect(s.intent).toBe("session_topic");
    expect(s.reply.text).toMatch(/bring your topic on the day/);
    expect((await db().booking.findFirst({ where: { session: { seriesNo: 2 } } }))?.topic).toBeNull();
  });

  it("books once on a double click: one confirmation with the invite, and 「すでに予約済みです」 without a second one", async () => {
    const carol: Who = { user: "carol" };
    const [a, b] = await Promise.all([click("session_book", { seriesNo: 4 }, carol), click("session_book", { seriesNo: 4 }, carol)]);
    expect(a.intent).toBe("session_book");
    const [booked, again] = files(a.reply).length ? [a, b] : [b, a];
    expect(booked.reply.text).toContain("席を予約しました");
    expect(again.reply.text).toContain("すでに予約済みです");
    expect(files(again.reply)).toEqual([]);
    expect(inviteOf(booked.reply).uid).toContain((await bookingsOf(4))[0].id);
    expect(await bookingsOf(4)).toHaveLength(1);
    expect((await session(4)).confirmedCount).toBe(1);
  });

  it("offers the waitlist when full, tells the place in the queue, and promotes on cancellation with a proactive message", async () => {
    const setCap = await say("第5回の定員を1に", SEC);
    expect(setCap.intent).toBe("sessions_manage");
    expect(setCap.reply.text).toContain("定員: 50 → 1");
    const dan: Who = { user: "dan", org: "console:org-d" };
    const eve: Who = { user: "eve", org: "console:org-e", name: "Eve" };
    const fay: Who = { user: "fay", org: "console:org-f" };
    expect((await say("第5回を予約", dan)).reply.text).toContain("席を予約しました");

    const full = await say("第5回に申し込みたい", eve);
    expect(full.reply.text).toContain("満席です(キャンセル待ち 0 人)");
    const join = full.reply.blocks.flatMap((b) => (b.type === "choices" ? b.choices : []))[0];
    expect(join.action).toEqual({ intent: "session_book", params: { seriesNo: 5, waitlist: true } });
    const eveWait = await click(join.action.intent, join.action.params, eve);
    expect(eveWait.reply.text).toContain("現在 1 番目");
    const fayWait = await say("第5回のキャンセル待ちに登録", fay);
    expect(fayWait.reply.text).toContain("現在 2 番目");
    const listed = await say("相談会の予定", fay);
    expect(allText(listed.reply)).toContain("満席・キャンセル待ち2人");
    expect(allText(listed.reply)).toContain("キャンセル待ち2番目");

    const cancel = await say("第5回をキャンセル", dan);
    expect(cancel.intent).toBe("session_cancel");
    expect(cancel.reply.text).toContain("予約を取り消しました");
    const cancelInvite = inviteOf(cancel.reply);
    expect(cancelInvite).toMatchObject({ method: "CANCEL", status: "CANCELLED", sequence: 1 });

    const rows = await bookingsOf(5);
    expect(rows.map((b) => [b.userId === rows[0].userId ? "dan" : "", b.status])).toEqual([
      ["dan", "cancelled"],
      ["", "confirmed"],
      ["", "waitlisted"],
    ]);
    expect((await session(5)).confirmedCount).toBe(1);
    const fayNow = await say("予約を確認", fay);
    expect(allText(fayNow.reply)).toContain("キャンセル待ち 1番目");

    // the promotion reaches Eve proactively, once, on the channel she booked from
    const tick = await app.booking.outbox.tick(BOOKING_TIME);
    expect(tick.sent).toBe(1);
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0].ref).toEqual({ user: "eve" });
    expect(sender.sent[0].reply.text).toContain("キャンセル待ちをしていた 第5回(仮)");
    expect(inviteOf(sender.sent[0].reply)).toMatchObject({ method: "REQUEST" });
    expect((await app.booking.outbox.tick(BOOKING_TIME)).sent).toBe(0);
    expect(sender.sent).toHaveLength(1);
  });

  it("refuses a cancellation after the cut-off, and a booking of a closed or cancelled session", async () => {
    const gil: Who = { user: "gil" };
    await say("第6回を予約", gil);
    const s6 = await session(6);
    const late = new Date(s6.cancelCutoffAt!.getTime() + 60_000);
    const r = await say("第6回をキャンセル", gil, late);
    expect(r.reply.text).toContain("キャンセル期限");
    expect(r.reply.text).toContain("何も変更していません");
    expect((await bookingsOf(6))[0].status).toBe("confirmed");

    expect((await say("第7回の受付を締め切る", SEC)).reply.text).toContain("状態: 受付中 → 締切");
    expect((await say("第7回を予約", gil)).reply.text).toContain("受付を終了しています");
    expect(await bookingsOf(7)).toHaveLength(0);
    expect((await say("第7回の受付を再開", SEC)).reply.text).toContain("→ 受付中");
    expect((await say("第7回を予約", gil)).reply.text).toContain("席を予約しました");

    // cancelling a session asks first, then tells its registrants with a calendar cancellation
    const ask = await say("第7回を中止", SEC);
    expect(ask.intent).toBe("sessions_manage");
    expect(ask.reply.text).toContain("中止しますか");
    expect((await session(7)).status).toBe("open");
    const confirm = ask.reply.blocks.flatMap((b) => (b.type === "choices" ? b.choices : []))[0];
    const done = await click(confirm.action.intent, confirm.action.params, SEC);
    expect(done.reply.text).toContain("登録者1名にお知らせ");
    expect((await session(7)).status).toBe("cancelled");
    expect((await say("第7回を予約", { user: "hal" })).reply.text).toContain("中止になりました");
    // an old "book" button of someone already booked says the same, not "booked"
    expect((await click("session_book", { seriesNo: 7 }, gil)).reply.text).toContain("中止になりました");
    await app.booking.outbox.tick(BOOKING_TIME);
    const notice = sender.sent.find((m) => (m.ref as { user: string }).user === "gil");
    expect(notice?.reply.text).toContain("中止になりました");
    expect(inviteOf(notice!.reply)).toMatchObject({ method: "CANCEL", sequence: 1 });
  });

  it("sends an updated invite with a higher SEQUENCE when the secretariat moves a session", async () => {
    const ivy: Who = { user: "ivy" };
    const booked = await say("第8回を予約", ivy);
    const first = inviteOf(booked.reply);
    const moved = await say("第8回の日時を2027-08-26 15:00-17:00に", SEC);
    expect(moved.reply.text).toContain("開始: 2027-08-19 14:00 → 2027-08-26 15:00");
    await app.booking.outbox.tick(BOOKING_TIME);
    const notice = sender.sent.find((m) => (m.ref as { user: string }).user === "ivy");
    expect(notice?.reply.text).toContain("日時が変更されました");
    const updated = inviteOf(notice!.reply);
    expect(updated.uid).toBe(first.uid);
    expect(updated.sequence).toBeGreaterThan(first.sequence);
    expect(updated.start.toISOString()).toBe("2027-08-26T06:00:00.000Z");
  });

  it("refuses the secretariat's commands to members, and changes nothing", async () => {
    const member: Who = { user: "mallory" };
    for (const q of ["第3回の定員を30に", "第9回を中止", "第9回の参加者", "第3回の参加者に連絡: テスト", "第13回を追加 タイトル=x; 日時=2027-12-20 14:00-16:00; 定員=5"]) {
      const r = await say(q, member);
      expect(r.reply.text, q).toContain("事務局のみ");
    }
    expect((await session(3)).capacity).toBe(50);
    expect((await session(9)).status).toBe("open");
    expect(await db().session.count({ where: { seriesNo: 13 } })).toBe(0);
    expect(await db().outboxMessage.count({ where: { kind: "broadcast" } })).toBe(0);
  });

  it("answers bad input politely and changes nothing", async () => {
    const before = await session(3);
    const bad = await say("第3回の定員をたくさんに", SEC);
    expect(bad.reply.text).toContain("何も変更していません");
    const low = await say("第3回の定員を0に", SEC);
    expect(low.reply.text).toContain("定員をそれより少なくはできません");
    const times = await say("第3回を変更 開始=2027-03-18 18:00", SEC);
    expect(times.reply.text).toContain("終了は開始より後に");
    const unknown = await say("第3回を変更 色=赤", SEC);
    expect(unknown.reply.text).toContain("「色」という項目はありません");
    expect(await session(3)).toEqual(before);
    expect((await say("第99回を予約", { user: "x" })).reply.text).toContain("第99回という相談会はありません");
    const forged = await click("session_book", { seriesNo: "3; DROP TABLE" }, { user: "x" });
    expect(forged.reply.text).toContain("読み取れませんでした");
    expect(await db().booking.count({ where: { userId: (await db().user.findFirst({ where: { platformUserId: "x" } }))!.id } })).toBe(0);
  });

  it("makes the secretariat confirm a cancellation written as a change, and refuses a session in the past", async () => {
    const cancel = await say("第10回を変更 状態=中止", SEC);
    expect(cancel.reply.text).toContain("中止しますか");
    expect((await app.services.booking.session(10))?.status).not.toBe("cancelled");
    const past = await say("第14回を追加 タイトル=過去; 日時=2020-01-16 14:00-16:00; 定員=5", SEC);
    expect(past.reply.text).toContain("過去");
    expect(await app.services.booking.session(14)).toBeFalsy();
  });

  it("lets the secretariat add a session, list registrants with a CSV, and message them through the outbox", async () => {
    const add = await say("第13回を追加 タイトル=総復習と来年度に向けて; 日時=2027-12-20 14:00-16:00; 定員=2; 分野=backup-recovery, incident-response", SEC);
    expect(add.reply.text).toContain("第13回 総復習と来年度に向けて を追加しました");
    const kim: Who = { user: "kim", org: "console:org-k", orgName: "株式会社ケー", name: "Kim Person" };
    const lee: Who = { user: "lee", org: "console:org-l", orgName: "エル工業", name: "Lee Person" };
    await say("第13回を予約", kim);
    await say("相談したいのはBCPです", kim);
    await say("第13回を予約", lee);

    const list = await say("第13回の参加者", SEC);
    expect(list.intent).toBe("session_registrants");
    expect(allText(list.reply)).toContain("株式会社ケー — Kim Person(テーマ: 相談したいのはBCPです)");
    const csvReply = await say("第13回の参加者CSV", SEC);
    const [csv] = files(csvReply.reply);
    expect(csv.name).toBe("session-13-registrants.csv");
    const rows = parseCsv(csv.data.toString("utf8"));
    expect(rows[0]).toEqual(["回", "状態", "順番", "会社", "氏名", "相談テーマ", "申込日時(日本時間)", "経路"]);
    expect(rows.slice(1).map((r) => [r[1], r[3], r[4], r[5]])).toEqual([
      ["予約済み", "株式会社ケー", "Kim Person", "相談したいのはBCPです"],
      ["予約済み", "エル工業", "Lee Person", ""],
    ]);
    // names are shown to the secretariat, never written to the logs
    expect(app.logs.join("\n")).not.toContain("Kim Person");
    expect(app.logs.join("\n")).not.toContain("株式会社ケー");

    const draft = await say("第13回の参加者に連絡: 当日は10分前から入室できます。", SEC);
    expect(draft.intent).toBe("session_broadcast");
    expect(draft.reply.text).toContain("2名に、次の内容を送ります");
    expect(await db().outboxMessage.count({ where: { kind: "broadcast" } })).toBe(0);
    const send = await click("session_broadcast", { confirm: true }, SEC);
    expect(send.reply.text).toContain("2名に送信します");
    await app.booking.outbox.tick(BOOKING_TIME);
    const got = sender.sent.filter((m) => m.reply.text.includes("当日は10分前から入室できます"));
    expect(got.map((m) => (m.ref as { user: string }).user).sort()).toEqual(["kim", "lee"]);
    // a second click on the same confirmation sends nothing more
    const again = await click("session_broadcast", { confirm: true }, SEC);
    expect(again.reply.text).toContain("見つかりませんでした");
  });

  it("tells a second person of a company over its cap, and says 'please retry' when the database stays busy", async () => {
    expect((await say("第9回の1社上限を1に", SEC)).reply.text).toContain("1社上限: 2 → 1");
    expect((await say("第9回を予約", { user: "nao", org: "console:org-n" })).reply.text).toContain("席を予約しました");
    const second = await say("第9回を予約", { user: "oto", org: "console:org-n" });
    expect(second.reply.text).toContain("1社あたり1名まで");
    expect((await bookingsOf(9)).map((b) => b.status)).toEqual(["confirmed"]);

    const real = app.services.booking;
    app.services.booking = new BookingService(db(), {
      areaIds: real.areaIds,
      log: app.log,
      retry: { baseMs: 1 },
      faults: { beforeCommit: (tx) => tx.$executeRawUnsafe(`DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$`).then(() => undefined) },
    });
    try {
      const busy = await say("第10回を予約", { user: "pia", org: "console:org-p" });
      expect(busy.intent).toBe("session_book");
      expect(busy.reply.text).toContain("もう一度お試しください");
      expect(busy.reply.text).toContain("何も変更していません");
    } finally {
      app.services.booking = real;
    }
    expect(await bookingsOf(10)).toHaveLength(0);
    expect((await session(10)).confirmedCount).toBe(0);
  });

  it("suggests the sessions whose areas cover the organisation's 未達成 items", async () => {
    const who: Who = { user: "rec", org: "console:org-rec" };
    await say("ヘルプ", who); // creates the organisation
    const org = await db().organization.findUniqueOrThrow({ where: { externalKey: "console:org-rec" } });
    const assessment = await db().assessment.create({ data: { orgId: org.id, fiscalYear: 2026, guidelineVersion: "2.3" } });
    const items = app.services.kb.itemsOfArea("backup-recovery").slice(0, 2).map((i) => i.no);
    expect(items.length).toBe(2);
    await db().answer.createMany({ data: items.map((itemNo) => ({ assessmentId: assessment.id, orgId: org.id, itemNo, status: "not_achieved" })) });
    const r = await say("おすすめの相談会は？", who);
    expect(r.intent).toBe("sessions_recommend");
    expect(allText(r.reply)).toContain("第12回(仮) バックアップと復旧・物理的対策");
    expect(allText(r.reply)).toContain(`No.${items[0]}`);
    // another organisation's answers are not used
    const other = await say("おすすめの相談会は？", { user: "rec2", org: "console:org-other" });
    expect(allText(other.reply)).not.toContain(`未達成: No.${items[0]}`);
  });
});
