-- AlterTable
ALTER TABLE "InboxDelivery" ADD COLUMN     "orgId" UUID;

-- CreateTable
CREATE TABLE "TurnEffect" (
    "key" TEXT NOT NULL,
    "orgId" UUID,
    "attempt" TEXT NOT NULL,
    "intent" TEXT NOT NULL,
    "writes" INTEGER NOT NULL DEFAULT 1,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TurnEffect_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "TurnEffect_at_idx" ON "TurnEffect"("at");

-- Tenant walls (as in 20261202145500_tenant_walls). The inbox works outside turns as the tables'
-- owner, the walled role "jama_app" sees and writes only its own company's rows (none of a delivery
-- whose organisation is not known yet). A turn's data changes write TurnEffect as "jama_app", in the
-- same transaction as the change.
ALTER TABLE "InboxDelivery" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "InboxDelivery" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

ALTER TABLE "TurnEffect" ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_wall ON "TurnEffect" TO PUBLIC
  USING (current_user <> 'jama_app' OR "orgId" = app_org()) WITH CHECK (current_user <> 'jama_app' OR "orgId" = app_org());

DO E'BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \'jama_app\') THEN
    GRANT SELECT, INSERT, UPDATE ON "TurnEffect" TO jama_app\073
  END IF\073
END';
