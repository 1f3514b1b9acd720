-- CreateTable
CREATE TABLE "InboxDelivery" (
    "id" BIGSERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "turn" JSONB NOT NULL,
    "destination" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "notBefore" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reply" JSONB,
    "userId" TEXT,
    "steps" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "InboxDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InboxDelivery_status_notBefore_idx" ON "InboxDelivery"("status", "notBefore");

-- CreateIndex
CREATE INDEX "InboxDelivery_createdAt_idx" ON "InboxDelivery"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "InboxDelivery_platform_deliveryId_key" ON "InboxDelivery"("platform", "deliveryId");
