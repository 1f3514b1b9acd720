// Progress maths without a database: achievement rate = achieved ÷ (items − 対象外), per level over
// the items whose level is known, the target level cumulative, all 153 numbers; the flags of
// answer-choices.yaml decide what counts; gaps come Level 1 first.
import { describe, expect, it } from "vitest";
import { AnswerChoices, AnswerChoicesFile } from "../../src/assessment/choices.ts";
import { computeProgress, findGaps, pct, pointsDiff, tally } from "../../src/assessment/progress.ts";
import { fiscalYearOf, formatJst } from "../../src/assessment/fiscal-year.ts";
import { realKnowledge } from "../helpers/app.ts";

const kb = realKnowledge();
const choices = AnswerChoices.load();
const lv1 = kb.itemsOfLevel(1).map((i) => i.no);
const lv2 = kb.itemsOfLevel(2).map((i) => i.no);

describe("progress", () => {
  it("knows which items of each level are placeable, and says how many are not", () => {
    const p = computeProgress(kb, choices, new Map(), 2);
    expect(p.levels.map((l) => [l.level, l.officialItems, l.items, l.notInKb])).toEqual([
      [1, 50, 47, 3],
      [2, 74, 43, 31],
      [3, 29, 5, 24],
    ]);
    expect(p.all.items).toBe(153);
    expect(p.unknownLevel.items).toBe(58);
    expect(p.target.items).toBe(47 + 43);
    expect(p.target.officialItems).toBe(124);
    expect(p.levels[0].rate).toBe(0);
  });

  it("computes achieved ÷ (items − 対象外), with 未達成 and unanswered in the denominator", () => {
    const answers = new Map<number, string>();
    lv1.slice(0, 20).forEach((n) => answers.set(n, "achieved"));
    lv1.slice(20, 25).forEach((n) => answers.set(n, "not_achieved"));
    lv1.slice(25, 27).forEach((n) => answers.set(n, "not_applicable"));
    answers.set(lv1[27], "unanswered"); // taken back: still unanswered
    const p = computeProgress(kb, choices, answers, 2);
    const l1 = p.levels[0];
    expect(l1).toMatchObject({ items: 47, answered: 27, achieved: 20, excluded: 2, unanswered: 20 });
    expect(l1.byChoice).toEqual({ achieved: 20, not_achieved: 5, not_applicable: 2 });
    expect(l1.rate).toBeCloseTo(20 / 45, 10);
    expect(pct(l1.rate)).toBe("44%");
    // the target (Levels 1-2) adds Level 2's items to the denominator
    expect(p.target.rate).toBeCloseTo(20 / (47 + 43 - 2), 10);
    // all 153 numbers
    expect(p.all.rate).toBeCloseTo(20 / (153 - 2), 10);
  });

  it("counts answers to numbers of unknown level in 'all items' but in no level", () => {
    const unknown = kb.items().filter((i) => i.level === undefined).map((i) => i.no);
    const answers = new Map(unknown.slice(0, 3).map((n) => [n, "achieved"] as [number, string]));
    const p = computeProgress(kb, choices, answers, 2);
    expect(p.levels.every((l) => l.answered === 0)).toBe(true);
    expect(p.unknownLevel.answered).toBe(3);
    expect(p.all.achieved).toBe(3);
  });

  it("has no rate when every item of a group is 対象外", () => {
    const t = tally([1, 2], new Map([[1, "not_applicable"], [2, "not_applicable"]]), choices);
    expect(t.rate).toBeNull();
    expect(pct(t.rate)).toBe("—");
  });

  it("follows the flags of the configuration, not code", () => {
    // a deployment where 対象外 counts as achieved instead of leaving the denominator
    const alt = AnswerChoicesFile.parse({
      choices: [
        { id: "achieved", label: { ja: "達成", en: "Achieved" }, synonyms: { ja: [], en: [] }, counts_as_achieved: true, excluded_from_denominator: false, requires_reason: false },
        { id: "partly", label: { ja: "一部達成", en: "Partly" }, synonyms: { ja: [], en: [] }, counts_as_achieved: false, excluded_from_denominator: false, requires_reason: false },
        { id: "not_applicable", label: { ja: "対象外", en: "N/A" }, synonyms: { ja: [], en: [] }, counts_as_achieved: true, excluded_from_denominator: false, requires_reason: true },
      ],
      unanswered: { label: { ja: "未回答", en: "Unanswered" }, synonyms: { ja: [], en: [] } },
    });
    const c = new AnswerChoices(alt);
    const t = tally([1, 2, 3, 4], new Map([[1, "achieved"], [2, "not_applicable"], [3, "partly"]]), c);
    expect(t.rate).toBe(2 / 4);
    expect(c.formula("en")).toBe("Achievement rate = (Achieved + N/A) ÷ (items of the level); set in knowledge/answer-choices.yaml");
  });

  it("lists gaps of the target level, Level 1 first, without 達成 and 対象外", () => {
    const answers = new Map<number, string>([
      [lv2[0], "not_achieved"],
      [lv1[0], "achieved"],
      [lv1[1], "not_applicable"],
      [lv1[2], "not_achieved"],
    ]);
    const gaps = findGaps(kb, choices, answers, 2);
    expect(gaps.length).toBe(47 + 43 - 2);
    expect(gaps[0]).toEqual({ no: lv1[2], level: 1, status: "not_achieved" });
    expect(gaps.findIndex((g) => g.level === 2)).toBe(47 - 2);
    expect(gaps.some((g) => g.no === lv1[0] || g.no === lv1[1])).toBe(false);
    expect(findGaps(kb, choices, answers, 1).every((g) => g.level === 1)).toBe(true);
  });

  it("shows differences in points", () => {
    expect(pointsDiff(0.5, 0.38)).toBe("+12pt");
    expect(pointsDiff(0.3, 0.33)).toBe("−3pt");
    expect(pointsDiff(0.3, null)).toBeUndefined();
  });
});

describe("fiscal year", () => {
  it("starts in April, Japan time", () => {
    expect(fiscalYearOf(new Date("2026-03-31T14:59:00Z"))).toBe(2025); // 23:59 JST on 31 March
    expect(fiscalYearOf(new Date("2026-03-31T15:00:00Z"))).toBe(2026); // 00:00 JST on 1 April
    expect(fiscalYearOf(new Date("2027-01-15T00:00:00Z"))).toBe(2026);
    expect(fiscalYearOf(new Date("2026-06-01T00:00:00Z"), 7)).toBe(2025);
    expect(formatJst(new Date("2026-05-01T01:02:00Z"))).toBe("2026-05-01 10:02");
  });
});
