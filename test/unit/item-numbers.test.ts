import { describe, expect, it } from "vitest";
import { findItemNumbers } from "../../src/nlu/item-numbers.ts";

describe("findItemNumbers", () => {
  it.each([
    ["No.115 の意味を教えて", [115]],
    ["項目124って何？", [124]],
    ["148番", [148]],
    ["ＮＯ．１１５", [115]],
    ["№115", [115]],
    ["no115", [115]],
    ["#115", [115]],
    ["What does item 124 require?", [124]],
    ["115", [115]],
    ["115は？", [115]],
    ["115と116", [115, 116]],
    ["No.115, 116", [115, 116]],
  ])("reads %s as %j", (text, expected) => {
    expect(findItemNumbers(text).numbers).toEqual(expected);
  });

  it("expands ranges in every spelling", () => {
    for (const t of ["No.1〜3", "No.1-3", "1〜3番", "No.1～No.3", "No.1 から 3"]) {
      expect(findItemNumbers(t)).toEqual({ numbers: [1, 2, 3], multiple: true });
    }
  });

  it("does not mistake other numbers for item numbers", () => {
    for (const t of ["第3回を予約", "3日前にリマインド", "FY2026の進捗", "レベル1の一覧", "v2.3版の変更点", "パスワードポリシー", "153項目全部やらなきゃだめ？", "従業員30人の町工場です", "5Sの進め方"]) {
      expect(findItemNumbers(t).numbers).toEqual([]);
    }
  });

  it("reads bare numbers only when asked to (loose), as recording messages need", () => {
    expect(findItemNumbers("mark 124 as achieved").numbers).toEqual([]);
    expect(findItemNumbers("mark 124 as achieved", { loose: true }).numbers).toEqual([124]);
    expect(findItemNumbers("115 未達成 EDR未導入のため", { loose: true }).numbers).toEqual([115]);
    expect(findItemNumbers("124 達成、レベル2", { loose: true }).numbers).toEqual([124]);
  });

  it("reads every range of a list of ranges, not only the first", () => {
    expect(findItemNumbers("No.1〜3, 5〜7").numbers).toEqual([1, 2, 3, 5, 6, 7]);
    expect(findItemNumbers("No.1-3と10").numbers).toEqual([1, 2, 3, 10]);
    expect(findItemNumbers("No.10, 20〜22").numbers).toEqual([10, 20, 21, 22]);
    expect(findItemNumbers("1〜3、5〜6番").numbers).toEqual([1, 2, 3, 5, 6]);
    expect(findItemNumbers("1〜3, 5〜7 未達成", { loose: true }).numbers).toEqual([1, 2, 3, 5, 6, 7]);
  });

  it("reads a long number whole (to report it), never its first or last four digits", () => {
    expect(findItemNumbers("No.999999").numbers).toEqual([999999]);
    expect(findItemNumbers("No.12345は?").numbers).toEqual([12345]);
    expect(findItemNumbers("12345番").numbers).toEqual([12345]);
    expect(findItemNumbers("No.1〜99999").numbers).toEqual([1, 99999]);
    expect(findItemNumbers("No.12345678").numbers).toEqual([]);
  });

  it("keeps the minus sign of 「No.-1」, so it is reported as no such item rather than read as No.1", () => {
    expect(findItemNumbers("No.-1").numbers).toEqual([-1]);
    expect(findItemNumbers("No.-1は達成", { loose: true }).numbers).toEqual([-1]);
    expect(findItemNumbers("No.1-3").numbers).toEqual([1, 2, 3]);
  });
});
