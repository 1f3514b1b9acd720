// How people ask for sessions, and the secretariat's command syntax, read from text alone.
import { describe, expect, it } from "vitest";
import { findSeriesNo, isSkip, parseSessionCommand, readAdminRequest, readMemberRequest } from "../../src/booking/commands.ts";

describe("session numbers", () => {
  it.each([
    ["第3回を予約", 3],
    ["第１２回", 12],
    ["第三回に申し込み", 3],
    ["第十二回", 12],
    ["3回目に参加したい", 3],
    ["book session 3", 3],
    ["session #7 please", 7],
    ["相談会5に出たい", 5],
  ])("%s → %i", (text, n) => expect(findSeriesNo(text)).toBe(n));

  it("finds none in item numbers and dates", () => {
    for (const t of ["No.3", "3番", "2027年3月", "レベル3", "115"]) expect(findSeriesNo(t), t).toBeUndefined();
  });
});

describe("a member's requests", () => {
  it.each([
    ["第3回を予約", { kind: "book", seriesNo: 3, waitlist: false }],
    ["第３回に申し込みたい", { kind: "book", seriesNo: 3, waitlist: false }],
    ["3回目に参加したいです", { kind: "book", seriesNo: 3, waitlist: false }],
    ["book session 3", { kind: "book", seriesNo: 3, waitlist: false }],
    ["第3回のキャンセル待ちに登録", { kind: "book", seriesNo: 3, waitlist: true }],
    ["join the waitlist for session 4", { kind: "book", seriesNo: 4, waitlist: true }],
    ["第3回をキャンセル", { kind: "cancel", seriesNo: 3 }],
    ["第3回の予約を取り消したい", { kind: "cancel", seriesNo: 3 }],
    ["第3回のキャンセル待ちをやめる", { kind: "cancel", seriesNo: 3 }],
    ["cancel session 3", { kind: "cancel", seriesNo: 3 }],
    ["キャンセル", { kind: "cancel", seriesNo: undefined }],
    ["予約をキャンセルしたい", { kind: "cancel", seriesNo: undefined }],
    ["予約を確認", { kind: "my_bookings" }],
    ["自分の予約は？", { kind: "my_bookings" }],
    ["my bookings", { kind: "my_bookings" }],
    ["相談会の予定は？", { kind: "list" }],
    ["よろず相談会", { kind: "list" }],
    ["sessions", { kind: "list" }],
    ["予約したい", { kind: "list" }],
    ["おすすめの相談会は？", { kind: "recommend" }],
    ["どの回に参加すればいい？", { kind: "recommend" }],
    ["第3回の相談テーマ: ランサムウェア", { kind: "topic", seriesNo: 3, topic: "ランサムウェア" }],
    ["topic for session 2: backups", { kind: "topic", seriesNo: 2, topic: "backups" }],
    ["開催が決まったら通知", { kind: "notify", stop: false }],
    ["相談会の日程が決まったら教えて", { kind: "notify", stop: false }],
    ["相談会の開催が決まったらお知らせください", { kind: "notify", stop: false }],
    ["notify me when sessions are announced", { kind: "notify", stop: false }],
    ["通知をやめる", { kind: "notify", stop: true }],
    ["相談会の通知を解除したい", { kind: "notify", stop: true }],
    ["stop the session notice", { kind: "notify", stop: true }],
  ])("%s", (text, expected) => expect(readMemberRequest(text)).toEqual(expected));

  it("leaves item questions, answers and the secretariat's commands to others", () => {
    for (const t of ["No.3", "No.115は達成", "3番の達成条件は？", "回答を登録", "第5回を中止", "第3回の定員を30に", "第3回の参加者", "ヘルプ"])
      expect(readMemberRequest(t), t).toBeNull();
  });

  it("does not read a cancellation, or a notice about something else, as the session notice", () => {
    expect(readMemberRequest("第3回のキャンセル待ちをやめる")).toEqual({ kind: "cancel", seriesNo: 3 });
    for (const t of ["決まったら教えて", "通知の設定", "No.115が達成になったら通知して"]) expect(readMemberRequest(t)?.kind, t).not.toBe("notify");
  });

  it("knows a skip when it sees one", () => {
    for (const t of ["スキップ", "特になし", "なし。", "skip", "no thanks"]) expect(isSkip(t), t).toBe(true);
    for (const t of ["バックアップについて", "なしではない"]) expect(isSkip(t), t).toBe(false);
  });
});

