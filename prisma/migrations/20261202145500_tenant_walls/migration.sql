-- Tenant walls: row-level security on every table that holds the data of a company, keyed on the
-- organisation the connection has set for its transaction:
--     SELECT set_config with app.org_id, the organisation uuid, and true (this transaction only)
-- The policies bind the role "jama_app", which owns no table and has no BYPASSRLS: with no
-- organisation set it sees no rows, with organisation A it never sees or writes a row of B, and it
-- may add audit rows ("AnswerEvent") but never change or delete them. Other roles are not walled:
-- the owner of the tables (the role that runs the migrations) is the separate path for work that
-- spans companies (secretariat aggregates, the outbox, reminders, housekeeping).
-- Creating a role needs CREATEROLE: where the migrating role lacks it the walls are still
-- enabled and an administrator creates "jama_app" and runs the grants below (README: tenant walls).
-- Prisma's PostgreSQL adapter splits a migration at every semicolon, even inside a procedural
-- block, so the two DO blocks below are E-strings that spell their semicolons as \073.

CREATE OR REPLACE FUNCTION app_org() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('app.org_id', true), '')::uuid $$;

DO E'BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \'jama_app\') THEN
    CREATE ROLE jama_app NOLOGIN NOBYPASSRLS\073
  END IF\073
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL\073
  WHEN insufficient_privilege THEN RAISE NOTICE \'role jama_app not created (no CREATEROLE)\'\073
END';

ALTER TABLE "Organization" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "Organization" TO PUBLIC USING (current_user <> 'jama_app' OR id = app_org());

ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "User" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "ConversationState" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "ConversationState" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "ConversationRef" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "ConversationRef" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "Assessment" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "Assessment" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "Answer" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "Answer" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "AnswerEvent" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "AnswerEvent" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "AnswerWalk" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "AnswerWalk" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "FileDownload" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "FileDownload" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "Feedback" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "Feedback" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "QuestionLog" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "QuestionLog" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "Booking" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "Booking" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "WebSignInLink" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "WebSignInLink" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "WebSession" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "WebSession" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "SupplierCodeAttempt" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "SupplierCodeAttempt" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

-- the supplier roll-out joins two companies: each side sees the rows that name it
ALTER TABLE "SupplierInvitation" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "SupplierInvitation" TO PUBLIC
  USING (current_user <> 'jama_app' OR "buyerOrgId" = app_org() OR "supplierOrgId" = app_org());

ALTER TABLE "SupplierEvent" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "SupplierEvent" TO PUBLIC
  USING (current_user <> 'jama_app' OR "buyerOrgId" = app_org() OR "supplierOrgId" = app_org());

-- what the bot role may do: the audit trail is append-only for it
DO E'BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \'jama_app\') THEN
    GRANT USAGE ON SCHEMA public TO jama_app\073
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO jama_app\073
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO jama_app\073
    REVOKE UPDATE, DELETE, TRUNCATE ON "AnswerEvent" FROM jama_app\073
    REVOKE UPDATE, DELETE, TRUNCATE ON "SupplierEvent" FROM jama_app\073
    IF to_regclass(\'public._prisma_migrations\') IS NOT NULL THEN
      REVOKE ALL ON "_prisma_migrations" FROM jama_app\073
    END IF\073
  END IF\073
END';
