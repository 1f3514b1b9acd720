// Reading answers written in chat: every phrasing of the issue, the symbols people type in
// sheets, the ambiguous ones (which must ask back), and questions that merely contain a status.
import { describe, expect, it } from "vitest";
import { AnswerChoices, AnswerChoicesFile, fold } from "../../src/assessment/choices.ts";
import { parseAnswer, splitNote } from "../../src/assessment/parse-answer.ts";
import { readStatus } from "../../src/assessment/import.ts";

const choices = AnswerChoices.load();
const parse = (t: string) => parseAnswer(t, choices);

describe("parseAnswer", () => {
  it.each([
    ["No.115は達成", [115], "achieved", undefined],
    ["115 未達成 EDR未導入のため", [115], "not_achieved", "EDR未導入のため"],
    ["No.1〜3 達成", [1, 2, 3], "achieved", undefined],
    ["mark 124 as achieved", [124], "achieved", undefined],
    ["124 対象外 理由: 該当システムなし", [124], "not_applicable", "該当システムなし"],
    ["ＮＯ．１１５は達成済み", [115], "achieved", undefined],
    ["No.115は達成です。", [115], "achieved", undefined],
    ["115は未達成のまま", [115], "not_achieved", undefined],
    ["No.115は達成していない", [115], "not_achieved", undefined],
    ["115 達成できていない", [115], "not_achieved", undefined],
    ["達成: No.1〜3", [1, 2, 3], "achieved", undefined],
    ["No.1-3 done", [1, 2, 3], "achieved", undefined],
    ["115 ○", [115], "achieved", undefined],
    ["115 ×", [115], "not_achieved", undefined],
    ["115 -", [115], "not_applicable", undefined],
    ["115 yes", [115], "achieved", undefined],
    ["115 no", [115], "not_achieved", undefined],
    ["115 N/A", [115], "not_applicable", undefined],
    ["set 115 to n/a: no OT systems", [115], "not_applicable", "no OT systems"],
    ["No.115 is not applicable because no such system", [115], "not_applicable", "no such system"],
    ["115 not achieved", [115], "not_achieved", undefined],
    ["115,116 未達成", [115, 116], "not_achieved", undefined],
    ["115 未回答に戻す", [115], "unanswered", undefined],
  ])("%s", (text, nos, choice, note) => {
    const r = parse(text);
    expect(r).toEqual({ kind: "answer", nos, choice, ...(note ? { note } : {}) });
  });

  it("takes a URL in the note as the evidence link", () => {
    expect(parse("115 達成 証跡: https://example.com/policy.pdf")).toEqual({
      kind: "answer",
      nos: [115],
      choice: "achieved",
      evidence: "https://example.com/policy.pdf",
    });
    expect(parse("115 達成 規程を改定 https://example.com/x")).toMatchObject({ note: "規程を改定", evidence: "https://example.com/x" });
  });

  it("reads a bare status as meant for the item on screen (no numbers)", () => {
    expect(parse("達成")).toEqual({ kind: "answer", nos: [], choice: "achieved" });
    expect(parse("未達成 EDR未導入のため")).toEqual({ kind: "answer", nos: [], choice: "not_achieved", note: "EDR未導入のため" });
    expect(parse("これは対象外、理由: 工場なし")).toMatchObject({ nos: [], choice: "not_applicable", note: "工場なし" });
  });

  it("reports two different statuses as ambiguous instead of picking one", () => {
    expect(parse("115 達成 116 未達成")).toMatchObject({ kind: "ambiguous", statuses: ["achieved", "not_achieved"] });
    expect(parse("No.115は達成か未達成")).toMatchObject({ kind: "ambiguous" });
    expect(parse("115 対象外 達成")).toMatchObject({ kind: "ambiguous" });
    // after an explicit note marker anything goes
    expect(parse("115 未達成 理由: 達成は来年度の予定")).toMatchObject({ kind: "answer", choice: "not_achieved", note: "達成は来年度の予定" });
    // short words in a note do not make a second status
    expect(parse("115 not applicable: no factory")).toMatchObject({ kind: "answer", choice: "not_applicable" });
  });

  it("turns a question about our answer into a status query", () => {
    expect(parse("No.115は達成?")).toEqual({ kind: "status-query", nos: [115] });
    expect(parse("115は達成?")).toEqual({ kind: "status-query", nos: [115] });
    // questions without a question mark are never recorded either
    expect(parse("115は対象外になりますか")).toEqual({ kind: "status-query", nos: [115] });
    expect(parse("No.115は達成でしょうか")).toEqual({ kind: "status-query", nos: [115] });
    expect(parse("is 115 achieved")).toEqual({ kind: "status-query", nos: [115] });
    expect(parse("対象外にできますか")).toBeNull();
  });

  it("leaves questions about the guideline and unrelated sentences alone", () => {
    for (const t of [
      "No.115の達成条件は？",
      "対象外とは？",
      "対象外にできる項目は?",
      "達成率の計算方法は",
      "what counts as achieved for 115",
      "未達成の項目",
      "レベル1の未達成",
      "バックアップ体制は未達成で困っています",
      "No.115",
      "115 - EDR",
      "no 115",
      "",
      "ヘルプ",
    ])
      expect(parse(t), t).toBeNull();
  });

  it("keeps out-of-range numbers for the intent to refuse (it does not guess)", () => {
    expect(parse("No.200は達成")).toMatchObject({ kind: "answer", nos: [200] });
    expect(parse("No.0は達成")).toMatchObject({ kind: "answer", nos: [0] });
  });
});

