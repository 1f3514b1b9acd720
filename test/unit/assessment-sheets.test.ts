// Export re-read with exceljs (sheets, header, frozen row, widths, 153 rows, Japanese text), the
// CSV's BOM and quoting, the round trip export → import, and messy sheets people really send.
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { AnswerChoices, UNANSWERED } from "../../src/assessment/choices.ts";
import { buildSheetData, HEADERS, toCsv, toXlsx } from "../../src/assessment/export.ts";
import { decodeText, ImportError, parseCsv, parseSheet, planImport } from "../../src/assessment/import.ts";
import { computeProgress } from "../../src/assessment/progress.ts";
import type { AssessmentRef, CurrentAnswer } from "../../src/assessment/service.ts";
import { realKnowledge } from "../helpers/app.ts";

const kb = realKnowledge();
const choices = AnswerChoices.load();
const now = new Date("2026-06-01T03:00:00Z");
const assessment: AssessmentRef = { id: "a", orgId: "o", fiscalYear: 2026, guidelineVersion: "2.3", targetLevel: 2, status: "open", submittedAt: null };

function answer(no: number, status: string, note: string | null = null, evidenceUrl: string | null = null): [number, CurrentAnswer] {
  return [no, { itemNo: no, status, note, evidenceUrl, answeredById: "u1", answeredAt: new Date("2026-05-01T01:00:00Z"), revision: 1 }];
}

const answers = new Map<number, CurrentAnswer>([
  answer(1, "achieved", "方針は2025年に改定"),
  answer(2, "not_achieved", '教育は未実施, "来期"に計画\n2行目'),
  answer(8, "not_applicable", "該当システムなし", "https://example.com/evidence.pdf"),
  answer(115, "achieved", "=HYPERLINK(\"http://evil\")"),
  answer(116, UNANSWERED),
]);
const statuses = new Map([...answers].map(([n, a]) => [n, a.status]));

function data(lang: "ja" | "en" = "ja") {
  return buildSheetData({
    kb,
    choices,
    assessment,
    answers,
    names: new Map([["u1", "山田 太郎"]]),
    progress: computeProgress(kb, choices, statuses, 2),
    lang,
    orgName: "テスト株式会社",
    now,
  });
}

describe("xlsx export", () => {
  it("has one row per item 1..153 with answers, a frozen header, widths, and a summary per level and area", async () => {
    const buf = await toXlsx(data());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["チェックシート", "集計"]);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, ...HEADERS.ja]);
    expect(ws.rowCount).toBe(154);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(ws.getColumn(4).width).toBeGreaterThan(30);
    expect(ws.getRow(1).font?.bold).toBe(true);
    const row = (no: number) => ws.getRow(no + 1).values as unknown[];
    expect(row(1).slice(1)).toEqual([1, 1, "セキュリティ方針", "セキュリティ基本方針の策定", "達成", "方針は2025年に改定", "", "山田 太郎", "2026-05-01 10:00"]);
    expect(row(8).slice(1, 8)).toEqual([8, "未確認", "", "(内容未登録)", "対象外", "該当システムなし", "https://example.com/evidence.pdf"]);
    expect(row(116).slice(5, 10)).toEqual(["", "", "", "", ""]);
    // a note that looks like a formula stays text in the xlsx
    expect(ws.getRow(116).getCell(6).value).toBe('=HYPERLINK("http://evil")');
    expect(ws.getRow(116).getCell(6).type).toBe(ExcelJS.ValueType.String);

    const sum = wb.worksheets[1];
    const texts = sum.getSheetValues().flat().filter((v) => typeof v === "string") as string[];
    expect(texts).toContain("テスト株式会社");
    expect(texts).toContain("レベル1");
    expect(texts).toContain("目標(レベル1〜2)");
    expect(texts).toContain("セキュリティ方針");
    expect(texts.some((t) => t.startsWith("達成率 = 達成 ÷ (そのレベルの項目数 − 対象外)"))).toBe(true);
    const lv1 = sum.getRows(1, sum.rowCount)!.find((r) => r.getCell(1).value === "レベル1")!;
    // group, official, known, answered, 達成, 未達成, 対象外, 未回答, rate
    expect((lv1.values as unknown[]).slice(1)).toEqual([
      "レベル1",
      50,
      47,
      3, // No.1, 2 and 115 are Level 1
      2,
      1,
      0,
      44,
      2 / 47,
    ]);
    expect(lv1.getCell(9).numFmt).toBe("0%");
  });

  it("writes English headers for English speakers", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx(data("en"))) as never);
    expect(wb.worksheets[0].name).toBe("Check sheet");
    expect(wb.worksheets[0].getRow(1).getCell(5).value).toBe("Answer");
  });
});

