// Assessments and answers: one assessment per organisation, fiscal year and guideline version;
// one current answer per item; every change an append-only AnswerEvent written in the same
// transaction. Every method takes the caller's organisation id (resolved from the platform
// identity) and filters by it: no id from a button payload ever selects another company's rows.
//
// Concurrency: an answer is written under a row lock (INSERT … ON CONFLICT DO NOTHING, then
// SELECT … FOR UPDATE in ascending item order), so two people answering the same item at the same
// moment are serialised: the last write wins, both are in the audit trail, and no row is doubled.
// The assessment row is read FOR SHARE, so submitting ("提出済み") waits for writes in flight and
// no write slips in after it.
import { randomUUID } from "node:crypto";
import type { Db, Prisma, TenantWalls, TurnEffects } from "../db/client.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import { UNANSWERED, type AnswerChoices } from "./choices.ts";
import { fiscalYearOf } from "./fiscal-year.ts";
import { computeProgress, findGaps, type AnswerStatuses, type Level, type Progress } from "./progress.ts";
import { AGGREGATE_TTL_MS, Memo, type Aged } from "./aggregate-cache.ts";
import { rateDistribution, statusCounts, type RateDistribution, type StatusCounts } from "./aggregate.ts";
import { recordInOneStatement } from "./record-statement.ts";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface AssessmentRef {
  id: string;
  orgId: string;
  fiscalYear: number;
  guidelineVersion: string;
  targetLevel: number;
  status: string;
  submittedAt: Date | null;
}

export interface Actor {
  userId: string;
  orgId: string;
}

/** Where a change came from, for the audit trail. */
export interface Source {
  /** slack | teams | console | script */
  channel: string;
  deliveryId?: string;
  /** When the change was asked for (the turn's time): the audit trail and answeredAt use it. */
  at: Date;
}

export interface AnswerChange {
  no: number;
  /** a choice id or "unanswered"; undefined: keep the status (a note only) */
  status?: string;
  /** undefined: keep when the status stays, clear when it changes; null: clear */
  note?: string | null;
  /** undefined: keep; null: clear */
  evidence?: string | null;
}

export interface ChangeResult {
  no: number;
  oldStatus: string;
  newStatus: string;
  oldNote: string | null;
  newNote: string | null;
  evidence: string | null;
  eventId: bigint;
}

export interface CurrentAnswer {
  itemNo: number;
  status: string;
  note: string | null;
  evidenceUrl: string | null;
  answeredById: string | null;
  answeredAt: Date;
  revision: number;
}

export type AssessmentErrorCode = "locked" | "not_found" | "nothing_to_undo" | "undo_conflict" | "already_undone" | "bad_status";

export class AssessmentError extends Error {
  constructor(
    public readonly code: AssessmentErrorCode,
    public readonly detail: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = "AssessmentError";
  }
}

const TX = { maxWait: 15_000, timeout: 30_000 };
const ITEM_EVENT_KINDS = ["set", "note", "import", "carry-over"];

/** An answer row read under its row lock (same shape as the current answer). */
type LockedAnswer = CurrentAnswer;

export interface AssessmentServiceOptions {
  fiscalYearStartMonth: number;
  /** organisations needed before an anonymous average is shown */
  minOrgsForAverage?: number;
  /** figures across companies (anonymous averages, the secretariat's counts) take the walls' narrow path */
  walls?: TenantWalls;
  /** the turn's mark on its data changes (db/turn-effects.ts), which the one-statement record writes itself */
  effects?: TurnEffects;
}

export type DeploymentAverages = Awaited<ReturnType<AssessmentService["deploymentAverages"]>>;
export type Overview = Awaited<ReturnType<AssessmentService["overview"]>>;

export class AssessmentService {
  readonly minOrgsForAverage: number;
  /** deployment-wide figures, kept a few minutes per process (their cost grows with the companies) */
  private readonly recent = {
    averages: new Memo<DeploymentAverages>(AGGREGATE_TTL_MS),
    overview: new Memo<Overview>(AGGREGATE_TTL_MS),
    counts: new Memo<StatusCounts>(AGGREGATE_TTL_MS),
    distribution: new Memo<RateDistribution>(AGGREGATE_TTL_MS),
  };

