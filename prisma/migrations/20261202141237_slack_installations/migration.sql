-- CreateTable
CREATE TABLE "SlackInstallation" (
    "id" UUID NOT NULL,
    "installKey" TEXT NOT NULL,
    "teamId" TEXT,
    "enterpriseId" TEXT,
    "isEnterpriseInstall" BOOLEAN NOT NULL DEFAULT false,
    "appId" TEXT,
    "botId" TEXT,
    "botUserId" TEXT,
    "botScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "botTokenEnc" TEXT,
    "refreshTokenEnc" TEXT,
    "expiresAt" TIMESTAMP(3),
    "installerUserId" TEXT,
    "info" JSONB NOT NULL DEFAULT '{}',
    "installedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "uninstalledAt" TIMESTAMP(3),

    CONSTRAINT "SlackInstallation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SlackInstallation_installKey_key" ON "SlackInstallation"("installKey");

-- CreateIndex
CREATE INDEX "SlackInstallation_teamId_idx" ON "SlackInstallation"("teamId");

-- CreateIndex
CREATE INDEX "SlackInstallation_enterpriseId_idx" ON "SlackInstallation"("enterpriseId");
