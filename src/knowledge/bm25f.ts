// BM25F over the knowledge base's documents (items, FAQ, glossary terms). Each document has four
// fields; a token's frequency is weighted per field and normalised by that field's length before
// BM25's saturation, so "パスワード" in a title counts more than in a long explanation.
import type { Knowledge } from "./knowledge.ts";
import { DOC_TOKENS, tokens } from "./search-text.ts";

export type Field = "title" | "keywords" | "asks" | "body";
export const FIELDS: Field[] = ["title", "keywords", "asks", "body"];

export interface SearchDoc {
  kind: "item" | "faq" | "term";
  key: string;
  no?: number;
  fields: Record<Field, string>;
}

/**
 * The documents we search. Items with status "unknown" have no text and are left out, unless the
 * deployment imported the official wording (npm run kb:import): then that text is searched.
 */
export function searchDocs(kb: Knowledge): SearchDoc[] {
  const docs: SearchDoc[] = [];
  for (const it of kb.items()) {
    const e = it.entry;
    const official = [it.official?.requirement, it.official?.condition].filter(Boolean).join(" ");
    if (!e && official) {
      docs.push({ kind: "item", key: String(it.no), no: it.no, fields: { title: it.official?.condition ?? "", keywords: "", asks: official, body: it.official?.area ?? "" } });
      continue;
    }
    if (it.status !== "known" || !e) continue;
    const area = kb.area(e.area);
    docs.push({
      kind: "item",
      key: String(it.no),
      no: it.no,
      fields: {
        title: `${e.title.ja} ${e.title.en}`,
        keywords: e.keywords.join(" / "),
        asks: `${e.asks.ja} ${e.asks.en}`,
        body: [e.why.ja, e.why.en, e.achieved_when.ja, e.achieved_when.en, ...e.measures.ja, ...e.measures.en,
          ...e.evidence.ja, ...e.evidence.en, area ? `${area.name.ja} ${area.name.en}` : "", official].join(" / "),
      },
    });
  }
  for (const f of kb.faq) {
    docs.push({
      kind: "faq",
      key: f.id,
      fields: { title: `${f.question.ja} ${f.question.en}`, keywords: f.keywords.join(" / "), asks: `${f.answer.ja} ${f.answer.en}`, body: "" },
    });
  }
  for (const g of kb.glossary) {
    docs.push({
      kind: "term",
      key: g.id,
      fields: { title: `${g.term.ja} ${g.term.en}`, keywords: g.aliases.join(" / "), asks: `${g.definition.ja} ${g.definition.en}`, body: "" },
    });
  }
  return docs;
}

interface Posting {
  doc: number;
  /** Field-weighted, length-normalised term frequency. */
  wtf: number;
}

export class Bm25fIndex {
  readonly idf = new Map<string, number>();
  readonly maxIdf: number;
  /** Every token of each document (any field), in the order of `docs`. */
  readonly docTokens: Set<string>[];
  private readonly postings = new Map<string, Posting[]>();

  constructor(
    readonly docs: SearchDoc[],
    private readonly o: { k1: number; b: number; fieldWeights: Record<Field, number> },
  ) {
    const perDoc = docs.map((d) => {
      const m = {} as Record<Field, { tf: Map<string, number>; len: number }>;
      for (const f of FIELDS) {
        const tf = tokens(d.fields[f], DOC_TOKENS);
        let len = 0;
        for (const v of tf.values()) len += v;
        m[f] = { tf, len };
      }
      return m;
    });
    this.docTokens = perDoc.map((d) => new Set(FIELDS.flatMap((f) => [...d[f].tf.keys()])));
    const avg = {} as Record<Field, number>;
    for (const f of FIELDS) avg[f] = Math.max(1, perDoc.reduce((a, d) => a + d[f].len, 0) / perDoc.length);
    const wtf = new Map<string, Map<number, number>>();
    perDoc.forEach((d, i) => {
      for (const f of FIELDS) {
        const norm = 1 - o.b + (o.b * d[f].len) / avg[f];
        for (const [t, n] of d[f].tf) {
          let m = wtf.get(t);
          if (!m) wtf.set(t, (m = new Map()));
          m.set(i, (m.get(i) ?? 0) + (o.fieldWeights[f] * n) / norm);
        }
      }
    });
    let maxIdf = 0;
    for (const [t, m] of wtf) {
      this.postings.set(t, [...m].map(([doc, w]) => ({ doc, wtf: w })));
      const idf = Math.log(1 + (docs.length - m.size + 0.5) / (m.size + 0.5));
      this.idf.set(t, idf);
      maxIdf = Math.max(maxIdf, idf);
    }
    this.maxIdf = maxIdf;
  }

  has(token: string): boolean {
    return this.postings.has(token);
  }

  /** Adds weight x BM25 contribution of each query token to acc[doc]. */
  accumulate(q: Map<string, number>, acc: Float64Array, weight: number): void {
    const k1 = this.o.k1;
    for (const [t, qw] of q) {
      const ps = this.postings.get(t);
      if (!ps) continue;
      const w = weight * qw * this.idf.get(t)!;
      for (const p of ps) acc[p.doc] += (w * (p.wtf * (k1 + 1))) / (p.wtf + k1);
    }
  }
}
