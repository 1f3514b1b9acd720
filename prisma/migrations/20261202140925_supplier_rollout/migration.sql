-- CreateTable
CREATE TABLE "SupplierInvitation" (
    "id" UUID NOT NULL,
    "buyerOrgId" UUID NOT NULL,
    "supplierName" TEXT NOT NULL,
    "contact" TEXT,
    "dueDate" TIMESTAMP(3),
    "codeHash" TEXT NOT NULL,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'invited',
    "supplierOrgId" UUID,
    "usedAt" TIMESTAMP(3),
    "usedById" UUID,
    "scope" TEXT NOT NULL DEFAULT 'summary',
    "decidedAt" TIMESTAMP(3),
    "decidedById" UUID,
    "remindersOff" BOOLEAN NOT NULL DEFAULT false,
    "lastRemindedAt" TIMESTAMP(3),

    CONSTRAINT "SupplierInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupplierEvent" (
    "id" BIGSERIAL NOT NULL,
    "invitationId" UUID NOT NULL,
    "buyerOrgId" UUID NOT NULL,
    "supplierOrgId" UUID,
    "actorId" UUID,
    "kind" TEXT NOT NULL,
    "detail" JSONB,
    "channel" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SupplierEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupplierCodeAttempt" (
    "id" BIGSERIAL NOT NULL,
    "userId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SupplierCodeAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SupplierInvitation_codeHash_key" ON "SupplierInvitation"("codeHash");

-- CreateIndex
CREATE INDEX "SupplierInvitation_buyerOrgId_idx" ON "SupplierInvitation"("buyerOrgId");

-- CreateIndex
CREATE INDEX "SupplierInvitation_supplierOrgId_idx" ON "SupplierInvitation"("supplierOrgId");

-- CreateIndex
CREATE UNIQUE INDEX "SupplierInvitation_buyerOrgId_supplierOrgId_key" ON "SupplierInvitation"("buyerOrgId", "supplierOrgId");

-- CreateIndex
CREATE INDEX "SupplierEvent_invitationId_idx" ON "SupplierEvent"("invitationId");

-- CreateIndex
CREATE INDEX "SupplierEvent_supplierOrgId_idx" ON "SupplierEvent"("supplierOrgId");

-- CreateIndex
CREATE INDEX "SupplierCodeAttempt_userId_at_idx" ON "SupplierCodeAttempt"("userId", "at");

-- CreateIndex
CREATE INDEX "SupplierCodeAttempt_orgId_at_idx" ON "SupplierCodeAttempt"("orgId", "at");

-- What Prisma cannot express: the states and scopes an invitation can be in.
ALTER TABLE "SupplierInvitation" ADD CONSTRAINT "SupplierInvitation_status_check"
  CHECK ("status" IN ('invited', 'pending', 'accepted', 'declined', 'withdrawn'));
ALTER TABLE "SupplierInvitation" ADD CONSTRAINT "SupplierInvitation_scope_check"
  CHECK ("scope" IN ('summary', 'items'));
