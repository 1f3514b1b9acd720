// The exported workbook opens cleanly in LibreOffice: converted headless to CSV, every sheet and
// every row comes out with the Japanese text intact. Skipped (saying why) where LibreOffice is
// not installed (`apt-get install -y libreoffice-calc-nogui`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AnswerChoices } from "../../src/assessment/choices.ts";
import { buildSheetData, toXlsx } from "../../src/assessment/export.ts";
import { parseCsv } from "../../src/assessment/import.ts";
import { computeProgress } from "../../src/assessment/progress.ts";
import type { CurrentAnswer } from "../../src/assessment/service.ts";
import { realKnowledge } from "../helpers/app.ts";

const hasLibreOffice = spawnSync("libreoffice", ["--version"], { encoding: "utf8" }).status === 0;

describe.skipIf(!hasLibreOffice)(`export opens in LibreOffice${hasLibreOffice ? "" : " (skipped: libreoffice not installed)"}`, () => {
  it("converts both sheets to CSV with all rows and the Japanese text", async () => {
    const kb = realKnowledge();
    const choices = AnswerChoices.load();
    const answers = new Map<number, CurrentAnswer>([
      [1, { itemNo: 1, status: "achieved", note: '規程あり, "改定"済', evidenceUrl: null, answeredById: "u", answeredAt: new Date("2026-05-01T01:00:00Z"), revision: 1 }],
    ]);
    const data = buildSheetData({
      kb,
      choices,
      assessment: { id: "a", orgId: "o", fiscalYear: 2026, guidelineVersion: "2.3", targetLevel: 2, status: "open", submittedAt: null },
      answers,
      names: new Map([["u", "山田"]]),
      progress: computeProgress(kb, choices, new Map([[1, "achieved"]]), 2),
      lang: "ja",
      orgName: "テスト株式会社",
      now: new Date("2026-06-01T00:00:00Z"),
    });
    const dir = mkdtempSync(join(tmpdir(), "jama-lo-"));
    writeFileSync(join(dir, "sheet.xlsx"), await toXlsx(data));
    const r = spawnSync(
      "libreoffice",
      [`-env:UserInstallation=file://${join(dir, "profile")}`, "--headless", "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', "--outdir", join(dir, "out"), join(dir, "sheet.xlsx")],
      { encoding: "utf8", timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const files = readdirSync(join(dir, "out")).sort();
    expect(files).toEqual(["sheet-チェックシート.csv", "sheet-集計.csv"]);
    const main = parseCsv(readFileSync(join(dir, "out", "sheet-チェックシート.csv"), "utf8")).filter((row) => row.length > 1);
    expect(main).toHaveLength(154);
    expect(main[0][0]).toBe("No.");
    expect(main[1]).toEqual(["1", "1", "セキュリティ方針", "セキュリティ基本方針の策定", "達成", '規程あり, "改定"済', "", "山田", "2026-05-01 10:00"]);
    const summary = readFileSync(join(dir, "out", "sheet-集計.csv"), "utf8");
    expect(summary).toContain("テスト株式会社");
    expect(summary).toMatch(/レベル1,50,47,1,1,0,0,46,2(\.\d+)?%/);
  }, 180_000);
});