describe("csv export", () => {
  it("starts with a UTF-8 BOM, quotes what needs quoting, and defuses formulas", () => {
    const buf = toCsv(data());
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.subarray(3).toString("utf8");
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(HEADERS.ja);
    expect(rows.filter((r) => r.length > 1)).toHaveLength(154);
    expect(rows[2][5]).toBe('教育は未実施, "来期"に計画\n2行目');
    expect(rows[115][5]).toBe(`'=HYPERLINK("http://evil")`);
    expect(text).toContain("\r\n");
  });
});

describe("import", () => {
  it("reads our own export back (xlsx and csv) to the same answers", async () => {
    for (const [buf, name] of [
      [await toXlsx(data()), "sheet.xlsx"],
      [toCsv(data()), "sheet.csv"],
      [await toXlsx(data("en")), "sheet-en.xlsx"],
    ] as const) {
      const parsed = await parseSheet(buf, name, choices, 153);
      expect(parsed.problems, name).toEqual([]);
      expect(parsed.rows.map((r) => [r.no, r.status, r.note, r.evidence]), name).toEqual([
        [1, "achieved", "方針は2025年に改定", undefined],
        [2, "not_achieved", '教育は未実施, "来期"に計画\n2行目', undefined],
        [8, "not_applicable", "該当システムなし", "https://example.com/evidence.pdf"],
        [115, "achieved", '=HYPERLINK("http://evil")', undefined],
      ]);
      expect(parsed.blank).toBe(149);
      // and importing it changes nothing
      expect(planImport(parsed.rows, answers).changes).toEqual([]);
    }
  });

  it("reads a messy sheet: title rows, other column names, symbols, rich text, formulas, links, duplicates", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("表紙").addRow(["自己評価チェックシート"]);
    const ws = wb.addWorksheet("回答");
    ws.addRow(["自工会/部工会 サイバーセキュリティガイドライン"]);
    ws.mergeCells("A1:E1");
    ws.addRow([]);
    ws.addRow(["会社名", "株式会社サンプル"]);
    ws.addRow(["項番", "要求事項", "評価", "備考", "エビデンス"]);
    ws.addRow(["レベル1"]); // a section row
    ws.addRow([1, "方針", "○", "", ""]);
    ws.addRow(["No.2", "教育", "×", "来期", ""]);
    ws.addRow(["３", "x", { richText: [{ text: "達" }, { text: "成" }] }, "", { text: "規程", hyperlink: "https://example.com/rule" }]);
    ws.addRow([4, "x", { formula: 'IF(1=1,"未達成","")', result: "未達成" }, "", ""]);
    ws.addRow([5, "x", " N/A ", "工場なし", ""]);
    ws.addRow([6, "x", "-", "", ""]); // 対象外 without a reason
    ws.addRow([7, "x", "たぶん", "", ""]);
    ws.addRow([200, "x", "○", "", ""]);
    ws.addRow([]);
    ws.addRow([9, "x", "", "空欄は変更しない", ""]);
    ws.addRow([10, "x", "達成", "", ""]);
    ws.addRow([10, "x", "達成", "", ""]); // same twice: fine
    ws.addRow([11, "x", "達成", "", ""]);
    ws.addRow([11, "x", "未達成", "", ""]); // conflict: neither is taken
    ws.addRow(["合計", "", "", "", ""]);
    const buf = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    const parsed = await parseSheet(buf, "回答.xlsx", choices, 153);
    expect(parsed.sheetName).toBe("回答");
    expect(parsed.headerLine).toBe(4);
    expect(parsed.rows.map((r) => [r.no, r.status, r.note ?? null, r.evidence ?? null])).toEqual([
      [1, "achieved", null, null],
      [2, "not_achieved", "来期", null],
      [3, "achieved", null, "https://example.com/rule"],
      [4, "not_achieved", null, null],
      [5, "not_applicable", "工場なし", null],
      [10, "achieved", null, null],
    ]);
    expect(parsed.problems.map((p) => [p.line, p.no, p.reason])).toEqual([
      [11, 6, "reason_required"],
      [12, 7, "unknown_status"],
      [13, 200, "out_of_range"],
      [19, 11, "conflict"],
    ]);
    expect(parsed.blank).toBe(1);
    const plan = planImport(parsed.rows, new Map([answer(1, "achieved"), answer(2, "achieved")]));
    expect(plan.unchanged).toBe(1);
    expect(plan.overwrites).toBe(1);
    expect(plan.counts).toEqual({ not_achieved: 2, achieved: 2, not_applicable: 1 });
  });

  it("reads CSV in Shift_JIS, tab-separated text, and English column names", async () => {
    // "No.,回答,メモ\r\n1,達成,済\r\n" in Shift_JIS
    const sjis = Buffer.from("4e6f2e2c89f1939a2c838183820d0a312c924290ac2c8dcf0d0a", "hex");
    expect(decodeText(sjis)).toBe("No.,回答,メモ\r\n1,達成,済\r\n");
    const a = await parseSheet(sjis, "sjis.csv", choices, 153);
    expect(a.rows).toEqual([{ line: 2, no: 1, status: "achieved", note: "済" }]);
    const tsv = Buffer.from("Item No.\tStatus\tComment\n12\tDone\t\n13\tnot applicable\tno OT\n", "utf8");
    const b = await parseSheet(tsv, "x.tsv", choices, 153);
    expect(b.rows.map((r) => [r.no, r.status, r.note])).toEqual([
      [12, "achieved", undefined],
      [13, "not_applicable", "no OT"],
    ]);
  });

  it("refuses files it cannot read, saying why", async () => {
    await expect(parseSheet(Buffer.from("a,b\n1,2\n"), "x.csv", choices, 153)).rejects.toMatchObject({ code: "no_header" });
    await expect(parseSheet(Buffer.from("PK\u0003\u0004garbage"), "x.xlsx", choices, 153)).rejects.toBeInstanceOf(ImportError);
    await expect(parseSheet(Buffer.alloc(6 * 1024 * 1024), "big.csv", choices, 153)).rejects.toMatchObject({ code: "too_large" });
    await expect(parseSheet(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), "old.xls", choices, 153)).rejects.toMatchObject({ code: "unsupported" });
  });
});

describe("import: over-long notes", () => {
  it("refuses a row whose note is longer than the chat allows, naming it, instead of cutting it", async () => {
    const { describeProblems } = await import("../../src/assessment/import-flow.ts");
    const { MAX_NOTE } = await import("../../src/assessment/parse-answer.ts");
    const csv = Buffer.from(`No.,回答,メモ\n1,未達成,${"あ".repeat(MAX_NOTE + 1)}\n2,達成,短いメモ\n`);
    const parsed = await parseSheet(csv, "s.csv", choices, 153);
    expect(parsed.rows.map((r) => r.no)).toEqual([2]);
    expect(parsed.problems).toEqual([{ line: 2, no: 1, reason: "note_too_long", value: String(MAX_NOTE + 1) }]);
    expect(describeProblems(parsed.problems, "ja")[0]).toContain("メモが長すぎます");
  });
});
