// Bringing suppliers along (issue 13), through the real pipeline: a buyer on Slack invites, a
// supplier on Teams joins with the code and its admin consents (summary, then per item), the buyer
// sees where each supplier stands and exports it, reminds it (once a week), the supplier stops the
// reminders and withdraws; a supplier invites its own supplier and the buyer sees counts only; the
// secretariat sees counts only. Attackers: guessed codes, a used or expired code, forged ids.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import type { Turn } from "../../src/core/turn.ts";
import type { Reply } from "../../src/core/reply.ts";
import { replyChoices } from "../../src/core/reply.ts";
import { ATTEMPTS } from "../../src/suppliers/codes.ts";

const DAY = 86_400_000;
// a fixed day, far from any real date: the whole story runs on the turns' own clock
const T0 = new Date("2031-01-10T02:00:00Z");
const at = (days: number) => new Date(T0.getTime() + days * DAY);

type Who = { org: string; orgName?: string; user: string; platform: "slack" | "teams" | "console"; at?: Date };
const BUYER: Omit<Who, "user"> = { org: "slack:T-BUYER", orgName: "トヨミ自動車", platform: "slack" };
const SUPPLIER: Omit<Who, "user"> = { org: "teams:tenant-supplier", orgName: "Sample Parts Co.", platform: "teams" };
const TIER2: Omit<Who, "user"> = { org: "teams:tenant-tier2", orgName: "Tier Two Metal", platform: "teams" };
const OTHER: Omit<Who, "user"> = { org: "slack:T-OTHER", orgName: "Other Motors", platform: "slack" };
const CODE = /\b([0-9A-Z]{5}-[0-9A-Z]{5})\b/;

let seq = 0;
function turn(who: Who, input: Turn["input"], files?: Turn["files"]): Turn {
  const key = `${who.platform}:${who.org}:${who.user}`;
  return {
    platform: who.platform,
    deliveryId: `sup-${process.pid}-${++seq}`,
    org: { externalKey: who.org, name: who.orgName },
    user: { platformUserId: who.user, name: who.user },
    conversation: { key, kind: "personal", reference: { key, data: { to: key } } },
    input,
    files,
    ...(who.platform === "teams" ? { filesAsLinks: true } : {}),
    receivedAt: who.at ?? T0,
  };
}

const all = (r: Reply) => JSON.stringify(r);