  constructor(
    readonly db: Db,
    readonly kb: Knowledge,
    readonly choices: AnswerChoices,
    private readonly opts: AssessmentServiceOptions,
  ) {
    this.minOrgsForAverage = opts.minOrgsForAverage ?? 5;
  }

  fiscalYear(now: Date): number {
    return fiscalYearOf(now, this.opts.fiscalYearStartMonth);
  }

  /** The organisation's assessment for the fiscal year of `now` and the current guideline; created when missing. */
  async current(orgId: string, now: Date): Promise<AssessmentRef> {
    return this.forYear(orgId, this.fiscalYear(now), this.kb.version, true) as Promise<AssessmentRef>;
  }

  async forYear(orgId: string, fiscalYear: number, version: string, create: boolean): Promise<AssessmentRef | null> {
    const where = { orgId_fiscalYear_guidelineVersion: { orgId, fiscalYear, guidelineVersion: version } };
    const found = await this.db.assessment.findUnique({ where });
    if (found || !create) return found;
    // concurrent first answers of one company: ON CONFLICT DO NOTHING, then read the winner
    await this.db.assessment.createMany({ data: [{ orgId, fiscalYear, guidelineVersion: version }], skipDuplicates: true });
    return this.db.assessment.findUniqueOrThrow({ where });
  }

  /**
   * This fiscal year's assessment (created when missing) with last year's, the same guideline
   * version if there is one, else the newest, and the answer statuses (item number → status) of
   * each: what progress shows, read in one statement.
   */
  async currentWithPrevious(orgId: string, now: Date): Promise<{ current: AssessmentRef; previous: AssessmentRef | null; statuses: Map<string, AnswerStatuses> }> {
    const fy = this.fiscalYear(now);
    // the assessments with their answers' item numbers and statuses only: turning 153 whole rows
    // a year into objects was most of what progress cost
    // its plan is kept on PostgreSQL (db/client.ts): planning it cost about half of running it. The
    // answers are found by their assessment alone (its organisation is the one asked for): with the
    // organisation too, PostgreSQL also read the organisation's answers of every year (0.8 against
    // 0.5 ms with three years)
    const rows = await this.db.$queryRaw<(AssessmentRef & { answers: [number, string][] })[]>`
      /* kept plan: progress_statuses */ SELECT a.*, COALESCE((SELECT json_agg(json_build_array(x."itemNo", x.status)) FROM "Answer" x WHERE x."assessmentId" = a.id), '[]') AS answers
      FROM "Assessment" a
      WHERE a."orgId" = ${orgId}::uuid AND a."fiscalYear" IN (${fy}::int, ${fy - 1}::int)
      ORDER BY a."createdAt" DESC`;
    const statuses = new Map<string, AnswerStatuses>(rows.map(({ id, answers }) => [id, new Map(answers)]));
    const refs: AssessmentRef[] = rows.map(({ answers: _a, ...ref }) => ref);
    let current = refs.find((r) => r.fiscalYear === fy && r.guidelineVersion === this.kb.version);
    if (!current) {
      current = await this.current(orgId, now);
      statuses.set(current.id, new Map());
    }
    return { current, previous: this.lastYearOf(refs.filter((r) => r.fiscalYear === fy - 1)), statuses };
  }

  /** Last fiscal year's assessment: the same guideline version if there is one, else the newest. */
  async previous(orgId: string, fiscalYear: number): Promise<AssessmentRef | null> {
    return this.lastYearOf(await this.db.assessment.findMany({ where: { orgId, fiscalYear: fiscalYear - 1 }, orderBy: { createdAt: "desc" } }));
  }

  /** Of a year's assessments, newest first: the one of this guideline version, else the newest. */
  private lastYearOf<T extends { guidelineVersion: string }>(newestFirst: T[]): T | null {
    return newestFirst.find((r) => r.guidelineVersion === this.kb.version) ?? newestFirst[0] ?? null;
  }

