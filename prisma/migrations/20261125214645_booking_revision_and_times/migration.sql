-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "confirmedAt" TIMESTAMP(3),
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Booking_sessionId_orgId_status_idx" ON "Booking"("sessionId", "orgId", "status");

-- CreateIndex
CREATE INDEX "Booking_userId_status_idx" ON "Booking"("userId", "status");

-- Invariants Prisma's schema language cannot express (added by hand).
ALTER TABLE "Session" ADD CONSTRAINT "Session_status_check" CHECK ("status" IN ('open', 'closed', 'cancelled'));
ALTER TABLE "Session" ADD CONSTRAINT "Session_format_check" CHECK ("format" IN ('online', 'venue'));
ALTER TABLE "Session" ADD CONSTRAINT "Session_times_check" CHECK ("endsAt" > "startsAt" AND "seriesNo" >= 1);
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_revision_check" CHECK ("revision" >= 0);
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_status_check" CHECK ("status" IN ('pending', 'sending', 'sent', 'failed', 'skipped'));
