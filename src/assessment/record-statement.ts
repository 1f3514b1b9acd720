// Recording answers in one statement: the turn that records an answer is the one people repeat
// most, and each round trip to the database is a good part of its time. This statement does what
// AssessmentService.record does in its transaction (find the assessment, lock it FOR SHARE and the
// items' rows FOR UPDATE in ascending order, write the answers, add one audit event per item), with
// the same results, as one statement: all of it happens or none of it does.
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
  const hasMark = mark !== undefined;
  let rows: Row[];
  try {
    rows = await db.$queryRaw<Row[]>`
      WITH s AS (
        SELECT * FROM "Assessment"
        WHERE "orgId" = ${orgId}::uuid AND "fiscalYear" = ${target.fiscalYear}::int AND "guidelineVersion" = ${target.guidelineVersion}::text
        FOR SHARE
      ),
      mark AS (
        INSERT INTO "TurnEffect" (key, attempt, intent, "orgId", at)
        SELECT ${mark?.key ?? null}::text, ${mark?.attempt ?? null}::text, ${mark?.intent ?? null}::text, ${mark?.orgId ?? null}::uuid, ${mark?.at ?? null}::timestamp
        WHERE ${hasMark}::boolean
        ON CONFLICT (key) DO UPDATE SET writes = "TurnEffect".writes + 1 WHERE "TurnEffect".attempt = EXCLUDED.attempt
        RETURNING 1
      ),
      marked AS (SELECT NOT ${hasMark}::boolean OR EXISTS (SELECT 1 FROM mark) AS ok),
      open AS (SELECT id FROM s WHERE status <> 'submitted' AND (SELECT ok FROM marked)),
      cur AS (
        SELECT a.id, a."itemNo", a.status, a.note, a."evidenceUrl", a.revision FROM "Answer" a
        WHERE a."assessmentId" = (SELECT id FROM s) AND a."orgId" = ${orgId}::uuid AND a."itemNo" = ANY(${nos}::int[])
        ORDER BY a."itemNo"
        FOR UPDATE
      ),
      v AS (
        SELECT * FROM unnest(${nos}::int[], ${statuses}::text[], ${notes}::text[], ${hasNote}::boolean[], ${evidences}::text[], ${hasEvidence}::boolean[])
          AS v(no, status, note, has_note, evidence, has_evidence)
      ),
      old AS (
        SELECT v.*, cur.id AS answer_id, COALESCE(cur.status, ${UNANSWERED}::text) AS old_status, cur.note AS old_note,
          cur."evidenceUrl" AS old_evidence, COALESCE(cur.revision, 0) AS old_revision
        FROM v LEFT JOIN cur ON cur."itemNo" = v.no
      ),
      c AS (
        SELECT old.*, n.new_status,
          CASE WHEN has_note THEN note WHEN n.new_status <> old_status THEN NULL ELSE old_note END AS new_note,
          CASE WHEN has_evidence THEN evidence ELSE old_evidence END AS new_evidence,
          CASE WHEN n.new_status = ${UNANSWERED}::text THEN NULL ELSE ${actor.userId}::uuid END AS answered_by
        FROM old, LATERAL (SELECT COALESCE(old.status, old.old_status) AS new_status) n
      ),
      ins AS (
        INSERT INTO "Answer"(id, "assessmentId", "orgId", "itemNo", status, note, "evidenceUrl", "answeredById", "answeredAt", revision)
        SELECT gen_random_uuid(), open.id, ${orgId}::uuid, c.no, c.new_status, c.new_note, c.new_evidence, c.answered_by, ${source.at}::timestamp, c.old_revision + 1
        FROM c, open WHERE c.answer_id IS NULL
        RETURNING 1
      ),
      up AS (
        UPDATE "Answer" x SET status = c.new_status, note = c.new_note, "evidenceUrl" = c.new_evidence, "answeredById" = c.answered_by,
          "answeredAt" = ${source.at}::timestamp, revision = c.old_revision + 1
        FROM c WHERE x.id = c.answer_id AND EXISTS (SELECT 1 FROM open)
        RETURNING 1
      ),
      ev AS (
        INSERT INTO "AnswerEvent"("assessmentId", "orgId", "itemNo", "actorId", channel, kind, "oldStatus", "newStatus", "oldNote", "newNote", "oldEvidence", "newEvidence", "deliveryId", "changeId", at)
        SELECT open.id, ${orgId}::uuid, c.no, ${actor.userId}::uuid, ${source.channel}::text, ${ids.kind}::text, c.old_status, c.new_status,
          c.old_note, c.new_note, c.old_evidence, c.new_evidence, ${source.deliveryId ?? null}::text, ${ids.changeId}::uuid, ${source.at}::timestamp
        FROM c, open ORDER BY c.no
        RETURNING id, "itemNo", "oldStatus", "newStatus", "oldNote", "newNote", "newEvidence"
      )
      SELECT s.*, ev.id AS "eventId", ev."itemNo", ev."oldStatus", ev."newStatus", ev."oldNote", ev."newNote", ev."newEvidence", (SELECT ok FROM marked) AS marked
      FROM s LEFT JOIN ev ON true ORDER BY ev."itemNo"`;
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
