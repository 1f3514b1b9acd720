-- CreateTable
CREATE TABLE "TeamsInstallation" (
    "id" UUID NOT NULL,
    "conversationId" TEXT NOT NULL,
    "tenantId" TEXT,
    "scope" TEXT NOT NULL,
    "teamId" TEXT,
    "teamName" TEXT,
    "byUserId" TEXT,
    "installedAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TeamsInstallation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TeamsInstallation_conversationId_key" ON "TeamsInstallation"("conversationId");

-- CreateIndex
CREATE INDEX "TeamsInstallation_tenantId_idx" ON "TeamsInstallation"("tenantId");
