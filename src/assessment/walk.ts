// The guided walk ("レベル1を順番に回答"): the next unanswered item of a level, then of the rest of
// the target level, one at a time. The position is kept per person (AnswerWalk, keyed by user),
// not per conversation, so it resumes in any conversation: the next item is always the first one
// in walk order that is still unanswered and that this person has not skipped.
import type { Db } from "../db/client.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import { UNANSWERED } from "./choices.ts";
import type { Actor, AssessmentRef, CurrentAnswer } from "./service.ts";
import type { Level } from "./progress.ts";

export interface WalkState {
  level: Level;
  currentNo: number | null;
  skipped: number[];
  active: boolean;
  assessmentId: string;
}

export interface WalkStep {
  walk: WalkState;
  /** the item to show, or null when the walk is through */
  next: number | null;
  /** position in the walk (1-based) and its length, for "3/47" */
  position: number;
  total: number;
  /** items of the walk still unanswered (including skipped ones) */
  remaining: number;
}

export class WalkService {
  constructor(
    private readonly db: Db,
    private readonly kb: Knowledge,
  ) {}

  /** Walk order: the items of `level` whose level is known, then the rest of the target level. */
  order(level: Level, targetLevel: Level): number[] {
    const first = this.kb.itemsOfLevel(level).map((i) => i.no);
    const seen = new Set(first);
    const rest = this.kb
      .itemsUpToLevel(targetLevel)
      .map((i) => i.no)
      .filter((n) => !seen.has(n));
    return [...first, ...rest];
  }

  async get(actor: Actor): Promise<WalkState | null> {
    const row = await this.db.answerWalk.findFirst({ where: { userId: actor.userId, orgId: actor.orgId } });
    return row ? { level: row.level as Level, currentNo: row.currentNo, skipped: row.skipped, active: row.active, assessmentId: row.assessmentId } : null;
  }

  /** Starts a walk through a level; the same level again resumes (keeping what was skipped). */
  async start(actor: Actor, a: AssessmentRef, level: Level, answers: Map<number, CurrentAnswer>, opts: { reset?: boolean } = {}): Promise<WalkStep> {
    const prev = await this.get(actor);
    const keep = !opts.reset && prev && prev.assessmentId === a.id && prev.level === level;
    return this.save(actor, a, { level, skipped: keep ? prev.skipped : [] }, answers);
  }

  /** Continues the person's walk; null when there is none for this assessment. */
  async resume(actor: Actor, a: AssessmentRef, answers: Map<number, CurrentAnswer>): Promise<WalkStep | null> {
    const prev = await this.get(actor);
    if (!prev || prev.assessmentId !== a.id) return null;
    return this.save(actor, a, { level: prev.level, skipped: prev.skipped }, answers);
  }

  async skip(actor: Actor, a: AssessmentRef, no: number, answers: Map<number, CurrentAnswer>): Promise<WalkStep | null> {
    const prev = await this.get(actor);
    if (!prev || prev.assessmentId !== a.id) return null;
    const skipped = prev.skipped.includes(no) ? prev.skipped : [...prev.skipped, no];
    return this.save(actor, a, { level: prev.level, skipped }, answers);
  }

  async stop(actor: Actor): Promise<WalkState | null> {
    const prev = await this.get(actor);
    if (!prev) return null;
    await this.db.answerWalk.updateMany({ where: { userId: actor.userId, orgId: actor.orgId }, data: { active: false } });
    return { ...prev, active: false };
  }

  /** True when this person is walking and `no` is the item their walk shows. */
  async isCurrent(actor: Actor, a: AssessmentRef, no: number): Promise<boolean> {
    const w = await this.get(actor);
    return Boolean(w && w.active && w.assessmentId === a.id && w.currentNo === no);
  }

  private async save(actor: Actor, a: AssessmentRef, w: { level: Level; skipped: number[] }, answers: Map<number, CurrentAnswer>): Promise<WalkStep> {
    const order = this.order(w.level, a.targetLevel as Level);
    const unanswered = (no: number) => (answers.get(no)?.status ?? UNANSWERED) === UNANSWERED;
    const next = order.find((no) => unanswered(no) && !w.skipped.includes(no)) ?? null;
    const data = { orgId: actor.orgId, assessmentId: a.id, level: w.level, currentNo: next, skipped: w.skipped, active: next !== null };
    await this.db.answerWalk.upsert({ where: { userId: actor.userId }, create: { userId: actor.userId, ...data }, update: data });
    return {
      walk: { ...data, assessmentId: a.id },
      next,
      position: next === null ? order.length : order.indexOf(next) + 1,
      total: order.length,
      remaining: order.filter(unanswered).length,
    };
  }
}