  async answers(a: Pick<AssessmentRef, "id" | "orgId">): Promise<Map<number, CurrentAnswer>> {
    const rows = await this.db.answer.findMany({ where: { assessmentId: a.id, orgId: a.orgId }, orderBy: { itemNo: "asc" } });
    return new Map(rows.map((r) => [r.itemNo, r]));
  }

  async answer(a: Pick<AssessmentRef, "id" | "orgId">, no: number): Promise<CurrentAnswer | null> {
    return this.db.answer.findFirst({ where: { assessmentId: a.id, orgId: a.orgId, itemNo: no } });
  }

  static statuses(answers: Map<number, CurrentAnswer>): AnswerStatuses {
    return new Map([...answers].map(([no, a]) => [no, a.status]));
  }

  async progress(a: AssessmentRef): Promise<{ progress: Progress; answers: Map<number, CurrentAnswer> }> {
    const answers = await this.answers(a);
    return { progress: computeProgress(this.kb, this.choices, AssessmentService.statuses(answers), a.targetLevel as Level), answers };
  }

  async gaps(a: AssessmentRef) {
    const answers = await this.answers(a);
    return { gaps: findGaps(this.kb, this.choices, AssessmentService.statuses(answers), a.targetLevel as Level), answers };
  }

  /**
   * Records answers in the organisation's current assessment (as `current` then `record`), in
   * one statement when it can (record-statement.ts): the chat's most frequent write, one round
   * trip instead of seven. Returns the assessment with what `record` returns.
   */
  async recordCurrent(
    orgId: string,
    now: Date,
    actor: Actor,
    source: Source,
    changes: AnswerChange[],
  ): Promise<{ assessment: AssessmentRef; changeId: string; results: ChangeResult[] }> {
    if (actor.orgId !== orgId) throw new AssessmentError("not_found");
    for (const c of changes) if (c.status !== undefined && !this.choices.isStatus(c.status)) throw new AssessmentError("bad_status", { status: c.status });
    const changeId = randomUUID();
    const byNo = new Map<number, AnswerChange>();
    for (const c of changes) byNo.set(c.no, { ...byNo.get(c.no), ...c });
    const merged = [...byNo.values()].sort((x, y) => x.no - y.no);
    if (merged.length) {
      const target = { orgId, fiscalYear: this.fiscalYear(now), guidelineVersion: this.kb.version };
      // the statement writes the turn's mark itself, outside the adapter's own fencing (which would
      // add a round trip and a transaction around it); a refused mark gives way to the transaction
      const mark = this.opts.effects?.current();
      const one = () => recordInOneStatement(this.db, target, actor, source, merged, { changeId, kind: "set" }, mark);
      const done = mark ? await this.opts.effects!.outside(one) : await one();
      if (done?.locked) throw new AssessmentError("locked");
      if (done) return { assessment: done.assessment, changeId, results: done.results };
    }
    // the first answer of the year, or a row added meanwhile: the transaction decides
    const assessment = await this.current(orgId, now);
    return { assessment, ...(await this.record(assessment, actor, source, merged, { changeId })) };
  }

