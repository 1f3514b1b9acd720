import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Knowledge } from "../../src/knowledge/knowledge.ts";
import { KnowledgeError } from "../../src/knowledge/load.ts";
import { measureRetrieval, readCases } from "../../src/knowledge/retrieval-eval.ts";
import { SearchIndex } from "../../src/knowledge/search.ts";
import { loadSynonyms } from "../../src/knowledge/synonyms.ts";
import { loadOffTopic } from "../../src/knowledge/off-topic.ts";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
let kb: Knowledge;
let index: SearchIndex;

beforeAll(() => {
  kb = Knowledge.load();
  index = new SearchIndex(kb);
});

const topItem = (q: string) => index.search(q).hits.find((h) => h.kind === "item")?.no;

describe("SearchIndex: explicit item numbers", () => {
  it.each(["No.115", "no115", "115番", "項目115", "ＮＯ．１１５", "№115", "#115", "115", "No.115 の意味を教えて", "１１５番って何？"])(
    "%s resolves to item 115 at rank 1",
    (q) => {
      const r = index.search(q);
      expect(r.itemNumbers).toEqual([115]);
      expect(r.hits[0]).toMatchObject({ kind: "item", no: 115, key: "115" });
      expect(r.confident).toBe(true);
      expect(r.outOfScope).toBe(false);
    },
  );

  it("reads 'item 124' in an English question", () => {
    expect(index.search("What does item 124 require?").hits[0]).toMatchObject({ kind: "item", no: 124 });
  });

  it("resolves an item we have no description of (No.8) at rank 1", () => {
    expect(kb.item(8)?.status).toBe("unknown");
    const r = index.search("No.8は何を聞いてる？");
    expect(r.hits[0]).toMatchObject({ kind: "item", no: 8 });
  });

  it("keeps several numbers in the order written, and reports numbers out of range without a hit", () => {
    expect(index.search("No.116とNo.115の違い").hits.slice(0, 2).map((h) => h.no)).toEqual([116, 115]);
    const r = index.search("No.999");
    expect(r.itemNumbers).toEqual([999]);
    expect(r.hits.some((h) => h.no === 999)).toBe(false);
  });
});

describe("SearchIndex: content search", () => {
  it("never returns items with status unknown from content search", () => {
    const unknown = new Set(kb.items().filter((i) => i.status === "unknown").map((i) => i.no));
    const questions = [...readCases(join(fixtures, "retrieval-dev.jsonl")), ...readCases(join(fixtures, "retrieval-heldout.jsonl"))]
      .map((c) => c.q)
      .filter((q) => index.search(q).itemNumbers.length === 0);
    expect(questions.length).toBeGreaterThan(150);
    for (const q of questions) {
      const leaked = index.search(q, { limit: 50 }).hits.filter((h) => h.kind === "item" && unknown.has(h.no!));
      expect(leaked, q).toEqual([]);
    }
  });

  it.each([
    [["サーバ室の施錠", "サーバー室の施錠", "ｻｰﾊﾞｰ室の施錠"], [85]],
    [["ウイルス対策ソフトの導入", "ウィルス対策ソフトの導入", "ういるす対策そふとの導入"], [136]],
    [["PC台帳", "ＰＣ台帳", "パソコン台帳"], [60]],
    [["アクセス権の棚卸", "アクセス権の棚卸し", "アクセス権のたなおろし"], [49]],
    // No.53 and No.143 describe the same METI criterion: either is right, but the same for both
    [["ファイアウォールのログは何か月保管", "ファイヤーウォールのログは何ヶ月保管"], [53, 143]],
  ] as [string[], number[]][])("spelling variants %j find the same item", (variants, expected) => {
    const tops = variants.map(topItem);
    expect(expected).toContain(tops[0]);
    for (const [i, q] of variants.entries()) expect(tops[i], q).toBe(tops[0]);
  });

  it.each([
    ["Multi-factor authentication", 120],
    ["How do we draw a network diagram?", 74],
    ["test that backups can be restored", 153],
    ["mutli factor authentcation", 120],
  ] as [string, number][])("English: %s -> No.%i", (q, no) => {
    expect(topItem(q)).toBe(no);
  });

  it("understands colloquial Japanese", () => {
    expect(topItem("パスワードのルールってどうすればいい？")).toBe(115);
    expect(topItem("バックアップって別の場所にも置いてないとダメ？")).toBe(148);
  });

  it("returns FAQ and glossary hits too, and honours the limit", () => {
    const r = index.search("EDRって何？", { limit: 3 });
    expect(r.hits.length).toBeLessThanOrEqual(3);
    expect(index.search("よろず相談会とは", { limit: 5 }).hits.some((h) => h.kind === "faq")).toBe(true);
    expect(index.search("ランサムウェアとは", { limit: 5 }).hits.some((h) => h.kind === "term" && h.key === "ransomware")).toBe(true);
  });

  it("does not choke on empty or oversized input", () => {
    expect(index.search("").hits).toEqual([]);
    expect(index.search("？？").outOfScope).toBe(true);
    expect([115, 116]).toContain(index.search("パスワード".repeat(2000)).hits[0]?.no);
  });
});

