-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "externalKey" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "name" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "displayName" TEXT,
    "role" TEXT NOT NULL DEFAULT 'member',
    "locale" TEXT,
    "timeZone" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedDelivery" (
    "id" BIGSERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationState" (
    "id" UUID NOT NULL,
    "conversationKey" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConversationState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationRef" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "conversationKey" TEXT NOT NULL,
    "reference" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConversationRef_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Assessment" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "fiscalYear" INTEGER NOT NULL,
    "guidelineVersion" TEXT NOT NULL,
    "targetLevel" INTEGER NOT NULL DEFAULT 2,
    "status" TEXT NOT NULL DEFAULT 'open',
    "submittedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Assessment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Answer" (
    "id" UUID NOT NULL,
    "assessmentId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "itemNo" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "note" TEXT,
    "evidenceUrl" TEXT,
    "answeredById" UUID,
    "answeredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revision" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Answer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnswerEvent" (
    "id" BIGSERIAL NOT NULL,
    "assessmentId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "itemNo" INTEGER NOT NULL,
    "actorId" UUID,
    "channel" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "oldStatus" TEXT,
    "newStatus" TEXT NOT NULL,
    "oldNote" TEXT,
    "newNote" TEXT,
    "oldEvidence" TEXT,
    "newEvidence" TEXT,
    "deliveryId" TEXT,
    "undoesId" BIGINT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnswerEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Feedback" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "question" TEXT NOT NULL,
    "answerRef" TEXT NOT NULL,
    "helpful" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuestionLog" (
    "id" BIGSERIAL NOT NULL,
    "orgId" UUID NOT NULL,
    "normalized" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "answered" BOOLEAN NOT NULL,
    "topItemNo" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QuestionLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" UUID NOT NULL,
    "seriesNo" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "topic" TEXT NOT NULL DEFAULT '',
    "areas" TEXT[],
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "format" TEXT NOT NULL,
    "url" TEXT,
    "venue" TEXT,
    "capacity" INTEGER NOT NULL,
    "perOrgCap" INTEGER NOT NULL DEFAULT 2,
    "opensAt" TIMESTAMP(3),
    "closesAt" TIMESTAMP(3),
    "cancelCutoffAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'open',
    "provisional" BOOLEAN NOT NULL DEFAULT true,
    "confirmedCount" INTEGER NOT NULL DEFAULT 0,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Booking" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "topic" TEXT,
    "platform" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" BIGSERIAL NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "notBefore" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_externalKey_key" ON "Organization"("externalKey");

-- CreateIndex
CREATE UNIQUE INDEX "User_orgId_platform_platformUserId_key" ON "User"("orgId", "platform", "platformUserId");

-- CreateIndex
CREATE INDEX "ProcessedDelivery_receivedAt_idx" ON "ProcessedDelivery"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProcessedDelivery_platform_deliveryId_key" ON "ProcessedDelivery"("platform", "deliveryId");

-- CreateIndex
CREATE UNIQUE INDEX "ConversationState_conversationKey_userId_key" ON "ConversationState"("conversationKey", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "ConversationRef_userId_platform_conversationKey_key" ON "ConversationRef"("userId", "platform", "conversationKey");

-- CreateIndex
CREATE UNIQUE INDEX "Assessment_orgId_fiscalYear_guidelineVersion_key" ON "Assessment"("orgId", "fiscalYear", "guidelineVersion");

-- CreateIndex
CREATE INDEX "Answer_orgId_idx" ON "Answer"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "Answer_assessmentId_itemNo_key" ON "Answer"("assessmentId", "itemNo");

-- CreateIndex
CREATE INDEX "AnswerEvent_assessmentId_itemNo_idx" ON "AnswerEvent"("assessmentId", "itemNo");

-- CreateIndex
CREATE INDEX "AnswerEvent_assessmentId_actorId_idx" ON "AnswerEvent"("assessmentId", "actorId");

-- CreateIndex
CREATE INDEX "QuestionLog_answered_normalized_idx" ON "QuestionLog"("answered", "normalized");

-- CreateIndex
CREATE UNIQUE INDEX "Session_seriesNo_key" ON "Session"("seriesNo");

-- CreateIndex
CREATE INDEX "Booking_sessionId_status_queuedAt_idx" ON "Booking"("sessionId", "status", "queuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Booking_sessionId_userId_key" ON "Booking"("sessionId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_notBefore_idx" ON "OutboxMessage"("status", "notBefore");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assessment" ADD CONSTRAINT "Assessment_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Answer" ADD CONSTRAINT "Answer_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "Assessment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnswerEvent" ADD CONSTRAINT "AnswerEvent_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "Assessment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Invariants Prisma's schema language cannot express (added by hand. Introspection ignores them,
-- so they do not show up as drift).
ALTER TABLE "Session" ADD CONSTRAINT "Session_seats_check" CHECK ("confirmedCount" >= 0 AND "confirmedCount" <= "capacity");
ALTER TABLE "Session" ADD CONSTRAINT "Session_capacity_check" CHECK ("capacity" >= 0 AND "perOrgCap" >= 1);
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_status_check" CHECK ("status" IN ('confirmed', 'waitlisted', 'cancelled'));
ALTER TABLE "Assessment" ADD CONSTRAINT "Assessment_level_check" CHECK ("targetLevel" BETWEEN 1 AND 3);
