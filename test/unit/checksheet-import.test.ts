// kb:import reads official check sheets the tests generate with exceljs, tidy and messy.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseCheckSheet } from "../../src/knowledge/checksheet-import.ts";
import { Knowledge } from "../../src/knowledge/knowledge.ts";

const root = new URL("../../", import.meta.url).pathname;

async function xlsx(build: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("チェックシート");
  build(ws, wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe("official check sheet import", () => {
  it("finds the header below title rows and reads every item", async () => {
    const data = await xlsx((ws) => {
      ws.addRow(["自動車産業サイバーセキュリティガイドライン チェックシート V2.3"]);
      ws.addRow([]);
      ws.addRow(["No.", "レベル", "分類", "要求事項", "達成条件", "回答", "備考"]);
      ws.addRow([1, "Lv1", "方針", "基本方針を定めること", "基本方針が文書化されている", "", ""]);
      ws.addRow([8, "レベル2", "人的", "要求8", "条件8の公式文言", "", ""]);
      ws.addRow(["No.115", "１", "認証", "パスワード", "ルールが定められている", "", ""]);
    });
    const r = await parseCheckSheet(data, "sheet.xlsx", { totalItems: 153 });
    expect(r.headerRow).toBe(3);
    expect(r.items.map((i) => [i.no, i.level])).toEqual([[1, 1], [8, 2], [115, 1]]);
    expect(r.items[1]).toMatchObject({ requirement: "要求8", condition: "条件8の公式文言", area: "人的" });
    expect(r.unknownColumns).toEqual(["回答", "備考"]);
    expect(r.problems).toEqual([]);
  });

  it("fills a requirement written once over merged rows down to its conditions", async () => {
    const data = await xlsx((ws) => {
      ws.addRow(["No", "要求事項", "達成条件"]);
      ws.addRow([28, "従業員教育を行うこと", "条件A"]);
      ws.addRow([29, "", "条件B"]);
      ws.addRow([30, "", "条件C"]);
      ws.mergeCells("B2:B4");
    });
    const r = await parseCheckSheet(data, "m.xlsx", { totalItems: 153 });
    expect(r.items.map((i) => i.requirement)).toEqual(["従業員教育を行うこと", "従業員教育を行うこと", "従業員教育を行うこと"]);
  });

  it("reports broken rows and skips them: bad numbers, out of range, bad level, duplicates, empty text", async () => {
    const data = await xlsx((ws) => {
      ws.addRow(["番号", "Lv", "達成条件"]);
      ws.addRow([2, 1, "ok"]);
      ws.addRow([200, 1, "out of range"]);
      ws.addRow([3, "4", "bad level"]);
      ws.addRow([4, 1, ""]);
      ws.addRow([5, 1, "first"]);
      ws.addRow([5, 1, "second"]);
      ws.addRow(["注: 以下は参考", "", ""]);
    });
    const r = await parseCheckSheet(data, "b.xlsx", { totalItems: 153 });
    expect(r.items.map((i) => i.no)).toEqual([2]);
    const text = r.problems.map((p) => p.problem).join("\n");
    for (const s of ["No.200", "level \"4\"", "No.4: no text", "No.5 appears again", "is not an item number"]) expect(text).toContain(s);
  });

  it("reads CSV (UTF-8 with BOM, quoted newlines) and takes columns mapped by letter when headers are unusual", async () => {
    const csv = "\uFEFF項目,グレード,本文\n1,1,\"一行目\n二行目\"\n2,2,テキスト\n";
    const r = await parseCheckSheet(Buffer.from(csv), "s.csv", { totalItems: 153, columns: { no: "A", level: "B", condition: "本文" } });
    expect(r.items).toEqual([
      { no: 1, level: 1, condition: "一行目\n二行目" },
      { no: 2, level: 2, condition: "テキスト" },
    ]);
  });

  it("refuses a sheet with no recognisable header, naming the flags", async () => {
    const data = await xlsx((ws) => {
      ws.addRow(["a", "b"]);
      ws.addRow([1, 2]);
    });
    await expect(parseCheckSheet(data, "x.xlsx", { totalItems: 153 })).rejects.toThrow(/--no-col/);
  });

  it("npm run kb:import writes the overlay whole, and the bot shows the official wording and level", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kbimport-"));
    const sheet = join(dir, "official.xlsx");
    writeFileSync(
      sheet,
      await xlsx((ws) => {
        ws.addRow(["No.", "レベル", "要求事項", "達成条件"]);
        ws.addRow([8, 1, "公式の要求事項8", "公式の達成条件8"]);
        ws.addRow([999, 1, "x", "y"]);
      }),
    );
    const overlay = join(dir, "local", "official.yaml");
    const out = execFileSync(join(root, "node_modules/.bin/tsx"), ["scripts/kb-import.ts", sheet], {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH, KB_OVERLAY_FILE: overlay },
    });
    expect(out).toContain("No.999 is outside");
    const written = parse(readFileSync(overlay, "utf8"));
    expect(written.items).toEqual([{ no: 8, requirement: "公式の要求事項8", condition: "公式の達成条件8", level: 1 }]);
    const kb = Knowledge.load({ overlayFile: overlay });
    expect(kb.item(8)).toMatchObject({ status: "unknown", level: 1, official: { condition: "公式の達成条件8" } });

    // a sheet with nothing usable writes nothing
    const empty = join(dir, "empty.csv");
    writeFileSync(empty, "No.,達成条件\n999,x\n");
    const other = join(dir, "other", "official.yaml");
    const r = spawnSync(join(root, "node_modules/.bin/tsx"), ["scripts/kb-import.ts", empty], { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH, KB_OVERLAY_FILE: other } });
    expect(r.status).toBe(1);
    expect(existsSync(other)).toBe(false);
  });
});

describe("official wording in search", () => {
  it("makes an item we never described findable by its official text", async () => {
    const { SearchIndex } = await import("../../src/knowledge/search.ts");
    const { answerQuestion } = await import("../../src/knowledge/answer.ts");
    const dir = mkdtempSync(join(tmpdir(), "kbsearch-"));
    const overlay = join(dir, "official.yaml");
    writeFileSync(overlay, "sheet: test.xlsx\nitems:\n  - no: 8\n    level: 2\n    condition: 貸与スマートフォンの紛失時に遠隔消去できる手順を定めている\n");
    const kb = Knowledge.load({ overlayFile: overlay });
    const search = new SearchIndex(kb);
    const r = search.search("スマホをなくしたときの遠隔消去");
    expect(r.hits[0]?.no).toBe(8);
    const answer = await answerQuestion("スマホをなくしたときの遠隔消去の手順", "ja", { kb, search });
    expect(JSON.stringify(answer.reply)).toContain("No.8");
    // without the overlay, No.8 has no text and is never a content hit
    const plain = new SearchIndex(Knowledge.load());
    expect(plain.search("スマホをなくしたときの遠隔消去").hits.some((h) => h.no === 8)).toBe(false);
  });
});
