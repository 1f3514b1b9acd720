-- Demo sessions and "tell me when sessions open" (issue 11, requirement 6).
-- Session.demo marks the sessions the terminal chat seeds from knowledge/sessions.yaml, a
-- deployment removes them at start-up. SessionAlert holds the people waiting for the dates.
-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "demo" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "SessionAlert" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "lang" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "notifiedAt" TIMESTAMP(3),

    CONSTRAINT "SessionAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SessionAlert_userId_key" ON "SessionAlert"("userId");

-- CreateIndex
CREATE INDEX "SessionAlert_notifiedAt_idx" ON "SessionAlert"("notifiedAt");

-- Databases seeded before this change: the provisional series written from knowledge/sessions.yaml
-- at its original dates, never edited (sequence 0) and never booked, is the demo.
UPDATE "Session" s SET "demo" = true
WHERE s."provisional" AND s."sequence" = 0
  AND (s."seriesNo", s."startsAt") IN (VALUES
  (1, TIMESTAMP '2027-01-21 05:00:00.000'),
  (2, TIMESTAMP '2027-02-18 05:00:00.000'),
  (3, TIMESTAMP '2027-03-18 05:00:00.000'),
  (4, TIMESTAMP '2027-04-15 05:00:00.000'),
  (5, TIMESTAMP '2027-05-20 05:00:00.000'),
  (6, TIMESTAMP '2027-06-17 05:00:00.000'),
  (7, TIMESTAMP '2027-07-15 05:00:00.000'),
  (8, TIMESTAMP '2027-08-19 05:00:00.000'),
  (9, TIMESTAMP '2027-09-16 05:00:00.000'),
  (10, TIMESTAMP '2027-10-21 05:00:00.000'),
  (11, TIMESTAMP '2027-11-18 05:00:00.000'),
  (12, TIMESTAMP '2027-12-16 05:00:00.000'))
  AND NOT EXISTS (SELECT 1 FROM "Booking" b WHERE b."sessionId" = s."id");

-- Tenant wall (as in 20261202145500_tenant_walls): a person's wish belongs to their company.
ALTER TABLE "SessionAlert" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "SessionAlert" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

DO E'BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \'jama_app\') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON "SessionAlert" TO jama_app\073
  END IF\073
END';