  /**
   * Writes answers for one assessment in one transaction, each with its audit event. Throws
   * AssessmentError("locked") when the assessment was submitted, unless `ignoreLock`.
   */
  async record(
    a: Pick<AssessmentRef, "id" | "orgId">,
    actor: Actor | null,
    source: Source,
    changes: AnswerChange[],
    opts: { kind?: string; changeId?: string; onlyIfUnanswered?: boolean } = {},
  ): Promise<{ changeId: string; results: ChangeResult[] }> {
    if (actor && actor.orgId !== a.orgId) throw new AssessmentError("not_found");
    for (const c of changes) if (c.status !== undefined && !this.choices.isStatus(c.status)) throw new AssessmentError("bad_status", { status: c.status });
    const changeId = opts.changeId ?? randomUUID();
    const kind = opts.kind ?? "set";
    const at = source.at;
    // one change per item (the last one given wins), applied in ascending item order
    const byNo = new Map<number, AnswerChange>();
    for (const c of changes) byNo.set(c.no, { ...byNo.get(c.no), ...c });
    const nos = [...byNo.keys()].sort((x, y) => x - y);
    if (nos.length === 0) return { changeId, results: [] };

    const results = await this.db.$transaction(async (tx) => {
      const locked = await lockOpenAnswers(tx, a, nos);
      const out: ChangeResult[] = [];
      const events: Prisma.AnswerEventCreateManyInput[] = [];
      for (const no of nos) {
        const c = byNo.get(no)!;
        const cur = locked.get(no)!;
        if (opts.onlyIfUnanswered && cur.status !== UNANSWERED) continue;
        const status = c.status ?? cur.status;
        const statusChanged = status !== cur.status;
        const note = c.note === undefined ? (statusChanged ? null : cur.note) : c.note;
        const evidence = c.evidence === undefined ? cur.evidenceUrl : c.evidence;
        await tx.answer.update({
          where: { assessmentId_itemNo: { assessmentId: a.id, itemNo: no } },
          data: {
            status,
            note,
            evidenceUrl: evidence,
            answeredById: status === UNANSWERED ? null : (actor?.userId ?? null),
            answeredAt: at,
            revision: cur.revision + 1,
          },
        });
        events.push({
          assessmentId: a.id,
          orgId: a.orgId,
          itemNo: no,
          actorId: actor?.userId ?? null,
          channel: source.channel,
          kind,
          oldStatus: cur.status,
          newStatus: status,
          oldNote: cur.note,
          newNote: note,
          oldEvidence: cur.evidenceUrl,
          newEvidence: evidence,
          deliveryId: source.deliveryId ?? null,
          changeId,
          at,
        });
        out.push({ no, oldStatus: cur.status, newStatus: status, oldNote: cur.note, newNote: note, evidence, eventId: 0n });
      }
      if (events.length) {
        const created = await tx.answerEvent.createManyAndReturn({ data: events, select: { id: true, itemNo: true } });
        const ids = new Map(created.map((e) => [e.itemNo, e.id]));
        for (const r of out) r.eventId = ids.get(r.no) ?? 0n;
      }
      return out;
    }, TX);
    return { changeId, results };
  }

