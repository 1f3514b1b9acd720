-- CreateIndex
CREATE INDEX "Assessment_fiscalYear_guidelineVersion_idx" ON "Assessment"("fiscalYear", "guidelineVersion");
