-- Recording answers (src/assessment/record-statement.ts), the chat's most frequent write, as a
-- function: the same one statement as before (lock the assessment FOR SHARE and the items' rows
-- FOR UPDATE, write the answers, one audit event per item, and the turn's mark), but PL/pgSQL
-- keeps its plan for the session. Planning that statement took about as long as running it
-- (0.5-0.8 ms of a 1.5-1.8 ms statement, on PostgreSQL and in PGlite), and its plan does not depend on
-- the values (one company's assessment, a few items by their keys), so it is made once per
-- connection (plan_cache_mode) rather than for every answer.
-- It runs with the caller's rights (SECURITY INVOKER, the default): the tenant walls apply to
-- every row it reads or writes, as they did to the statement.
-- The items' rows are found by their assessment (the organisation's, found first) and number
-- alone: with the organisation as well, the kept plan combined the organisation's index with the
-- assessment's and read every answer of the organisation (all its years) to lock one.
-- Prisma's PostgreSQL adapter splits a migration at every semicolon, even inside a procedural
-- block, so the body is an E-string that spells its semicolon as \073 (as in tenant_walls).

CREATE OR REPLACE FUNCTION record_answers(
  p_org uuid, p_fiscal_year int, p_version text,
  p_mark_key text, p_mark_attempt text, p_mark_intent text, p_mark_at timestamp,
  p_nos int[], p_statuses text[], p_notes text[], p_has_note boolean[], p_evidences text[], p_has_evidence boolean[],
  p_unanswered text, p_actor uuid, p_channel text, p_kind text, p_delivery text, p_change uuid, p_at timestamp
) RETURNS TABLE (
  id uuid, "orgId" uuid, "fiscalYear" int, "guidelineVersion" text, "targetLevel" int, status text, "submittedAt" timestamp, "createdAt" timestamp,
  "itemNo" int, "eventId" bigint, "oldStatus" text, "newStatus" text, "oldNote" text, "newNote" text, "newEvidence" text, marked boolean
) LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS E'#variable_conflict use_column
BEGIN
  RETURN QUERY
    WITH s AS (
      SELECT * FROM "Assessment" a
      WHERE a."orgId" = p_org AND a."fiscalYear" = p_fiscal_year AND a."guidelineVersion" = p_version
      FOR SHARE
    ),
    mark AS (
      INSERT INTO "TurnEffect" (key, attempt, intent, "orgId", at)
      SELECT p_mark_key, p_mark_attempt, p_mark_intent, p_org, p_mark_at
      WHERE p_mark_key IS NOT NULL
      ON CONFLICT (key) DO UPDATE SET writes = "TurnEffect".writes + 1 WHERE "TurnEffect".attempt = EXCLUDED.attempt
      RETURNING 1
    ),
    marked AS (SELECT p_mark_key IS NULL OR EXISTS (SELECT 1 FROM mark) AS ok),
    open AS (SELECT s.id FROM s WHERE s.status <> ''submitted'' AND (SELECT ok FROM marked)),
    cur AS (
      SELECT a.id, a."itemNo", a.status, a.note, a."evidenceUrl", a.revision FROM "Answer" a
      WHERE a."assessmentId" = (SELECT s.id FROM s) AND a."itemNo" = ANY(p_nos)
      ORDER BY a."itemNo"
      FOR UPDATE
    ),
    v AS (
      SELECT * FROM unnest(p_nos, p_statuses, p_notes, p_has_note, p_evidences, p_has_evidence)
        AS v(no, status, note, has_note, evidence, has_evidence)
    ),
    old AS (
      SELECT v.*, cur.id AS answer_id, COALESCE(cur.status, p_unanswered) AS old_status, cur.note AS old_note,
        cur."evidenceUrl" AS old_evidence, COALESCE(cur.revision, 0) AS old_revision
      FROM v LEFT JOIN cur ON cur."itemNo" = v.no
    ),
    c AS (
      SELECT old.*, n.new_status,
        CASE WHEN has_note THEN old.note WHEN n.new_status <> old_status THEN NULL ELSE old_note END AS new_note,
        CASE WHEN has_evidence THEN old.evidence ELSE old_evidence END AS new_evidence,
        CASE WHEN n.new_status = p_unanswered THEN NULL ELSE p_actor END AS answered_by
      FROM old, LATERAL (SELECT COALESCE(old.status, old.old_status) AS new_status) n
    ),
    ins AS (
      INSERT INTO "Answer"(id, "assessmentId", "orgId", "itemNo", status, note, "evidenceUrl", "answeredById", "answeredAt", revision)
      SELECT gen_random_uuid(), open.id, p_org, c.no, c.new_status, c.new_note, c.new_evidence, c.answered_by, p_at, c.old_revision + 1
      FROM c, open WHERE c.answer_id IS NULL
      RETURNING 1
    ),
    up AS (
      UPDATE "Answer" x SET status = c.new_status, note = c.new_note, "evidenceUrl" = c.new_evidence, "answeredById" = c.answered_by,
        "answeredAt" = p_at, revision = c.old_revision + 1
      FROM c WHERE x.id = c.answer_id AND EXISTS (SELECT 1 FROM open)
      RETURNING 1
    ),
    ev AS (
      INSERT INTO "AnswerEvent"("assessmentId", "orgId", "itemNo", "actorId", channel, kind, "oldStatus", "newStatus", "oldNote", "newNote", "oldEvidence", "newEvidence", "deliveryId", "changeId", at)
      SELECT open.id, p_org, c.no, p_actor, p_channel, p_kind, c.old_status, c.new_status,
        c.old_note, c.new_note, c.old_evidence, c.new_evidence, p_delivery, p_change, p_at
      FROM c, open ORDER BY c.no
      RETURNING "AnswerEvent".id, "AnswerEvent"."itemNo", "AnswerEvent"."oldStatus", "AnswerEvent"."newStatus", "AnswerEvent"."oldNote", "AnswerEvent"."newNote", "AnswerEvent"."newEvidence"
    )
    SELECT s.id, s."orgId", s."fiscalYear", s."guidelineVersion", s."targetLevel", s.status, s."submittedAt", s."createdAt",
      ev."itemNo", ev.id, ev."oldStatus", ev."newStatus", ev."oldNote", ev."newNote", ev."newEvidence", (SELECT ok FROM marked)
    FROM s LEFT JOIN ev ON true ORDER BY ev."itemNo"\073
END
';
