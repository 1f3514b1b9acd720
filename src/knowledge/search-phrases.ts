// Whole-keyword matches. Bigram BM25 scores "シャドーIT" in a question by its pieces, which other
// items share (IT, 禁止...); a keyword written out whole in the question is stronger evidence
// than its pieces, the more so when few documents list it.
import type { SearchDoc } from "./bm25f.ts";
import { foldText } from "./search-text.ts";

interface Phrase {
  /** Folded parts; all must occur ("方針 テンプレート" = 方針 and テンプレート). */
  parts: string[];
  docs: number[];
  weight: number;
}

const LATIN = /[a-z0-9]/;

export class PhraseMatcher {
  private readonly phrases: Phrase[] = [];

  constructor(docs: SearchDoc[], keywordsOf: (d: SearchDoc) => string[]) {
    const byKey = new Map<string, { parts: string[]; docs: Set<number> }>();
    docs.forEach((d, i) => {
      for (const k of keywordsOf(d)) {
        const parts = foldText(k).split(" ").filter((p) => p.length > 0);
        const len = parts.join("").length;
        if (parts.length === 0 || len < 2) continue;
        const key = parts.join(" ");
        const e = byKey.get(key) ?? { parts, docs: new Set<number>() };
        e.docs.add(i);
        byKey.set(key, e);
      }
    });
    const N = docs.length;
    for (const { parts, docs: ds } of byKey.values()) {
      const len = parts.join("").length;
      const idf = Math.log(1 + (N - ds.size + 0.5) / (ds.size + 0.5));
      // short keywords ("PC", "ログ") say less than long ones
      this.phrases.push({ parts, docs: [...ds], weight: idf * Math.min(1, len / 4) });
    }
  }

  /** Adds weight x the phrase evidence of a folded question to acc[doc]. */
  accumulate(foldedQuery: string, acc: Float64Array, weight: number): void {
    const q = " " + foldedQuery + " ";
    for (const p of this.phrases) {
      if (!p.parts.every((part) => contains(q, part))) continue;
      for (const d of p.docs) acc[d] += weight * p.weight;
    }
  }
}

function contains(q: string, part: string): boolean {
  let from = 0;
  for (;;) {
    const i = q.indexOf(part, from);
    if (i < 0) return false;
    const okStart = !LATIN.test(part[0]) || !LATIN.test(q[i - 1]);
    const okEnd = !LATIN.test(part.at(-1)!) || !LATIN.test(q[i + part.length]);
    if (okStart && okEnd) return true;
    from = i + 1;
  }
}