describe("SearchIndex: programme and term questions", () => {
  it.each([
    ["EDRって何？", "edr"],
    ["SIEMって何ですか", "siem"],
    ["RPOとは", "rpo"],
    ["What does CSIRT mean?", "csirt"],
    ["What is a SOC?", "soc"],
    ["UTMとは", "utm"],
  ])("%s opens the glossary term first, confidently", (q, id) => {
    const r = index.search(q);
    expect(r.hits[0]).toMatchObject({ kind: "term", key: id });
    expect(r.confident).toBe(true);
    expect(r.outOfScope).toBe(false);
  });

  it.each([
    ["2024年度は前年から何が変わった?", "fy2024-what-changed"],
    ["実際どのくらい攻撃されているの?", "threat-figures"],
    ["攻撃されたら株価はどうなる?", "business-risks"],
    ["サイバーセキュリティ経営ガイドラインとは", "meti-management-guidelines"],
  ])("%s finds the briefing's facts in the FAQ", (q, id) => {
    const r = index.search(q);
    expect(r.outOfScope).toBe(false);
    expect(r.hits[0]).toMatchObject({ kind: "faq", key: id });
  });

  it("does not read a count of people in a sentence as an item number", () => {
    const r = index.search("従業員30人の町工場だけど何から始めればいい?");
    expect(r.itemNumbers).toEqual([]);
    expect(r.hits[0]).toMatchObject({ kind: "faq", key: "where-to-start" });
    expect(r.hits.slice(0, 3).map((h) => h.key)).not.toContain("30");
  });
});

describe("SearchIndex: out of scope", () => {
  it.each(["今日の天気は?", "ランチのおすすめ", "経費精算のやり方", "給料日はいつ？", "what time is it in London", "誕生日プレゼントのアイデア"])(
    "%s is out of scope",
    (q) => {
      const r = index.search(q);
      expect(r.outOfScope).toBe(true);
      expect(r.confident).toBe(false);
    },
  );

  it.each(["健康診断の予約方法", "退職金の計算方法を教えて", "自動運転レベル3とレベル4の違い", "残業代の計算方法"])(
    "%s names a topic we do not cover: out of scope, with the topic",
    (q) => {
      const r = index.search(q);
      expect(r.outOfScope).toBe(true);
      expect(r.confident).toBe(false);
      expect(r.offTopic?.id).toMatch(/^(hr|vehicles)$/);
    },
  );

  it.each(["給与システムのバックアップ", "残業中に私物PCを使うのは?", "退職者のアカウント削除", "ファイアウォールのログって何ヶ月残せばいい？"])(
    "%s names one of our words or terms: in scope",
    (q) => {
      expect(index.search(q).outOfScope).toBe(false);
    },
  );

  it("holds back confidence when the first hit covers little of the question", () => {
    // an off-topic question no topic names, whose words the first hit (a training item) shares in part
    const q = "新入社員研修のスケジュール";
    const r = index.search(q);
    expect(r.outOfScope).toBe(false);
    expect(r.scope.top).toBeLessThan(0.6);
    expect(r.confident).toBe(false);
    expect(new SearchIndex(kb, { tuning: { confidentMinCoverage: 0 } }).search(q).confident).toBe(true);
  });

  it("in-scope questions of the dev set are not flagged", () => {
    const flagged = readCases(join(fixtures, "retrieval-dev.jsonl")).filter((c) => index.search(c.q).outOfScope);
    expect(flagged).toEqual([]);
  });
});

describe("retrieval quality", () => {
  it("meets the goal on the dev set (R@1 >= 0.9, R@3 >= 0.97)", async () => {
    const f = await measureRetrieval(join(fixtures, "retrieval-dev.jsonl"), { kb, index });
    expect(f.n).toBe(60);
    expect(f.recall_at_1).toBeGreaterThanOrEqual(0.9);
    expect(f.recall_at_3).toBeGreaterThanOrEqual(0.97);
    expect(f.baseline.name).toBe("fuse.js defaults");
  });
});

describe("knowledge/off-topic.yaml", () => {
  it("loads and validates", () => {
    const d = loadOffTopic();
    expect(d.topics.map((t) => t.id)).toContain("hr");
    expect(d.anchors).toContain("セキュリティ");
  });

  it("rejects a malformed file or a repeated topic id", () => {
    const dir = mkdtempSync(join(tmpdir(), "off-"));
    const bad = join(dir, "off-topic.yaml");
    writeFileSync(bad, "topics:\n  - id: hr\n    words: [給与]\nanchors: [PC]\n");
    expect(() => loadOffTopic(bad)).toThrow(KnowledgeError);
    const t = "  - id: hr\n    label: {ja: a, en: b}\n    where: {ja: a, en: b}\n    words: [給与]\n";
    writeFileSync(bad, `topics:\n${t}${t}anchors: [PC]\n`);
    expect(() => loadOffTopic(bad)).toThrow(/appears twice/);
  });
});

describe("knowledge/synonyms.yaml", () => {
  it("loads and validates", () => {
    expect(loadSynonyms().length).toBeGreaterThan(50);
  });

  it("rejects a malformed file", () => {
    const dir = mkdtempSync(join(tmpdir(), "syn-"));
    const bad = join(dir, "synonyms.yaml");
    writeFileSync(bad, "groups:\n  - [only-one-term]\n");
    expect(() => loadSynonyms(bad)).toThrow(KnowledgeError);
  });
});
