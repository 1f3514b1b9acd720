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
    expect(r).toEqual({ kind: "answer", parts: [{ nos, choice, ...(note ? { note } : {}) }] });
  });

  it("takes a URL in the note as the evidence link", () => {
    expect(parse("115 達成 証跡: https://example.com/policy.pdf")).toEqual({
      kind: "answer",
      parts: [{ nos: [115], choice: "achieved", evidence: "https://example.com/policy.pdf" }],
    });
    expect(parse("115 達成 規程を改定 https://example.com/x")).toMatchObject({ parts: [{ note: "規程を改定", evidence: "https://example.com/x" }] });
  });

  it("reads a bare status as meant for the item on screen (no numbers)", () => {
    expect(parse("達成")).toEqual({ kind: "answer", parts: [{ nos: [], choice: "achieved" }] });
    expect(parse("未達成 EDR未導入のため")).toEqual({ kind: "answer", parts: [{ nos: [], choice: "not_achieved", note: "EDR未導入のため" }] });
    expect(parse("これは対象外、理由: 工場なし")).toMatchObject({ parts: [{ nos: [], choice: "not_applicable", note: "工場なし" }] });
    // natural forms, and words that are also acknowledgements (asked back, not recorded)
    expect(parse("うちはできてる")).toEqual({ kind: "answer", parts: [{ nos: [], choice: "achieved" }] });
    expect(parse("まだです")).toEqual({ kind: "answer", parts: [{ nos: [], choice: "not_achieved" }] });
    expect(parse("はい")).toMatchObject({ kind: "unsure", reason: "weak" });
    for (const t of ["x", "y", "D", "取消", "了解"]) expect(parse(t), t).toBeNull();
  });

  it("reports two different statuses for one item as unsure instead of picking one", () => {
    expect(parse("No.115は達成か未達成")).toMatchObject({ kind: "unsure", reason: "ambiguous", statuses: ["achieved", "not_achieved"] });
    expect(parse("115 対象外 達成")).toMatchObject({ kind: "unsure", reason: "ambiguous" });
    expect(parse("No.139 達成 (ただし一部拠点は未対応)")).toMatchObject({ kind: "unsure", nos: [139] });
    // after an explicit note marker anything goes
    expect(parse("115 未達成 理由: 達成は来年度の予定")).toMatchObject({ kind: "answer", parts: [{ choice: "not_achieved", note: "達成は来年度の予定" }] });
    // short words in a note do not make a second status
    expect(parse("115 not applicable: no factory")).toMatchObject({ kind: "answer", parts: [{ choice: "not_applicable" }] });
  });

  it("reads one clause per item group: each its own status", () => {
    expect(parse("115 達成 116 未達成")).toEqual({ kind: "answer", parts: [{ nos: [115], choice: "achieved" }, { nos: [116], choice: "not_achieved" }] });
    expect(parse("118と119は達成、120は未達成")).toEqual({ kind: "answer", parts: [{ nos: [118, 119], choice: "achieved" }, { nos: [120], choice: "not_achieved" }] });
    expect(parse("No.121 達成 / No.122 対象外 理由: 該当設備なし")).toEqual({
      kind: "answer",
      parts: [{ nos: [121], choice: "achieved" }, { nos: [122], choice: "not_applicable", note: "該当設備なし" }],
    });
    // numbers in a note are the note's, not a new clause
    expect(parse("No.115 未達成、2027年3月までに導入")).toEqual({ kind: "answer", parts: [{ nos: [115], choice: "not_achieved", note: "2027年3月までに導入" }] });
    expect(parse("No.80 は該当なし。無線LANを使っていない")).toEqual({ kind: "answer", parts: [{ nos: [80], choice: "not_applicable", note: "無線LANを使っていない" }] });
  });

  it.each([
    // negation, corrections, plans and partial states say 未達成
    ["No.61 達成とは言い難い", "not_achieved"],
    ["No.61 達成とは言えない", "not_achieved"],
    ["No.62 達成じゃない", "not_achieved"],
    ["No.62 達成ではない", "not_achieved"],
    ["No.68 まだ達成できてない", "not_achieved"],
    ["No.75 できているとは言えない", "not_achieved"],
    ["No.138 できてるとは思えない", "not_achieved"],
    ["No.76 来年度達成予定", "not_achieved"],
    ["No.58 達成見込み", "not_achieved"],
    ["No.53 今期中に対応予定", "not_achieved"],
    ["we plan to do 67 next year", "not_achieved"],
    ["No.104 一部のみ対応", "not_achieved"],
    ["No.57 半分くらいできてる", "not_achieved"],
    ["No.78 partially done", "not_achieved"],
    ["item 44 isn't achieved", "not_achieved"],
    ["No.52 は未達成ではなく達成です", "achieved"],
    ["No.41 未達成じゃなくて達成", "achieved"],
    ["No.105 達成ではなく未達成でした", "not_achieved"],
    ["No.20 できてる", "achieved"],
    ["No.24 できてない", "not_achieved"],
    ["No.5 やってる", "achieved"],
    ["No.39 やっていない", "not_achieved"],
    ["No.51 対応中", "not_achieved"],
    ["No.28 OK", "achieved"],
    ["No.49 NG", "not_achieved"],
  ])("%s → %s", (text, choice) => {
    const r = parse(text);
    expect(r?.kind).toBe("answer");
    expect(r?.kind === "answer" && r.parts.map((x) => x.choice)).toEqual([choice]);
  });

  it.each([
    ["No.60は達成かどうか分からない", "doubt"],
    ["No.78 は対象外かも", "doubt"],
    ["No.98 おそらく達成", "doubt"],
    ["No.100 確認中", "doubt"],
    ["No.132 達成していると思う", "doubt"],
    ["maybe 96 is achieved", "doubt"],
    ["No.108 達成したい", "doubt"],
    ["No.112 対象外じゃない", "negated"],
    ["No.93 達成と未達成の中間くらい", "ambiguous"],
    ["No.115 達成済み、来年度も継続予定", "ambiguous"],
  ])("asks back on %s (%s) and records nothing", (text, reason) => {
    expect(parse(text)).toMatchObject({ kind: "unsure", reason });
  });

  it("keeps only what the person meant as a note", () => {
    expect(parse("３は達成してる")).toEqual({ kind: "answer", parts: [{ nos: [3], choice: "achieved" }] });
    expect(parse("No.115は達成👍")).toEqual({ kind: "answer", parts: [{ nos: [115], choice: "achieved" }] });
    expect(parse("No.7 達成してます!")).toEqual({ kind: "answer", parts: [{ nos: [7], choice: "achieved" }] });
    expect(parse("No.62 達成ではない 手順書が未整備")).toMatchObject({ parts: [{ choice: "not_achieved", note: "手順書が未整備" }] });
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
    expect(parse("No.200は達成")).toMatchObject({ kind: "answer", parts: [{ nos: [200] }] });
    expect(parse("No.0は達成")).toMatchObject({ kind: "answer", parts: [{ nos: [0] }] });
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