  /**
   * Takes back the caller's own last change (or the given one, if it is theirs): every item of it
   * returns to its state before, as new "undo" events. Refused for an item someone changed since.
   */
  async undo(
    a: Pick<AssessmentRef, "id" | "orgId">,
    actor: Actor,
    source: Source,
    changeId?: string,
  ): Promise<{ undoneChangeId: string; kind: string; results: ChangeResult[] }> {
    if (actor.orgId !== a.orgId) throw new AssessmentError("not_found");
    return this.db.$transaction(async (tx) => {
      await this.lockOpen(tx, a);
      const mine = { assessmentId: a.id, orgId: a.orgId, actorId: actor.userId, kind: { in: ITEM_EVENT_KINDS }, itemNo: { gte: 1 } };
      let target: string | null | undefined = changeId;
      if (target) {
        const owned = await tx.answerEvent.findFirst({ where: { ...mine, changeId: target }, select: { id: true } });
        if (!owned) throw new AssessmentError("nothing_to_undo");
      } else {
        // newest first: the latest change of mine that no undo has taken back yet
        const recent = await tx.answerEvent.findMany({ where: mine, orderBy: { id: "desc" }, take: 500, select: { id: true, changeId: true } });
        const undoneIds = new Set(
          (await tx.answerEvent.findMany({ where: { assessmentId: a.id, orgId: a.orgId, kind: "undo", undoesId: { in: recent.map((r) => r.id) } }, select: { undoesId: true } })).map((u) => u.undoesId!),
        );
        const undoneChanges = new Set(recent.filter((r) => undoneIds.has(r.id)).map((r) => r.changeId));
        target = recent.find((r) => r.changeId && !undoneChanges.has(r.changeId))?.changeId;
        if (!target) throw new AssessmentError("nothing_to_undo");
      }
      const events = await tx.answerEvent.findMany({ where: { assessmentId: a.id, orgId: a.orgId, changeId: target, itemNo: { gte: 1 } }, orderBy: { id: "asc" } });
      const already = await tx.answerEvent.count({ where: { assessmentId: a.id, orgId: a.orgId, kind: "undo", undoesId: { in: events.map((e) => e.id) } } });
      if (already > 0) throw new AssessmentError("already_undone");
      const firstByNo = new Map<number, (typeof events)[number]>();
      const lastByNo = new Map<number, (typeof events)[number]>();
      for (const e of events) {
        if (!firstByNo.has(e.itemNo)) firstByNo.set(e.itemNo, e);
        lastByNo.set(e.itemNo, e);
      }
      const nos = [...firstByNo.keys()].sort((x, y) => x - y);
      const locked = await lockAnswers(tx, a, nos);
      // all or nothing: if anyone changed one of these items since, nothing is taken back
      const changedSince = nos.filter((no) => {
        const cur = locked.get(no)!;
        const last = lastByNo.get(no)!;
        return cur.status !== last.newStatus || (cur.note ?? null) !== (last.newNote ?? null) || (cur.evidenceUrl ?? null) !== (last.newEvidence ?? null);
      });
      if (changedSince.length) throw new AssessmentError("undo_conflict", { nos: changedSince });
      const at = source.at;
      const undoChange = randomUUID();
      const results: ChangeResult[] = [];
      for (const no of nos) {
        const first = firstByNo.get(no)!;
        const cur = locked.get(no)!;
        const before = await tx.answerEvent.findFirst({
          where: { assessmentId: a.id, orgId: a.orgId, itemNo: no, id: { lt: first.id } },
          orderBy: { id: "desc" },
          select: { actorId: true, at: true },
        });
        const status = first.oldStatus ?? UNANSWERED;
        await tx.answer.update({
          where: { assessmentId_itemNo: { assessmentId: a.id, itemNo: no } },
          data: {
            status,
            note: first.oldNote,
            evidenceUrl: first.oldEvidence,
            answeredById: status === UNANSWERED ? null : (before?.actorId ?? null),
            answeredAt: before?.at ?? at,
            revision: cur.revision + 1,
          },
        });
        const ev = await tx.answerEvent.create({
          data: {
            assessmentId: a.id,
            orgId: a.orgId,
            itemNo: no,
            actorId: actor.userId,
            channel: source.channel,
            kind: "undo",
            oldStatus: cur.status,
            newStatus: status,
            oldNote: cur.note,
            newNote: first.oldNote,
            oldEvidence: cur.evidenceUrl,
            newEvidence: first.oldEvidence,
            deliveryId: source.deliveryId ?? null,
            undoesId: first.id,
            changeId: undoChange,
            at,
          },
        });
        results.push({ no, oldStatus: cur.status, newStatus: status, oldNote: cur.note, newNote: first.oldNote, evidence: first.oldEvidence, eventId: ev.id });
      }
      return { undoneChangeId: target, kind: events[0]?.kind ?? "set", results };
    }, TX);
  }

  /** The audit trail of one item, newest first, with the names of the people (of this organisation only). */
  async history(a: Pick<AssessmentRef, "id" | "orgId">, no: number, limit = 20) {
    const events = await this.db.answerEvent.findMany({
      where: { assessmentId: a.id, orgId: a.orgId, itemNo: no },
      orderBy: { id: "desc" },
      take: limit + 1,
    });
    const names = await this.names(a.orgId, events.map((e) => e.actorId));
    return { events: events.slice(0, limit).map((e) => ({ ...e, actorName: e.actorId ? names.get(e.actorId) : undefined })), more: events.length > limit };
  }