describe("answer choices", () => {
  it("maps sheet symbols and words to choices", () => {
    for (const [cell, id] of [
      ["○", "achieved"],
      ["〇", "achieved"],
      ["◯", "achieved"],
      ["達成", "achieved"],
      ["Achieved", "achieved"],
      ["YES", "achieved"],
      ["done", "achieved"],
      ["×", "not_achieved"],
      ["✕", "not_achieved"],
      ["未達成", "not_achieved"],
      ["No", "not_achieved"],
      ["-", "not_applicable"],
      ["－", "not_applicable"],
      ["N/A", "not_applicable"],
      ["n/a", "not_applicable"],
      ["対象外", "not_applicable"],
      ["該当なし", "not_applicable"],
      [" 達成 ", "achieved"],
      ["未回答", "unanswered"],
    ])
      expect(readStatus(cell, choices), cell).toBe(id);
    expect(readStatus("たぶん", choices)).toBeUndefined();
    expect(readStatus("○ / ×", choices)).toBeUndefined();
  });

  it("counts by the flags of the file and describes the formula from them", () => {
    expect(choices.countsAsAchieved("achieved")).toBe(true);
    expect(choices.excluded("not_applicable")).toBe(true);
    expect(choices.requiresReason("not_applicable")).toBe(true);
    expect(choices.formula("ja")).toBe("達成率 = 達成 ÷ (そのレベルの項目数 − 対象外)。定義は knowledge/answer-choices.yaml で変更できます");
  });

  it("refuses a configuration that would be ambiguous or meaningless", () => {
    const base = {
      choices: [
        { id: "achieved", label: { ja: "達成", en: "Achieved" }, synonyms: { ja: ["○"], en: ["yes"] }, counts_as_achieved: true, excluded_from_denominator: false, requires_reason: false },
        { id: "not_achieved", label: { ja: "未達成", en: "Not achieved" }, synonyms: { ja: ["×"], en: ["no"] }, counts_as_achieved: false, excluded_from_denominator: false, requires_reason: false },
      ],
      unanswered: { label: { ja: "未回答", en: "Unanswered" }, synonyms: { ja: [], en: [] } },
    };
    expect(AnswerChoicesFile.safeParse(base).success).toBe(true);
    const dupSynonym = structuredClone(base);
    dupSynonym.choices[1].synonyms.ja.push("○");
    expect(AnswerChoicesFile.safeParse(dupSynonym).success).toBe(false);
    const reserved = structuredClone(base);
    reserved.choices[1].id = "unanswered";
    expect(AnswerChoicesFile.safeParse(reserved).success).toBe(false);
    const noAchieved = structuredClone(base);
    noAchieved.choices[0].counts_as_achieved = false;
    expect(AnswerChoicesFile.safeParse(noAchieved).success).toBe(false);
  });

  it("folds full-width characters one for one", () => {
    expect(fold("ＮＯ．１１５　達成")).toBe("NO.115 達成");
    expect(fold("ＮＯ．１１５　達成").length).toBe("ＮＯ．１１５　達成".length);
  });

  it("splits the note from connecting words", () => {
    expect(splitNote(" です。")).toEqual({});
    expect(splitNote("、理由は該当なしのため")).toEqual({ note: "該当なしのため" });
  });
});

describe("lock and reopen phrases", () => {
  it("reads submitting and reopening in Japanese and English", async () => {
    const { lockAssessment } = await import("../../intents/lock-assessment.ts");
    const match = (t: string) => lockAssessment.match!(t, { normalized: t.normalize("NFKC").toLowerCase(), state: {}, lang: "ja", hasFiles: false, now: new Date("2026-12-01T10:00:00+09:00") });
    for (const t of ["提出済みにする", "submit the assessment", "mark it as submitted", "we submitted"]) expect(match(t), t).toEqual({ action: "submit" });
    for (const t of ["再開", "reopen"]) expect(match(t), t).toEqual({ action: "reopen" });
    expect(match("submit the assessment to JAMA by Friday?")).toBeNull();
  });
});
