// Recording an answer in one statement (src/assessment/record-statement.ts) writes exactly what the
// transaction writes: the same answer rows, the same audit events; it gives way to the transaction
// for a company's first answer of the year and for a row someone added meanwhile, and many people
// answering one item at once are still serialised. Behind the tenant walls, on PGlite and PostgreSQL.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import { AssessmentError, type AnswerChange, type AssessmentService } from "../../src/assessment/service.ts";
import { recordInOneStatement } from "../../src/assessment/record-statement.ts";

const AT = new Date("2026-11-20T03:00:00Z");

describeEachDb("recording an answer in one statement", (kind) => {
  let app: TestApp;
  let service: AssessmentService;
  beforeAll(async () => {
    app = await createTestApp({}, { dbKind: kind });
    service = app.services.assessment.service;
  });
  afterAll(async () => app?.close());
  const db = () => app.services.db;

  async function company(name: string): Promise<string> {
    await app.pipeline.handle(textTurn("ヘルプ", { org: name, user: `U${name}`, platform: "slack", conversation: `slack:D${name}` }));
    return (await db().organization.findUniqueOrThrow({ where: { externalKey: name } })).id;
  }
  const walled = <T>(orgId: string, fn: () => Promise<T>) => app.services.walls.forOrg(orgId, fn);
  const source = (i: number) => ({ channel: "slack", deliveryId: `d-${i}`, at: new Date(AT.getTime() + i * 1000) });

  async function trail(orgId: string) {
    const answers = await db().answer.findMany({ where: { orgId }, orderBy: { itemNo: "asc" } });
    const events = await db().answerEvent.findMany({ where: { orgId }, orderBy: { id: "asc" } });
    return {
      answers: answers.map(({ itemNo, status, note, evidenceUrl, answeredAt, revision }) => ({ itemNo, status, note, evidenceUrl, answeredAt, revision })),
      events: events.map(({ itemNo, channel, kind, oldStatus, newStatus, oldNote, newNote, oldEvidence, newEvidence, deliveryId, at }) => ({
        itemNo, channel, kind, oldStatus, newStatus, oldNote, newNote, oldEvidence, newEvidence, deliveryId, at,
      })),
    };
  }

  it("writes the same rows and audit events as the transaction, and gives way for the first answer of the year", async () => {
    const [x, y] = [await company("slack:TSTMTX"), await company("slack:TSTMTY")];
    const steps: AnswerChange[][] = [
      [{ no: 5, status: "achieved", note: "EDR導入済み" }],
      [{ no: 5, status: "achieved" }], // same status: the note stays
      [{ no: 5, status: "not_achieved" }], // another status: the note goes
      [{ no: 5, evidence: "https://example.com/evidence" }], // evidence only: the status stays
      [{ no: 7, status: "not_applicable", note: "該当システムなし" }, { no: 5, note: null }, { no: 6, status: "achieved" }],
      [{ no: 6, status: "unanswered" }],
    ];
    const xActor = { userId: randomUUID(), orgId: x };
    const yActor = { userId: randomUUID(), orgId: y };
    const fy = service.fiscalYear(AT);
    // no assessment yet: the statement writes nothing and leaves it to the transaction
    expect(await walled(x, () => recordInOneStatement(db(), { orgId: x, fiscalYear: fy, guidelineVersion: app.services.kb.version }, xActor, source(0), steps[0], { changeId: randomUUID(), kind: "set" }))).toBeNull();
    expect(await db().answerEvent.count({ where: { orgId: x } })).toBe(0);

    const viaStatement = [];
    const viaTransaction = [];
    for (const [i, changes] of steps.entries()) {
      viaStatement.push(await walled(x, () => service.recordCurrent(x, AT, xActor, source(i), changes)));
      const a = await walled(y, () => service.current(y, AT));
      viaTransaction.push(await walled(y, () => service.record(a, yActor, source(i), changes)));
    }
    // the second step on went through the statement
    expect(await walled(x, () => recordInOneStatement(db(), { orgId: x, fiscalYear: fy, guidelineVersion: app.services.kb.version }, xActor, source(9), [{ no: 9, status: "achieved" }], { changeId: randomUUID(), kind: "set" }))).not.toBeNull();
    await walled(y, async () => service.record(await service.current(y, AT), yActor, source(9), [{ no: 9, status: "achieved" }]));

    const strip = (r: { results: { eventId: bigint }[] }) => r.results.map(({ eventId: _, ...rest }) => rest);
    expect(viaStatement.map(strip)).toEqual(viaTransaction.map(strip));
    expect(viaStatement[1].assessment).toEqual(await service.current(x, AT));
    const [tx, ty] = [await trail(x), await trail(y)];
    expect(tx).toEqual(ty);
    expect(tx.answers.find((a) => a.itemNo === 5)).toMatchObject({ status: "not_achieved", note: null, evidenceUrl: "https://example.com/evidence", revision: 5 });
    // the events' ids are those the results name
    const ids = (await db().answerEvent.findMany({ where: { orgId: x }, orderBy: { id: "asc" } })).map((e) => e.id);
    expect(viaStatement.flatMap((r) => r.results.map((c) => c.eventId))).toEqual(ids.slice(0, -1));
  });

  it("serialises many people answering one item at once, new row or not, and refuses a submitted sheet", async () => {
    const org = await company("slack:TSTMTC");
    const first = { userId: randomUUID(), orgId: org };
    await walled(org, () => service.recordCurrent(org, AT, first, source(0), [{ no: 1, status: "achieved" }])); // the assessment exists
    for (const no of [115, 1]) {
      const people = Array.from({ length: 30 }, () => ({ userId: randomUUID(), orgId: org }));
      const settled = await Promise.allSettled(
        people.map((p, i) => walled(org, () => service.recordCurrent(org, AT, p, source(i), [{ no, status: i % 2 ? "achieved" : "not_achieved" }]))),
      );
      expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
      const rows = await db().answer.findMany({ where: { orgId: org, itemNo: no } });
      expect(rows).toHaveLength(1);
      const events = await db().answerEvent.findMany({ where: { orgId: org, itemNo: no }, orderBy: { id: "asc" } });
      const before = no === 1 ? 1 : 0;
      expect(events).toHaveLength(30 + before);
      if (!before) expect(events[0].oldStatus).toBe("unanswered");
      for (let i = 1; i < events.length; i++) expect(events[i].oldStatus).toBe(events[i - 1].newStatus);
      expect(rows[0]).toMatchObject({ status: events.at(-1)!.newStatus, answeredById: events.at(-1)!.actorId, revision: 30 + before });
    }

    await db().assessment.updateMany({ where: { orgId: org }, data: { status: "submitted" } });
    const count = await db().answerEvent.count({ where: { orgId: org } });
    await expect(walled(org, () => service.recordCurrent(org, AT, first, source(99), [{ no: 2, status: "achieved" }]))).rejects.toEqual(new AssessmentError("locked"));
    expect(await db().answerEvent.count({ where: { orgId: org } })).toBe(count);
    expect(await db().answer.count({ where: { orgId: org, itemNo: 2 } })).toBe(0);
  });
});
