-- AlterTable
ALTER TABLE "AnswerEvent" ADD COLUMN     "changeId" UUID;

-- CreateTable
CREATE TABLE "AnswerWalk" (
    "userId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "assessmentId" UUID NOT NULL,
    "level" INTEGER NOT NULL,
    "currentNo" INTEGER,
    "skipped" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AnswerWalk_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "FileDownload" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FileDownload_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FileDownload_expiresAt_idx" ON "FileDownload"("expiresAt");

-- Added by hand (Prisma's schema language cannot express these, and introspection ignores them).
-- The audit trail is append-only: no row of AnswerEvent is ever changed or deleted.
-- No semicolon may appear inside a statement or a comment here: the PostgreSQL driver adapter
-- runs a migration script split at every semicolon. So the function body is an escape string
-- with \073 where plpgsql needs one.
CREATE FUNCTION "answer_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''AnswerEvent is append-only (% refused)'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';
CREATE TRIGGER "AnswerEvent_append_only" BEFORE UPDATE OR DELETE ON "AnswerEvent"
  FOR EACH ROW EXECUTE FUNCTION "answer_event_append_only"();
CREATE TRIGGER "AnswerEvent_no_truncate" BEFORE TRUNCATE ON "AnswerEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "answer_event_append_only"();
ALTER TABLE "Answer" ADD CONSTRAINT "Answer_itemNo_check" CHECK ("itemNo" >= 1);
ALTER TABLE "AnswerEvent" ADD CONSTRAINT "AnswerEvent_itemNo_check" CHECK ("itemNo" >= 0);
ALTER TABLE "AnswerWalk" ADD CONSTRAINT "AnswerWalk_level_check" CHECK ("level" BETWEEN 1 AND 3);