  /** Display names of users of one organisation (ids of other organisations resolve to nothing). */
  async names(orgId: string, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids.filter((i): i is string => Boolean(i)))];
    if (!unique.length) return new Map();
    const users = await this.db.user.findMany({ where: { orgId, id: { in: unique } }, select: { id: true, displayName: true, platformUserId: true } });
    return new Map(users.map((u) => [u.id, u.displayName || u.platformUserId]));
  }

  /** Changes the target level (admin). Recorded as an assessment event (item 0). */
  async setTargetLevel(a: Pick<AssessmentRef, "id" | "orgId">, actor: Actor, source: Source, level: Level): Promise<{ old: number; changed: boolean }> {
    return this.db.$transaction(async (tx) => {
      const row = await lockAssessment(tx, a, "UPDATE");
      if (row.targetLevel === level) return { old: row.targetLevel, changed: false };
      await tx.assessment.update({ where: { id: a.id }, data: { targetLevel: level } });
      await tx.answerEvent.create({ data: assessmentEvent(a, actor, source, "target", String(row.targetLevel), String(level)) });
      return { old: row.targetLevel, changed: true };
    }, TX);
  }

  /** Locks ("submitted") or reopens ("open") the assessment (admin). */
  async setStatus(a: Pick<AssessmentRef, "id" | "orgId">, actor: Actor, source: Source, status: "submitted" | "open"): Promise<{ old: string; changed: boolean }> {
    return this.db.$transaction(async (tx) => {
      const row = await lockAssessment(tx, a, "UPDATE");
      if (row.status === status) return { old: row.status, changed: false };
      await tx.assessment.update({ where: { id: a.id }, data: { status, submittedAt: status === "submitted" ? source.at : null } });
      await tx.answerEvent.create({ data: assessmentEvent(a, actor, source, status === "submitted" ? "submit" : "reopen", row.status, status) });
      return { old: row.status, changed: true };
    }, TX);
  }

  /**
   * Copies last fiscal year's answers into this year's assessment as "carry-over" events, for the
   * items still unanswered this year (never over an answer already given).
   */
  async carryOver(a: AssessmentRef, actor: Actor, source: Source) {
    const prev = await this.previous(a.orgId, a.fiscalYear);
    if (!prev) return { prev: null, copied: [] as ChangeResult[], skipped: 0, changeId: undefined };
    const old = await this.answers(prev);
    const changes: AnswerChange[] = [];
    for (const [no, ans] of old) {
      if (ans.status === UNANSWERED || !this.choices.get(ans.status) || no > this.kb.totalItems) continue;
      changes.push({ no, status: ans.status, note: ans.note, evidence: ans.evidenceUrl });
    }
    const r = await this.record(a, actor, source, changes, { kind: "carry-over", onlyIfUnanswered: true });
    return { prev, copied: r.results, skipped: changes.length - r.results.length, changeId: r.changeId };
  }

  /**
   * Achievement rates per level of every organisation with answers in a fiscal year, for anonymous
   * averages. Returns the averages only when at least `minOrgsForAverage` organisations answered.
   */
  async deploymentAverages(fiscalYear: number, version = this.kb.version) {
    // counted in the database, one row per organisation: this runs on every progress request;
    // only the averages leave this method, never a company's row
    const lv = ([1, 2, 3] as const).map((l) => this.kb.itemsOfLevel(l).map((i) => i.no));
    const achieved = this.choices.list.filter((c) => c.counts_as_achieved).map((c) => c.id);
    const excluded = this.choices.list.filter((c) => c.excluded_from_denominator).map((c) => c.id);
    const rows = await this.acrossCompanies(() => this.db.$queryRaw<Record<string, bigint | number | string>[]>`
      SELECT a."orgId",
        COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[0]}::int[]) AND a.status = ANY(${achieved}::text[])) AS a1,
        COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[0]}::int[]) AND a.status = ANY(${excluded}::text[])) AS x1,
        COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[1]}::int[]) AND a.status = ANY(${achieved}::text[])) AS a2,
        COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[1]}::int[]) AND a.status = ANY(${excluded}::text[])) AS x2,
        COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[2]}::int[]) AND a.status = ANY(${achieved}::text[])) AS a3,
        COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[2]}::int[]) AND a.status = ANY(${excluded}::text[])) AS x3,
        COUNT(*) FILTER (WHERE a."itemNo" <= ${this.kb.totalItems} AND a.status = ANY(${achieved}::text[])) AS aall,
        COUNT(*) FILTER (WHERE a."itemNo" <= ${this.kb.totalItems} AND a.status = ANY(${excluded}::text[])) AS xall
      FROM "Answer" a JOIN "Assessment" s ON s.id = a."assessmentId"
      WHERE s."fiscalYear" = ${fiscalYear} AND s."guidelineVersion" = ${version} AND a.status <> ${UNANSWERED}
      GROUP BY a."orgId"`);
    const orgs = rows.length;
    if (orgs < this.minOrgsForAverage) return { orgs, shown: false as const };
    const mean = (a: string, x: string, items: number) => {
      const rates = rows
        .map((r) => ({ achieved: Number(r[a]), denominator: items - Number(r[x]) }))
        .filter((r) => r.denominator > 0)
        .map((r) => r.achieved / r.denominator);
      return rates.length ? rates.reduce((p, q) => p + q, 0) / rates.length : null;
    };
    return {
      orgs,
      shown: true as const,
      levels: { 1: mean("a1", "x1", lv[0].length), 2: mean("a2", "x2", lv[1].length), 3: mean("a3", "x3", lv[2].length) } as Record<Level, number | null>,
      all: mean("aall", "xall", this.kb.totalItems),
    };
  }

  /** For the secretariat: how many organisations have an assessment, answers, a submitted sheet. */
  async overview(fiscalYear: number) {
    const version = this.kb.version;
    const [row] = await this.acrossCompanies(() => this.db.$queryRaw<{ assessments: bigint; submitted: bigint; with_answers: bigint }[]>`
      SELECT COUNT(*) AS assessments,
        COUNT(*) FILTER (WHERE s.status = 'submitted') AS submitted,
        COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM "Answer" a WHERE a."assessmentId" = s.id AND a.status <> ${UNANSWERED})) AS with_answers
      FROM "Assessment" s WHERE s."fiscalYear" = ${fiscalYear} AND s."guidelineVersion" = ${version}`);
    return {
      assessments: Number(row?.assessments ?? 0),
      withAnswers: Number(row?.with_answers ?? 0),
      submitted: Number(row?.submitted ?? 0),
      averages: await this.deploymentAverages(fiscalYear, version),
    };
  }

  // The same figures at most AGGREGATE_TTL_MS old, with the time they were computed (`now` is the
  // caller's clock). Anonymity does not depend on the age: the rules above decide what is shown.
  recentAverages(fiscalYear: number, version: string, now: Date): Promise<Aged<DeploymentAverages>> {
    return this.recent.averages.getAged(`${fiscalYear}:${version}`, now, () => this.deploymentAverages(fiscalYear, version));
  }

  recentOverview(fiscalYear: number, now: Date): Promise<Aged<Overview>> {
    return this.recent.overview.getAged(`${fiscalYear}:${this.kb.version}`, now, () => this.overview(fiscalYear));
  }

  recentStatusCounts(fiscalYear: number, now: Date): Promise<Aged<StatusCounts>> {
    return this.recent.counts.getAged(`${fiscalYear}:${this.kb.version}`, now, () => this.acrossCompanies(() => statusCounts(this.db, { fiscalYear, version: this.kb.version })));
  }

  recentDistribution(fiscalYear: number, now: Date): Promise<Aged<RateDistribution>> {
    const opts = { fiscalYear, version: this.kb.version, minOrgs: this.minOrgsForAverage };
    return this.recent.distribution.getAged(`${fiscalYear}:${this.kb.version}`, now, () => this.acrossCompanies(() => rateDistribution(this.db, this.kb, this.choices, opts)));
  }

  /** The walls' narrow path, for the figures across companies above (and nothing else). */
  private acrossCompanies<T>(fn: () => Promise<T>): Promise<T> {
    return this.opts.walls ? this.opts.walls.acrossCompanies(fn) : fn();
  }

  private async lockOpen(tx: Tx, a: Pick<AssessmentRef, "id" | "orgId">): Promise<void> {
    const row = await lockAssessment(tx, a, "SHARE");
    if (row.status === "submitted") throw new AssessmentError("locked");
  }
}

