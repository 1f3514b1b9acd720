// The eval behind `npm run eval:retrieval`: item lines, programme/term lines (expect_ref) and
// off-topic lines ([]) in one file, and the figures each kind adds to the last JSON line.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Knowledge } from "../../src/knowledge/knowledge.ts";
import { evaluateRetrieval, readCases } from "../../src/knowledge/retrieval-eval.ts";
import { SearchIndex } from "../../src/knowledge/search.ts";

let kb: Knowledge;
let index: SearchIndex;
beforeAll(() => {
  kb = Knowledge.load();
  index = new SearchIndex(kb);
});

function file(lines: object[] | string[]): string {
  const p = join(mkdtempSync(join(tmpdir(), "eval-")), "set.jsonl");
  writeFileSync(p, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return p;
}

describe("retrieval eval: ref lines", () => {
  it("reads both kinds of line", () => {
    const cases = readCases(file([{ q: "No.115", expect: [115] }, { q: "提出期限は?", expect_ref: ["faq:deadline", "item:12"] }, { q: "天気", expect_ref: [] }]));
    expect(cases).toEqual([
      { q: "No.115", expect: [115] },
      { q: "提出期限は?", expect: [12], refs: ["faq:deadline", "item:12"] },
      { q: "天気", expect: [], refs: [] },
    ]);
  });

  it("rejects a malformed ref", () => {
    expect(() => readCases(file([{ q: "x", expect_ref: ["deadline"] }]))).toThrow(/:1: not a/);
    expect(() => readCases(file([{ q: "x", expect: [1], expect_ref: [] }]))).toThrow(/:1: not a/);
  });

  it("scores refs over hits of every kind and counts off-topic lines apart", async () => {
    const r = await evaluateRetrieval(
      file([
        { q: "No.115 の意味を教えて", expect: [115] },
        { q: "提出期限は?", expect_ref: ["faq:deadline"] },
        { q: "RPOとは", expect_ref: ["term:rpo"] },
        // an entry that does not exist can never be found: a miss at 1 and at 3
        { q: "RTOとは", expect_ref: ["term:no-such-term"] },
        { q: "今日の天気は?", expect_ref: [] },
        { q: "ランチのおすすめ", expect: [] },
      ]),
      { kb, index },
    );
    const f = r.figures;
    expect(f.n).toBe(1);
    expect(f.recall_at_1).toBe(1);
    expect(f.refs).toEqual({ n: 3, at_1: 0.667, at_3: 0.667 });
    expect(f.out_of_scope).toMatchObject({ n: 2, in_scope_n: 4 });
    expect(f.out_of_scope.flagged).toBe(r.cases.filter((c) => (c.refs ?? c.expect).length === 0 && c.outOfScope).length);
    expect(r.cases[1].hitRefs[0]).toBe("faq:deadline");
    expect(r.cases[1].rank).toBe(1);
    expect(r.cases[3].rank).toBeUndefined();
  });
});
