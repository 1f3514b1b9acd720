// One company never reads or changes another's answers, whatever it types or forges into a button
// payload; and many people answering at the same moment lose nothing and double nothing. On
// PGlite and on PostgreSQL (where the writes really run on separate connections).
import { afterAll, beforeAll, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { actionTurn, createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import type { Reply } from "../../src/core/reply.ts";
import type { Turn } from "../../src/core/turn.ts";
import { AssessmentError } from "../../src/assessment/service.ts";

function allText(reply: Reply): string {
  return JSON.stringify(reply.blocks) + reply.text;
}

describeEachDb("assessment isolation and concurrency", (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({}, { dbKind: kind });
  });
  afterAll(async () => app?.close());

  const run = async (turn: Turn) => (await app.pipeline.handle(turn))!;
  const db = () => app.services.db;
  const A = { org: "slack:TCOMPANYA", user: "UA1", platform: "slack" as const, conversation: "slack:DA1" };
  const B = { org: "slack:TCOMPANYB", user: "UB1", platform: "slack" as const, conversation: "slack:DB1" };
  const everything = async () => ({
    answers: await db().answer.findMany({ orderBy: [{ assessmentId: "asc" }, { itemNo: "asc" }] }),
    events: await db().answerEvent.findMany({ orderBy: { id: "asc" } }),
    assessments: await db().assessment.findMany({ orderBy: { id: "asc" } }),
    walks: await db().answerWalk.findMany({ orderBy: { userId: "asc" } }),
  });

  it("never shows or changes another organisation's data, whatever the button payload says", async () => {
    await run(textTurn("No.115は達成 EDR導入済み", A));
    await run(textTurn("レベル1を順番に回答", A));
    const orgA = await db().organization.findUniqueOrThrow({ where: { externalKey: A.org } });
    const assessmentA = await db().assessment.findFirstOrThrow({ where: { orgId: orgA.id } });
    const eventA = await db().answerEvent.findFirstOrThrow({ where: { orgId: orgA.id, itemNo: 115 } });
    const answerA = await db().answer.findFirstOrThrow({ where: { orgId: orgA.id, itemNo: 115 } });
    await run(textTurn("ヘルプ", B));
    const before = await everything();

    // forged payloads from B carrying A's ids: refused or scoped to B, never touching A
    const forged: [string, Record<string, unknown>][] = [
      ["record_answer", { nos: [115], choice: "not_achieved", assessmentId: assessmentA.id }],
      ["record_answer", { nos: [115], choice: "not_achieved", orgId: orgA.id }],
      ["record_answer", { nos: [115], choice: "not_achieved", answerId: answerA.id }],
      ["undo_answer", { changeId: eventA.changeId }],
      ["undo_answer", { changeId: eventA.changeId, assessmentId: assessmentA.id }],
      ["answer_followup", { text: "上書きしたいメモ" }],
      ["answer_followup", { confirm: true }],
      ["answer_walk", { action: "skip", no: 1 }],
      ["answer_walk", { action: "resume" }],
      ["answer_history", { no: 115, assessmentId: assessmentA.id }],
      ["lock_assessment", { action: "submit", assessmentId: assessmentA.id }],
      ["export_sheet", { format: "csv", orgId: orgA.id }],
    ];
    for (const [intent, params] of forged) {
      const r = await run(actionTurn(intent, params, B));
      expect(allText(r.reply), intent).not.toContain("EDR導入済み");
    }
    const after = await everything();
    expect(after.answers).toEqual(before.answers);
    expect(after.events).toEqual(before.events);
    // B may have got an (empty) assessment of its own by asking; A's is as it was
    const orgIdB = (await db().organization.findUniqueOrThrow({ where: { externalKey: B.org } })).id;
    expect(after.assessments.filter((x) => x.orgId !== orgIdB)).toEqual(before.assessments);
    expect(after.walks).toEqual(before.walks);

    // what B reads is B's own (empty) sheet
    for (const text of ["No.115", "No.115の履歴", "進捗", "重点課題", "No.115は達成?"]) {
      const r = await run(textTurn(text, B));
      expect(allText(r.reply), text).not.toContain("EDR導入済み");
      expect(allText(r.reply), text).not.toContain("貴社の回答: 達成");
    }
    const exp = await run(textTurn("エクスポート", B));
    const xlsx = exp.reply.blocks.flatMap((b) => (b.type === "file" ? [b.file] : []))[0];
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.data as never);
    expect(wb.worksheets[0].getRow(116).getCell(5).value).toBe("");

    // B's own undo has nothing of B's to take back
    const undo = await run(textTurn("元に戻す", B));
    expect(undo.reply.text).toContain("見つかりませんでした");
    const mineA = async () => ({
      answers: await db().answer.findMany({ where: { orgId: orgA.id }, orderBy: { itemNo: "asc" } }),
      events: await db().answerEvent.findMany({ where: { orgId: orgA.id }, orderBy: { id: "asc" } }),
    });
    expect(await mineA()).toEqual({ answers: before.answers.filter((x) => x.orgId === orgA.id), events: before.events.filter((x) => x.orgId === orgA.id) });

    // the service itself refuses a mismatched organisation, and every read filters by it
    const orgB = await db().organization.findUniqueOrThrow({ where: { externalKey: B.org } });
    const userB = await db().user.findFirstOrThrow({ where: { orgId: orgB.id } });
    const svc = app.services.assessment.service;
    await expect(svc.record(assessmentA, { userId: userB.id, orgId: orgB.id }, { channel: "slack", at: new Date("2026-12-01T10:00:00+09:00") }, [{ no: 115, status: "not_achieved" }])).rejects.toBeInstanceOf(AssessmentError);
    await expect(svc.record({ id: assessmentA.id, orgId: orgB.id }, { userId: userB.id, orgId: orgB.id }, { channel: "slack", at: new Date("2026-12-01T10:00:00+09:00") }, [{ no: 115, status: "not_achieved" }])).rejects.toMatchObject({ code: "not_found" });
    await expect(svc.undo({ id: assessmentA.id, orgId: orgB.id }, { userId: userB.id, orgId: orgB.id }, { channel: "slack", at: new Date("2026-12-01T10:00:00+09:00") }, eventA.changeId!)).rejects.toMatchObject({ code: "not_found" });
    expect((await svc.answers({ id: assessmentA.id, orgId: orgB.id })).size).toBe(0);
    expect((await svc.history({ id: assessmentA.id, orgId: orgB.id }, 115)).events).toEqual([]);
    expect((await svc.names(orgB.id, [answerA.answeredById])).size).toBe(0);
    expect((await db().answer.findFirstOrThrow({ where: { id: answerA.id } })).status).toBe("achieved");
  });

  it("keeps every one of 30 simultaneous answers to the same item: last write wins, all in the trail, one row", async () => {
    const org = "slack:TRACE";
    const users = Array.from({ length: 30 }, (_, i) => `UR${i}`);
    for (const u of users) await run(textTurn("ヘルプ", { org, user: u, platform: "slack", conversation: `slack:D${u}` }));
    const statuses = ["達成", "未達成"];
    const results = await Promise.all(
      users.map((u, i) => run(textTurn(`No.115は${statuses[i % 2]}`, { org, user: u, platform: "slack", conversation: `slack:D${u}` }))),
    );
    expect(results.every((r) => r.intent === "record_answer" && r.reply.text.includes("にしました"))).toBe(true);
    const orgId = (await db().organization.findUniqueOrThrow({ where: { externalKey: org } })).id;
    const rows = await db().answer.findMany({ where: { orgId } });
    expect(rows).toHaveLength(1);
    const events = await db().answerEvent.findMany({ where: { orgId, itemNo: 115 }, orderBy: { id: "asc" } });
    expect(events).toHaveLength(30);
    expect(new Set(events.map((e) => e.actorId)).size).toBe(30);
    // serialised: each write saw the one before it
    expect(events[0].oldStatus).toBe("unanswered");
    for (let i = 1; i < events.length; i++) expect(events[i].oldStatus).toBe(events[i - 1].newStatus);
    expect(rows[0].status).toBe(events[events.length - 1].newStatus);
    expect(rows[0].answeredById).toBe(events[events.length - 1].actorId);
    expect(rows[0].revision).toBe(30);
  });

  it("creates one assessment when a company's first answers arrive together, and overlapping ranges never deadlock", async () => {
    const org = "slack:TFIRST";
    const users = Array.from({ length: 20 }, (_, i) => `UF${i}`);
    for (const u of users) await run(textTurn("ヘルプ", { org, user: u, platform: "slack", conversation: `slack:D${u}` }));
    const texts = users.map((_, i) => (i % 2 ? `No.${1 + (i % 5)}〜${6 + (i % 5)} 達成` : `No.${3 + (i % 4)}〜${9 + (i % 4)} 未達成`));
    const results = await Promise.all(users.map((u, i) => run(textTurn(texts[i], { org, user: u, platform: "slack", conversation: `slack:D${u}` }))));
    expect(results.map((r) => r.intent)).toEqual(users.map(() => "record_answer"));
    const orgId = (await db().organization.findUniqueOrThrow({ where: { externalKey: org } })).id;
    expect(await db().assessment.count({ where: { orgId } })).toBe(1);
    const rows = await db().answer.findMany({ where: { orgId } });
    expect(new Set(rows.map((r) => r.itemNo)).size).toBe(rows.length);
    const expected = texts.reduce((n, t) => {
      const [a, b] = t.match(/\d+/g)!.map(Number);
      return n + (b - a + 1);
    }, 0);
    expect(await db().answerEvent.count({ where: { orgId } })).toBe(expected);
    // per item, the trail is a chain and the row holds its last state
    for (const row of rows) {
      const ev = await db().answerEvent.findMany({ where: { orgId, itemNo: row.itemNo }, orderBy: { id: "asc" } });
      for (let i = 1; i < ev.length; i++) expect(ev[i].oldStatus).toBe(ev[i - 1].newStatus);
      expect(row.status).toBe(ev[ev.length - 1].newStatus);
    }
  });

  it("lets no write slip in after the sheet is locked", async () => {
    const org = "slack:TLOCK";
    const admin = { org, user: "UADMIN", platform: "slack" as const, conversation: "slack:DADMIN" };
    await run(textTurn("ヘルプ", admin));
    const users = Array.from({ length: 20 }, (_, i) => `UL${i}`);
    for (const u of users) await run(textTurn("ヘルプ", { org, user: u, platform: "slack", conversation: `slack:D${u}` }));
    await run(textTurn("No.1は達成", admin)); // the assessment exists
    // locking asks first; the yes comes in together with the members' answers
    expect((await run(textTurn("提出済みにする", admin))).reply.text).toMatch(/よろしいですか|しますか/);
    const writes = users.map((u, i) => run(textTurn(`No.${10 + i}は達成`, { org, user: u, platform: "slack", conversation: `slack:D${u}` })));
    const lock = run(textTurn("はい", admin));
    const results = await Promise.all([...writes, lock]);
    const orgId = (await db().organization.findUniqueOrThrow({ where: { externalKey: org } })).id;
    const submit = await db().answerEvent.findFirstOrThrow({ where: { orgId, kind: "submit" } });
    const sets = await db().answerEvent.findMany({ where: { orgId, kind: "set" } });
    const accepted = results.slice(0, 20).filter((r) => r.reply.text.includes("にしました")).length;
    const refused = results.slice(0, 20).filter((r) => r.reply.text.includes("提出済み")).length;
    expect(accepted + refused).toBe(20);
    expect(sets).toHaveLength(accepted + 1);
    expect(sets.every((e) => e.id < submit.id)).toBe(true);
  });
});