async function lockAssessment(tx: Tx, a: Pick<AssessmentRef, "id" | "orgId">, mode: "SHARE" | "UPDATE") {
  const rows =
    mode === "SHARE"
      ? await tx.$queryRaw<{ status: string; targetLevel: number }[]>`SELECT status, "targetLevel" FROM "Assessment" WHERE id = ${a.id}::uuid AND "orgId" = ${a.orgId}::uuid FOR SHARE`
      : await tx.$queryRaw<{ status: string; targetLevel: number }[]>`SELECT status, "targetLevel" FROM "Assessment" WHERE id = ${a.id}::uuid AND "orgId" = ${a.orgId}::uuid FOR UPDATE`;
  if (!rows.length) throw new AssessmentError("not_found");
  return rows[0];
}

/**
 * What recording needs, in two statements: the items' rows made where missing (only under an
 * assessment of this organisation), then locked in ascending item order (no deadlocks) together
 * with a share lock on their assessment, which must be open (a submit waits, and is waited for).
 */
async function lockOpenAnswers(tx: Tx, a: Pick<AssessmentRef, "id" | "orgId">, nos: number[]): Promise<Map<number, LockedAnswer>> {
  await tx.$executeRaw`
    INSERT INTO "Answer"(id, "assessmentId", "orgId", "itemNo", status, revision)
    SELECT gen_random_uuid(), s.id, s."orgId", n, ${UNANSWERED}, 0
    FROM "Assessment" s, unnest(${nos}::int[]) n
    WHERE s.id = ${a.id}::uuid AND s."orgId" = ${a.orgId}::uuid
    ON CONFLICT ("assessmentId", "itemNo") DO NOTHING`;
  const rows = await tx.$queryRaw<(LockedAnswer & { assessmentStatus: string })[]>`
    SELECT a."itemNo", a.status, a.note, a."evidenceUrl", a."answeredById", a."answeredAt", a.revision, s.status AS "assessmentStatus"
    FROM "Answer" a JOIN "Assessment" s ON s.id = a."assessmentId"
    WHERE a."assessmentId" = ${a.id}::uuid AND a."orgId" = ${a.orgId}::uuid AND s."orgId" = ${a.orgId}::uuid AND a."itemNo" = ANY(${nos}::int[])
    ORDER BY a."itemNo" FOR UPDATE OF a FOR SHARE OF s`;
  if (!rows.length) throw new AssessmentError("not_found");
  if (rows[0].assessmentStatus === "submitted") throw new AssessmentError("locked");
  const map = new Map(
    rows.map(({ assessmentStatus: _, ...r }) => [Number(r.itemNo), { ...r, itemNo: Number(r.itemNo), revision: Number(r.revision) }]),
  );
  for (const no of nos) if (!map.has(no)) throw new AssessmentError("not_found", { no });
  return map;
}