describe("the secretariat's commands", () => {
  const ok = (text: string) => {
    const r = parseSessionCommand(text);
    if (!r || !r.ok) throw new Error(`${text}: ${JSON.stringify(r)}`);
    return r.command;
  };
  const problems = (text: string) => {
    const r = parseSessionCommand(text);
    if (!r || r.ok) throw new Error(`${text} should be refused: ${JSON.stringify(r)}`);
    return r.problems.join("\n");
  };

  it("changes one field in natural Japanese", () => {
    expect(ok("第3回の定員を30に")).toEqual({ op: "update", seriesNo: 3, patch: { capacity: 30 } });
    expect(ok("第3回の定員を３０人に変更してください")).toEqual({ op: "update", seriesNo: 3, patch: { capacity: 30 } });
    expect(ok("第3回の1社上限を3に")).toEqual({ op: "update", seriesNo: 3, patch: { perOrgCap: 3 } });
    expect(ok("第3回の会場を「自動車会館 大会議室」に")).toEqual({ op: "update", seriesNo: 3, patch: { venue: "自動車会館 大会議室", format: "venue" } });
    expect(ok("第3回のURLをhttps://example.jp/m?id=1に")).toEqual({ op: "update", seriesNo: 3, patch: { url: "https://example.jp/m?id=1" } });
    expect(ok("第3回の受付締切をなしに")).toEqual({ op: "update", seriesNo: 3, patch: { closesAt: null } });
    expect(ok("第3回の日時を2027/5/20 14:00〜16:30に")).toEqual({
      op: "update",
      seriesNo: 3,
      patch: { startsAt: new Date("2027-05-20T05:00:00Z"), endsAt: new Date("2027-05-20T07:30:00Z") },
    });
    expect(ok("第3回のキャンセル期限を2027-05-19 12:00に")).toEqual({ op: "update", seriesNo: 3, patch: { cancelCutoffAt: new Date("2027-05-19T03:00:00Z") } });
    expect(ok("第3回の分野をbackup-recovery、malwareに")).toEqual({ op: "update", seriesNo: 3, patch: { areas: ["backup-recovery", "malware"] } });
  });

  it("changes several fields, adds a session, and switches the state", () => {
    expect(ok("第3回を変更 定員=30; 1社上限=3; 仮=いいえ")).toEqual({ op: "update", seriesNo: 3, patch: { capacity: 30, perOrgCap: 3, provisional: false } });
    expect(ok("第13回を追加 タイトル=総復習; 日時=2027-12-16 14:00-16:00; 定員=40")).toEqual({
      op: "add",
      seriesNo: 13,
      patch: { title: "総復習", startsAt: new Date("2027-12-16T05:00:00Z"), endsAt: new Date("2027-12-16T07:00:00Z"), capacity: 40 },
    });
    expect(ok("admin session 3 set capacity=25; url: https://example.jp/x")).toEqual({ op: "update", seriesNo: 3, patch: { capacity: 25, url: "https://example.jp/x" } });
    expect(ok("第5回を中止")).toEqual({ op: "cancel", seriesNo: 5 });
    expect(ok("admin session 5 cancel")).toEqual({ op: "cancel", seriesNo: 5 });
    expect(ok("第3回の受付を締め切る")).toEqual({ op: "close", seriesNo: 3 });
    expect(ok("第3回の受付を再開")).toEqual({ op: "reopen", seriesNo: 3 });
  });

  it("names what is wrong, Japanese first", () => {
    expect(problems("第3回の定員をたくさんに")).toContain("定員は0〜10000の整数で");
    expect(problems("第3回を変更 色=赤")).toContain("「色」という項目はありません");
    expect(problems("第3回の日時を来週に")).toContain("2027-05-20 14:00-16:00");
    expect(problems("第3回のURLをexample.jpに")).toContain("https://");
    expect(problems("第13回を追加 タイトル=x")).toContain("日時・定員 が必要です");
    expect(problems("第3回を変更 定員 30")).toContain("「項目=値」");
    expect(problems("第3回の開始を2027-02-30 10:00に")).toContain("2027-05-20 14:00");
  });

  it("is not fooled by a member's words", () => {
    for (const t of ["第3回を予約", "第3回をキャンセル", "第3回の相談テーマ: バックアップ", "No.3の定員"]) expect(parseSessionCommand(t), t).toBeNull();
  });

  it("reads the registrant list, the CSV and a message to all", () => {
    expect(readAdminRequest("第3回の参加者")).toEqual({ kind: "registrants", seriesNo: 3, csv: false });
    expect(readAdminRequest("第3回の参加者一覧をCSVで")).toEqual({ kind: "registrants", seriesNo: 3, csv: true });
    expect(readAdminRequest("registrants of session 4 csv")).toEqual({ kind: "registrants", seriesNo: 4, csv: true });
    expect(readAdminRequest("第3回の参加者に連絡: 明日は10分前から入れます")).toEqual({ kind: "broadcast", seriesNo: 3, text: "明日は10分前から入れます", includeWaitlist: false });
    expect(readAdminRequest("第3回の参加者全員にお知らせ：資料を送ります")).toEqual({ kind: "broadcast", seriesNo: 3, text: "資料を送ります", includeWaitlist: true });
    expect(readAdminRequest("message registrants of session 3: see you")).toEqual({ kind: "broadcast", seriesNo: 3, text: "see you", includeWaitlist: false });
    expect(readAdminRequest("相談会の管理")).toEqual({ kind: "help" });
  });
});
