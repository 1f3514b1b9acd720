// Recording answers in one statement: the turn that records an answer is the one people repeat
// most, and each round trip to the database is a good part of its time. This statement does what
// AssessmentService.record does in its transaction (find the assessment, lock it FOR SHARE and the
// items' rows FOR UPDATE in ascending order, write the answers, add one audit event per item), with
// the same results, as one statement: all of it happens or none of it does. The statement lives in
// the database as the function record_answers (migration 20261204163000_record_answers_function):
// planning it cost about as much as running it, and the function keeps its plan per connection.
//
// It gives way to the transaction (returns null) when it cannot decide alone: the assessment does
// not exist yet (the first answer of the year creates it), or a row of one of the items was added
// by someone else after this statement's snapshot (its plain INSERT then fails with a unique
// violation and writes nothing). A submitted assessment is written to by neither.
//
// In a turn it also writes the turn's mark (db/turn-effects.ts) as the adapter would, in the same
// statement: an answer is written only when the mark is this attempt's, and when another attempt's
// mark is there the statement writes nothing and gives way to the transaction, whose own fencing
// refuses it.
import { Prisma, type Db } from "../db/client.ts";
import { UNANSWERED } from "./choices.ts";
import type { EffectScope } from "../db/turn-effects.ts";
import type { Actor, AnswerChange, AssessmentRef, ChangeResult, Source } from "./service.ts";

/** The assessment's row (as `current` reads it) and one audit event written, per item. */
interface Row extends AssessmentRef {
  itemNo: number | null;
  eventId: bigint | null;
  oldStatus: string | null;
  newStatus: string | null;
  oldNote: string | null;
  newNote: string | null;
  newEvidence: string | null;
  /** the turn's mark written (or none asked for) */
  marked: boolean;
}

export type StatementResult = { locked: true; assessment: AssessmentRef } | { locked: false; assessment: AssessmentRef; results: ChangeResult[] };

/**
 * `changes`: one per item, in ascending item order. Returns null when the transaction must do it
 * (see above).
 */
export async function recordInOneStatement(
  db: Db,
  target: { orgId: string; fiscalYear: number; guidelineVersion: string },
  actor: Actor,
  source: Source,
  changes: AnswerChange[],
  ids: { changeId: string; kind: string },
  mark?: EffectScope,
): Promise<StatementResult | null> {
  const nos = changes.map((c) => c.no);
  const statuses = changes.map((c) => c.status ?? null);
  const notes = changes.map((c) => c.note ?? null);
  const hasNote = changes.map((c) => c.note !== undefined);
  const evidences = changes.map((c) => c.evidence ?? null);
  const hasEvidence = changes.map((c) => c.evidence !== undefined);
  const { orgId } = target;
  let rows: Row[];
  try {
    // the statement is the function record_answers (migration 20261204163000_record_answers_function),
    // which keeps its plan for the connection; the turn's mark, when given, is written for `orgId`
    rows = await db.$queryRaw<Row[]>`
      SELECT * FROM record_answers(
        ${orgId}::uuid, ${target.fiscalYear}::int, ${target.guidelineVersion}::text,
        ${mark?.key ?? null}::text, ${mark?.attempt ?? null}::text, ${mark?.intent ?? null}::text, ${mark?.at ?? null}::timestamp,
        ${nos}::int[], ${statuses}::text[], ${notes}::text[], ${hasNote}::boolean[], ${evidences}::text[], ${hasEvidence}::boolean[],
        ${UNANSWERED}::text, ${actor.userId}::uuid, ${source.channel}::text, ${ids.kind}::text, ${source.deliveryId ?? null}::text,
        ${ids.changeId}::uuid, ${source.at}::timestamp)`;
  } catch (err) {
    if (uniqueViolation(err)) return null;
    throw err;
  }
  if (!rows.length) return null; // no assessment yet
  if (!rows[0].marked) return null; // another attempt of this turn changed data: the transaction refuses it
  const { itemNo: _n, eventId: _e, oldStatus: _o, newStatus: _s, oldNote: _on, newNote: _nn, newEvidence: _ne, marked: _m, ...assessment } = rows[0];
  if (assessment.status === "submitted") return { locked: true, assessment };
  const results = rows.map(
    (r): ChangeResult => ({
      no: Number(r.itemNo),
      oldStatus: r.oldStatus!,
      newStatus: r.newStatus!,
      oldNote: r.oldNote,
      newNote: r.newNote,
      evidence: r.newEvidence,
      eventId: BigInt(r.eventId!),
    }),
  );
  return { locked: false, assessment, results };
}

/** A unique violation (23505), as Prisma reports it for a raw query. */
function uniqueViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return true;
  const e = err as { code?: string; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } };
  return e?.meta?.code === "23505" || e?.meta?.driverAdapterError?.cause?.originalCode === "23505" || e?.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation";
}