/** Makes sure each item has its row, then locks the rows in ascending order (no deadlocks). */
async function lockAnswers(tx: Tx, a: Pick<AssessmentRef, "id" | "orgId">, nos: number[]): Promise<Map<number, LockedAnswer>> {
  await tx.answer.createMany({
    data: nos.map((no) => ({ assessmentId: a.id, orgId: a.orgId, itemNo: no, status: UNANSWERED, revision: 0 })),
    skipDuplicates: true,
  });
  const rows = await tx.$queryRaw<LockedAnswer[]>`
    SELECT "itemNo", status, note, "evidenceUrl", "answeredById", "answeredAt", revision FROM "Answer"
    WHERE "assessmentId" = ${a.id}::uuid AND "orgId" = ${a.orgId}::uuid AND "itemNo" = ANY(${nos}::int[])
    ORDER BY "itemNo" FOR UPDATE`;
  const map = new Map(rows.map((r) => [Number(r.itemNo), { ...r, itemNo: Number(r.itemNo), revision: Number(r.revision) }]));
  for (const no of nos) if (!map.has(no)) throw new AssessmentError("not_found", { no });
  return map;
}

function assessmentEvent(a: Pick<AssessmentRef, "id" | "orgId">, actor: Actor, source: Source, kind: string, oldStatus: string, newStatus: string) {
  return {
    assessmentId: a.id,
    orgId: a.orgId,
    itemNo: 0,
    actorId: actor.userId,
    channel: source.channel,
    kind,
    oldStatus,
    newStatus,
    deliveryId: source.deliveryId ?? null,
    changeId: randomUUID(),
    at: source.at,
  };
}
