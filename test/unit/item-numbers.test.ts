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
    for (const t of ["第3回を予約", "3日前にリマインド", "FY2026の進捗", "レベル1の一覧", "v2.3版の変更点", "パスワードポリシー"]) {
      expect(findItemNumbers(t).numbers).toEqual([]);
    }
  });

  it("reads bare numbers only when asked to (loose), as recording messages need", () => {
    expect(findItemNumbers("mark 124 as achieved").numbers).toEqual([]);
    expect(findItemNumbers("mark 124 as achieved", { loose: true }).numbers).toEqual([124]);
    expect(findItemNumbers("115 未達成 EDR未導入のため", { loose: true }).numbers).toEqual([115]);
    expect(findItemNumbers("124 達成、レベル2", { loose: true }).numbers).toEqual([124]);
  });
});