describeEachDb("suppliers: invite, consent, roll-out", (kind) => {
  let app: TestApp;
  const sent: { ref: unknown; reply: Reply }[] = [];
  beforeAll(async () => {
    app = await createTestApp({ SECRETARIAT_USERS: "console:sec" }, { dbKind: kind });
    const record = async (ref: unknown, reply: Reply) => void sent.push({ ref, reply });
    app.booking.senders.teams = record;
    app.booking.senders.slack = record;
  });
  afterAll(async () => app?.close());

  const say = async (who: Who, text: string) => (await app.pipeline.handle(turn(who, { kind: "text", text })))!;
  const click = async (who: Who, intent: string, params: Record<string, unknown>) => (await app.pipeline.handle(turn(who, { kind: "action", action: { intent, params } })))!;
  const db = () => app.services.db;
  const buyerAdmin: Who = { ...BUYER, user: "b-admin" };
  const buyerMember: Who = { ...BUYER, user: "b-member" };
  const supAdmin: Who = { ...SUPPLIER, user: "s-admin" };
  const supMember: Who = { ...SUPPLIER, user: "s-member" };
  let code = "";
  let invId = "";

  it("an admin invites one supplier and gets a code and a message in both languages; nothing else is kept of the code", async () => {
    await say(buyerAdmin, "ヘルプ"); // first of the company: admin
    await say(buyerMember, "ヘルプ");
    const refused = await say(buyerMember, "取引先に自己評価を依頼 株式会社サンプル部品");
    expect(refused.reply.text).toContain("管理者のみ");

    const r = await say(buyerAdmin, "取引先に自己評価を依頼 株式会社サンプル部品 期限 2031-02-28 連絡先 yamada@sample.example");
    expect(r.intent).toBe("supplier_invite");
    expect(r.reply.private).toBe(true);
    code = CODE.exec(r.reply.text)![1];
    const text = all(r.reply);
    for (const s of ["Slack", "Teams", "どちらもお使いでない場合", "With neither", "参加コード", "How to join", "2031-02-28", "株式会社サンプル部品", "トヨミ自動車"]) expect(text).toContain(s);
    const rows = await db().supplierInvitation.findMany({ where: { supplierName: "株式会社サンプル部品" } });
    expect(rows).toHaveLength(1);
    invId = rows[0].id;
    expect(rows[0].contact).toBe("yamada@sample.example");
    expect(rows[0].dueDate?.toISOString().slice(0, 10)).toBe("2031-02-28");
    expect(rows[0].expiresAt.getTime()).toBe(at(30).getTime());
    expect(JSON.stringify(rows[0])).not.toContain(code.replace("-", ""));
    expect(JSON.stringify(rows[0])).not.toContain(code);
  });

  it("asks back for what it cannot read and creates nothing (no name, an unreadable or past due date), in English too", async () => {
    const before = await db().supplierInvitation.count();
    expect((await say(buyerAdmin, "取引先に自己評価を依頼")).reply.text).toContain("例:");
    expect((await say(buyerAdmin, "invite a supplier Acme due next month")).reply.text).toContain("could not read");
    expect((await say(buyerAdmin, "invite a supplier Acme due 2030-12-31")).reply.text).toContain("has passed");
    expect(await db().supplierInvitation.count()).toBe(before);
    const en = await say(buyerAdmin, "invite a supplier Acme Castings due 2031-03-31");
    expect(en.reply.text).toMatch(/Invitation for "Acme Castings" created/);
  });

  it("a supplier's member on Teams enters the code; the admins are asked through the outbox, who asks and what is shared is said", async () => {
    await say(supAdmin, "help"); // first of the supplier: admin (English)
    const r = await say(supMember, `join ${code.toLowerCase()}`);
    expect(r.intent).toBe("supplier_join");
    expect(r.reply.text).toContain("トヨミ自動車");
    expect(r.reply.text).toContain("s-admin");
    expect(all(r.reply)).toContain("Not shared");
    const queued = await db().outboxMessage.findMany({ where: { kind: "supplier_consent_request" } });
    expect(queued).toHaveLength(1);
    await app.booking.outbox.tick(T0);
    const msg = sent.find((m) => m.reply.text.includes("トヨミ自動車"))!;
    expect(msg).toBeTruthy();
    const buttons = replyChoices(msg.reply).map((c) => c.action);
    expect(buttons).toContainEqual({ intent: "supplier_consent", params: { id: invId, decision: "accept", scope: "summary" } });
    // nothing is shared yet: the buyer sees the supplier joined, no figures
    const status = await say(buyerMember, "取引先の状況");
    expect(status.reply.text).toContain("参加済み 1");
    expect(all(status.reply)).not.toContain("Lv1 回答");
  });

  it("a member cannot decide; the admin shares the summary only, and the buyer sees figures but never item answers", async () => {
    const member = await click(supMember, "supplier_consent", { id: invId, decision: "accept", scope: "items" });
    expect(member.reply.text).toContain("organisation admin");
    const r = await click(supAdmin, "supplier_consent", { id: invId, decision: "accept", scope: "summary" });
    expect(r.reply.text).toContain("summary only");
    await say(supMember, "No.1は達成");
    await say(supMember, "No.2は未達成");
    const status = await say(buyerMember, "取引先の状況");
    expect(status.reply.text).toContain("回答中 1");
    expect(all(status.reply)).toMatch(/Lv1 回答2\/\d+/);
    const detail = await click(buyerMember, "supplier_status", { id: invId });
    expect(all(detail.reply)).toContain("概要のみ");
    expect(all(detail.reply)).not.toContain("未達成・未回答");
    expect(await app.services.suppliers.sharedItems((await org(BUYER.org)).id, invId, T0)).toBeNull();
  });

  it("answers per item are shown only after the supplier's admin chose it explicitly", async () => {
    await click(supAdmin, "supplier_consent", { id: invId, decision: "accept", scope: "items" });
    const detail = await click(buyerMember, "supplier_status", { id: invId });
    expect(all(detail.reply)).toContain("未達成・未回答");
    expect(all(detail.reply)).toContain("No.2");
    expect(all(detail.reply)).not.toMatch(/No\.1[,」 ]/);
    await click(supAdmin, "supplier_consent", { id: invId, decision: "accept", scope: "summary" });
    expect(all((await click(buyerMember, "supplier_status", { id: invId })).reply)).not.toContain("未達成・未回答");
  });

  it("exports the roll-out as xlsx and csv with only what consent covers", async () => {
    const r = await say(buyerMember, "取引先の状況をエクスポート");
    const files = r.reply.blocks.flatMap((b) => (b.type === "file" ? [b.file] : []));
    expect(files.map((f) => f.name.split(".").pop())).toEqual(["xlsx", "csv"]);
    const csv = files[1].data.toString("utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain("株式会社サンプル部品");
    expect(csv).toContain("Acme Castings");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(files[0].data as never);
    const ws = wb.worksheets[0];
    const names = ws.getColumn(1).values.slice(2);
    expect(names).toContain("株式会社サンプル部品");
    // Acme did not join: its figure columns are empty
    const acme = ws.getRows(2, ws.rowCount - 1)!.find((row) => row.getCell(1).value === "Acme Castings")!;
    expect(acme.getCell(6).value ?? "").toBe("");
  });

  it("reminds the suppliers that have not submitted, once a week at most; the buyer sees when; the supplier can stop them", async () => {
    expect((await say(buyerMember, "未着手の取引先にリマインド")).reply.text).toContain("管理者のみ");
    const question = await say(buyerAdmin, "未着手の取引先にリマインド");
    expect(question.reply.text).toContain("1社");
    const yes = replyChoices(question.reply)[0].action;
    const done = await app.pipeline.handle(turn(buyerAdmin, { kind: "text", text: "はい" }));
    expect(done!.reply.text).toContain("リマインドを送ります");
    expect(yes).toEqual({ intent: "supplier_remind", params: { all: true, confirmed: true } });
    expect(await db().outboxMessage.count({ where: { kind: "supplier_reminder" } })).toBe(1);
    // the same week: nothing more, even by a forged button
    const again = await click(buyerAdmin, "supplier_remind", { ids: [invId], confirmed: true });
    expect(again.reply.text).toContain("送れる取引先がありませんでした");
    expect(await db().outboxMessage.count({ where: { kind: "supplier_reminder" } })).toBe(1);
    sent.length = 0;
    await app.booking.outbox.tick(T0);
    expect(sent.some((m) => m.reply.text.includes("2031-02-28"))).toBe(true);
    expect(all((await say(buyerMember, "取引先の状況")).reply)).toContain("リマインド 2031-01-10");
    // a week later it can go again, unless the supplier stopped it
    const ask = await say(supAdmin, "stop reminders");
    expect(ask.reply.text).toContain("Stop reminders from トヨミ自動車?");
    expect(replyChoices(ask.reply)[0].action).toEqual({ intent: "supplier_consent", params: { id: invId, decision: "reminders-off" } });
    const stop = await app.pipeline.handle(turn(supAdmin, { kind: "text", text: "yes" }));
    expect(stop!.reply.text).toContain("Reminders from トヨミ自動車 are stopped");
    const later = await app.pipeline.handle(turn({ ...buyerAdmin, at: at(8) }, { kind: "text", text: "未着手の取引先にリマインド" }));
    expect(later!.reply.text).toContain("今リマインドを送れる取引先はありません");
    expect(later!.reply.text).toContain("リマインド停止中");
  });

  it("a supplier invites its own supplier; the buyer sees counts, never the name", async () => {
    const r = await say(supAdmin, "invite a supplier Tier Two Metal");
    const code2 = CODE.exec(r.reply.text)![1];
    const t2 = { ...TIER2, user: "t2-admin" };
    const join = await say(t2, code2);
    expect(join.reply.text).toContain("Sample Parts Co.");
    await click(t2, "supplier_consent", { id: replyChoices(join.reply)[0].action.params.id, decision: "accept", scope: "summary" });
    const status = await say(buyerMember, "取引先の状況");
    expect(all(status.reply)).toContain("その先の取引先 1社(参加1・提出0)");
    expect(all(status.reply)).not.toContain("Tier Two");
  });

  it("the supplier sees its customers and withdraws at once; the buyer then sees no figures; all of it is in the audit trail", async () => {
    const list = await say(supMember, "shared with");
    expect(all(list.reply)).toContain("トヨミ自動車");
    expect(replyChoices(list.reply)).toHaveLength(0); // members see, admins change
    const ask = await say(supAdmin, "stop sharing");
    expect(ask.reply.text).toContain("Stop sharing with トヨミ自動車");
    const done = await app.pipeline.handle(turn(supAdmin, { kind: "text", text: "yes" }));
    expect(done!.reply.text).toContain("has stopped");
    const status = await say(buyerMember, "取引先の状況");
    expect(all(status.reply)).toContain("共有を停止");
    expect(all(status.reply)).not.toMatch(/Lv1 回答/);
    expect(await app.services.suppliers.sharedItems((await org(BUYER.org)).id, invId, T0)).toBeNull();
    const kinds = (await db().supplierEvent.findMany({ where: { invitationId: invId }, orderBy: { id: "asc" } })).map((e) => e.kind);
    expect(kinds).toEqual(["invite", "join", "accept", "scope", "scope", "remind", "reminders-off", "withdraw"]);
    const withdraw = await db().supplierEvent.findFirstOrThrow({ where: { invitationId: invId, kind: "withdraw" } });
    expect(withdraw.channel).toBe("teams");
    expect(withdraw.actorId).toBe((await user(SUPPLIER.org, "s-admin")).id);
  });

  it("a second customer gets its own consent; a second code of the same customer finds the link already there", async () => {
    const other = { ...OTHER, user: "o-admin" };
    await say(other, "ヘルプ");
    const code3 = CODE.exec((await say(other, "取引先に自己評価を依頼 Sample Parts")).reply.text)![1];
    const q = await say(supAdmin, code3);
    expect(q.reply.text).toContain("Other Motors");
    await click(supAdmin, "supplier_consent", { id: replyChoices(q.reply)[0].action.params.id, decision: "accept", scope: "summary" });
    const list = await say(supAdmin, "shared with");
    expect(all(list.reply)).toContain("Customers (2)");
    // toyomi's own second code for the same supplier: one consent per customer
    const dup = CODE.exec((await say(buyerAdmin, "取引先に自己評価を依頼 サンプル部品(重複)")).reply.text)![1];
    expect((await say(supAdmin, dup)).reply.text).toContain("already linked");
    // withdrawing from one customer leaves the other as it was
    await click(supAdmin, "supplier_consent", { id: replyChoices(q.reply)[0].action.params.id, decision: "withdraw" });
    const otherView = await say(other, "取引先の状況");
    expect(otherView.reply.text).toContain("辞退 1");
    expect((await db().supplierInvitation.findUniqueOrThrow({ where: { id: invId } })).status).toBe("withdrawn");
  });

  it("the secretariat sees counts only", async () => {
    const sec = { org: "console:secretariat", platform: "console" as const, user: "sec" };
    const r = await say(sec, "取引先展開の状況");
    expect(r.intent).toBe("supplier_overview");
    expect(r.reply.text).toMatch(/依頼元 3社から 5件の依頼。参加 3件/);
    expect(all(r.reply)).toContain("1次取引先");
    expect(all(r.reply)).toContain("2次取引先");
    for (const name of ["トヨミ", "Sample Parts", "Tier Two", "サンプル部品", "Acme"]) expect(all(r.reply)).not.toContain(name);
    expect((await say(buyerAdmin, "取引先展開の状況")).reply.text).toContain("事務局のみ");
  });

  it("attacker: a forged id from another organisation shows and changes nothing", async () => {
    const other = { ...OTHER, user: "o-admin" };
    const peek = await click(other, "supplier_status", { id: invId });
    expect(peek.reply.text).toContain("見つかりませんでした");
    expect(all(peek.reply)).not.toContain("サンプル部品");
    const grab = await click(other, "supplier_consent", { id: invId, decision: "accept", scope: "items" });
    expect(grab.reply.text).toContain("見つかりませんでした");
    const remind = await click(other, "supplier_remind", { ids: [invId], confirmed: true });
    expect(remind.reply.text).toContain("送れる取引先がありませんでした");
    expect((await db().supplierInvitation.findUniqueOrThrow({ where: { id: invId } })).status).toBe("withdrawn");
    const junk = await click(other, "supplier_status", { id: "not-a-uuid" });
    expect(junk.reply.text).toContain("読み取れませんでした");
  });

  it("attacker: a used code does nothing for another company, and an expired code is refused", async () => {
    const other = { ...OTHER, user: "o-admin" };
    const r = await say(other, `参加コード ${code}`);
    expect(r.reply.text).toContain("そのコードは使えません");
    const fresh = CODE.exec((await say(buyerAdmin, "取引先に自己評価を依頼 失効テスト社")).reply.text)![1];
    const late = await app.pipeline.handle(turn({ ...OTHER, user: "o-late", at: at(31) }, { kind: "text", text: `参加コード ${fresh}` }));
    expect(late!.reply.text).toContain("そのコードは使えません");
    const status = await app.pipeline.handle(turn({ ...buyerMember, at: at(31) }, { kind: "text", text: "取引先の状況" }));
    expect(status!.reply.text).toMatch(/期限切れ [1-9]/);
  });

  it("attacker: guessing codes stops after a few tries per person and per organisation, even for a right code", async () => {
    const right = CODE.exec((await say(buyerAdmin, "取引先に自己評価を依頼 総当たり対策テスト")).reply.text)![1];
    const guesser = { org: "slack:T-GUESS", orgName: "Guess Inc", platform: "slack" as const, user: "g0" };
    for (let i = 0; i < ATTEMPTS.perUser; i++) expect((await say(guesser, `参加コード ${fake(i)}`)).reply.text).toContain("そのコードは使えません");
    expect((await say(guesser, `参加コード ${right}`)).reply.text).toContain("しばらく受け付けません");
    // the organisation's other people share one budget
    for (let u = 1; u * ATTEMPTS.perUser < ATTEMPTS.perOrg; u++)
      for (let i = 0; i < ATTEMPTS.perUser; i++) await say({ ...guesser, user: `g${u}` }, `参加コード ${fake(u * 10 + i)}`);
    expect((await say({ ...guesser, user: "g-new" }, `参加コード ${right}`)).reply.text).toContain("しばらく受け付けません");
    expect((await db().supplierInvitation.findMany({ where: { supplierName: "総当たり対策テスト" } }))[0].supplierOrgId).toBeNull();
    // an hour later the person may try again, and the right code works
    const later = await app.pipeline.handle(turn({ ...guesser, user: "g-new", at: new Date(T0.getTime() + 2 * 3_600_000) }, { kind: "text", text: right }));
    expect(later!.intent).toBe("supplier_join");
    expect(later!.reply.text).toContain("トヨミ自動車");
    // the hourly housekeeping forgets tries that no longer count, and only those
    const guessOrg = await org("slack:T-GUESS");
    expect(await db().supplierCodeAttempt.count({ where: { orgId: guessOrg.id } })).toBeGreaterThan(0);
    await app.services.suppliers.pruneAttempts(new Date(T0.getTime() + 30 * 60_000));
    expect(await db().supplierCodeAttempt.count({ where: { orgId: guessOrg.id } })).toBeGreaterThan(0);
    await app.services.suppliers.pruneAttempts(new Date(T0.getTime() + 2 * 3_600_000));
    expect(await db().supplierCodeAttempt.count({ where: { orgId: guessOrg.id } })).toBe(0);
  });

  it("attacker: many tries sent at the same moment get no more than the limit", async () => {
    const burst = { org: "slack:T-BURST", orgName: "Burst Inc", platform: "slack" as const, user: "b0" };
    await say(burst, "help");
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => say(burst, `参加コード ${fake(500 + i)}`)));
    const looked = replies.filter((r) => r.reply.text.includes("そのコードは使えません")).length;
    expect(looked).toBeLessThanOrEqual(ATTEMPTS.perUser);
    expect(replies.filter((r) => r.reply.text.includes("しばらく受け付けません")).length).toBeGreaterThanOrEqual(30 - ATTEMPTS.perUser);
  });

  it("invites a list from a CSV: every broken row named and nothing created; a clean list invites all", async () => {
    const file = (text: string) => [{ name: "suppliers.csv", size: text.length, download: async () => Buffer.from(text, "utf8") }];
    const before = await db().supplierInvitation.count();
    const broken = "取引先名,連絡先,期限\n部品A社,a@example.jp,2031-02-01\n,b@example.jp,2031-02-01\n部品C社,,2031-13-01\n部品A社,,\n部品E社,,2030-01-01\n";
    const r = await app.pipeline.handle(turn(buyerAdmin, { kind: "text", text: "取引先に自己評価を依頼" }, file(broken)));
    expect(r!.intent).toBe("supplier_invite");
    for (const s of ["3行目", "4行目", "5行目", "6行目", "1社も依頼していません"]) expect(r!.reply.text).toContain(s);
    expect(r!.reply.text).not.toContain("・2行目");
    expect(await db().supplierInvitation.count()).toBe(before);
    const ok = "name,contact,due date\nAlpha Parts,a@example.com,2031-02-01\nBeta Plastics,,\n";
    const r2 = await app.pipeline.handle(turn(buyerAdmin, { kind: "text", text: "invite suppliers" }, file(ok)));
    expect(r2!.reply.text).toContain("Created 2 invitations");
    const csv = r2!.reply.blocks.flatMap((b) => (b.type === "file" ? [b.file] : []))[0].data.toString("utf8");
    expect(csv.match(/[0-9A-Z]{5}-[0-9A-Z]{5}/g)!.length).toBeGreaterThanOrEqual(2);
    expect(await db().supplierInvitation.count()).toBe(before + 2);
    // the same from an Excel list, with the date as a date cell
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("list");
    ws.addRow(["会社名", "担当者", "回答期限"]);
    ws.addRow(["ガンマ電装", "佐藤", new Date(Date.UTC(2031, 2, 1))]);
    ws.addRow(["デルタ樹脂", "", "2031/2/30"]);
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const xfile = [{ name: "list.xlsx", size: data.length, download: async () => data }];
    const bad = await app.pipeline.handle(turn(buyerAdmin, { kind: "text", text: "取引先に自己評価を依頼" }, xfile));
    expect(bad!.reply.text).toContain("3行目: 期限「2031/2/30」を日付として読めません");
    expect(await db().supplierInvitation.count()).toBe(before + 2);
    ws.getRow(3).getCell(3).value = "2031/3/30";
    const good = Buffer.from(await wb.xlsx.writeBuffer());
    const r3 = await app.pipeline.handle(turn(buyerAdmin, { kind: "text", text: "取引先に自己評価を依頼" }, [{ name: "list.xlsx", size: good.length, download: async () => good }]));
    expect(r3!.reply.text).toContain("2社への依頼を作りました");
    const gamma = await db().supplierInvitation.findFirstOrThrow({ where: { supplierName: "ガンマ電装" } });
    expect(gamma.dueDate?.toISOString().slice(0, 10)).toBe("2031-03-01");
    expect(gamma.contact).toBe("佐藤");
    // needing attention first: past its due date, then expired codes, refusals, not joined, joined…
    const view = await app.services.suppliers.rollout((await org(BUYER.org)).id, at(25));
    expect(view.rows[0]).toMatchObject({ name: "Alpha Parts", overdue: true, state: "invited" });
    const order = ["expired", "declined", "invited", "joined", "answering", "submitted"];
    const rest = view.rows.filter((x) => !x.overdue).map((x) => order.indexOf(x.state));
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
    expect(view.rows.at(-1)!.state).toBe("joined");
  });

  async function org(externalKey: string) {
    return db().organization.findUniqueOrThrow({ where: { externalKey } });
  }
  async function user(externalKey: string, platformUserId: string) {
    return db().user.findFirstOrThrow({ where: { platformUserId, org: { externalKey } } });
  }
});

/** A well-formed code that was never issued (the chance of hitting a real one is nil). */
function fake(i: number): string {
  const s = `ZZZZ${String(i).padStart(6, "0")}`.replace(/[IL]/g, "1");
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}
