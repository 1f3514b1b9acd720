// npx tsx scripts/retrieval-alternatives.ts [file.jsonl ...]
// Measures the search methods we considered against each other on the same questions, so the
// choice in src/knowledge/search.ts stays a measured one: fuse.js variants, a plain BM25F with
// other tokenisers (raw bigrams without kana folding, Intl.Segmenter words), and our index with
// one feature switched off at a time. Prints one table: R@1 / R@3 per file, and ms per query.
import Fuse from "fuse.js";
import { Knowledge } from "../src/knowledge/knowledge.ts";
import { readCases, type EvalCase } from "../src/knowledge/retrieval-eval.ts";
import { DEFAULT_TUNING, SearchIndex, type SearchTuning } from "../src/knowledge/search.ts";
import { tokens } from "../src/knowledge/search-text.ts";

const root = new URL("../test/fixtures/", import.meta.url).pathname;
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ["dev", "tuning", "heldout", "fresh", "blind"].map((f) => `${root}retrieval-${f}.jsonl`);
const kb = Knowledge.load();
const items = kb.items().filter((i) => i.entry);

type Ranker = (q: string) => number[];

/** A plain BM25F over items (title, keywords x3; asks x1; the rest x0.3) with any tokeniser. */
function bm25(tokenize: (s: string) => string[]): Ranker {
  const fields = items.map((it) => {
    const e = it.entry!;
    return [
      [`${e.title.ja} ${e.title.en}`, 3],
      [e.keywords.join(" / "), 3],
      [`${e.asks.ja} ${e.asks.en}`, 1],
      [[e.why.ja, e.why.en, e.achieved_when.ja, e.achieved_when.en, ...e.measures.ja, ...e.measures.en].join(" "), 0.3],
    ] as const;
  });
  const toks = fields.map((fs) => fs.map(([text, w]) => ({ t: tokenize(text), w })));
  const avg = [0, 1, 2, 3].map((f) => toks.reduce((a, d) => a + d[f].t.length, 0) / toks.length);
  const wtf = toks.map((d) => {
    const m = new Map<string, number>();
    d.forEach(({ t, w }, f) => {
      const norm = 0.25 + (0.75 * t.length) / avg[f];
      for (const x of t) m.set(x, (m.get(x) ?? 0) + w / norm);
    });
    return m;
  });
  const df = new Map<string, number>();
  for (const m of wtf) for (const t of m.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const N = items.length;
  return (q) => {
    const qt = new Set(tokenize(q));
    const scores = wtf.map((m, i) => {
      let s = 0;
      for (const t of qt) {
        const tf = m.get(t);
        if (!tf) continue;
        const n = df.get(t)!;
        s += Math.log(1 + (N - n + 0.5) / (n + 0.5)) * ((tf * 2.2) / (tf + 1.2));
      }
      return [items[i].no, s] as const;
    });
    return scores.filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]).map(([no]) => no);
  };
}

const rawBigrams = (s: string) => {
  const out: string[] = [];
  for (const run of s.normalize("NFKC").toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (run.length === 1) out.push(run);
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
};
const segmenter = new Intl.Segmenter("ja", { granularity: "word" });
const words = (s: string) =>
  [...segmenter.segment(s.normalize("NFKC").toLowerCase())].filter((x) => x.isWordLike).map((x) => x.segment);

const fuseKeys = ["entry.title.ja", "entry.title.en", "entry.asks.ja", "entry.asks.en", "entry.keywords"];
const fuseDefault = new Fuse(items, { keys: fuseKeys });
const fuseTuned = new Fuse(items, {
  keys: [
    { name: "entry.title.ja", weight: 2 },
    { name: "entry.title.en", weight: 2 },
    { name: "entry.keywords", weight: 2 },
    { name: "entry.asks.ja", weight: 1 },
    { name: "entry.asks.en", weight: 1 },
  ],
  ignoreLocation: true,
  threshold: 0.8,
});
const fuseExtended = new Fuse(items, { keys: fuseKeys, useExtendedSearch: true, ignoreLocation: true, threshold: 0.6 });

function ours(t: Partial<SearchTuning> = {}): Ranker {
  const index = new SearchIndex(kb, { tuning: t });
  return (q) => index.search(q, { limit: 10 }).hits.filter((h) => h.kind === "item").map((h) => h.no!);
}
const D = DEFAULT_TUNING;

const methods: [string, Ranker][] = [
  ["fuse.js defaults, raw question", (q) => fuseDefault.search(q).map((r) => r.item.no)],
  ["fuse.js weighted, ignoreLocation, t=0.8", (q) => fuseTuned.search(q).map((r) => r.item.no)],
  [
    "fuse.js Intl.Segmenter words, $or",
    (q) => {
      const ws = words(q).filter((w) => w.length > 1);
      if (ws.length === 0) return [];
      return fuseExtended.search({ $or: ws.flatMap((w) => fuseKeys.map((k) => ({ [k]: `'${w}` }))) }).map((r) => r.item.no);
    },
  ],
  ["BM25F raw NFKC bigrams (no folding)", bm25(rawBigrams)],
  ["BM25F Intl.Segmenter words", bm25(words)],
  ["BM25F our tokens (folded bigrams+kanji)", bm25((s) => [...tokens(s).keys()])],
  ["ours: full (chosen)", ours()],
  ["ours without whole-keyword bonus", ours({ phraseWeight: 0 })],
  ["ours without synonyms", ours({ synonymWeight: 0 })],
  ["ours, synonyms summed not max", ours({ synonymMode: "sum" })],
  ["ours without chat-noise removal", ours({ stripNoise: false })],
  ["ours, kana bigrams at full weight", ours({ query: { ...D.query, hiraWeight: 1 } })],
  ["ours without single kanji in query", ours({ query: { ...D.query, kanjiWeight: 0 } })],
  ["ours without okurigana pairs", ours({ query: { ...D.query, skipWeight: 0 } })],
  ["ours, all fields weight 1", ours({ fieldWeights: { title: 1, keywords: 1, asks: 1, body: 1 } })],
  ["ours without English typo snapping", ours({ typoWeight: 0 })],
];

const sets = files.map((f) => ({ name: f.split("/").at(-1)!.replace(/\.jsonl$/, ""), cases: readCases(f).filter((c) => !c.refs && c.expect.length > 0) }));
const recall = (r: Ranker, cases: EvalCase[], k: number) => cases.filter((c) => r(c.q).slice(0, k).some((n) => c.expect.includes(n))).length / cases.length;
const pct = (x: number) => (x * 100).toFixed(1).padStart(5);
const short = (name: string) => name.replace(/^retrieval-/, "");

console.log(`${"method (R@1 / R@3 per file)".padEnd(42)} ${sets.map((s) => `${short(s.name)} (${s.cases.length})`.padEnd(17)).join("")}ms/query`);
for (const [name, r] of methods) {
  const all = sets.flatMap((s) => s.cases);
  for (const c of all) r(c.q); // warm up
  const t0 = performance.now();
  for (const c of all) r(c.q);
  const ms = (performance.now() - t0) / all.length;
  console.log(`${name.padEnd(42)} ${sets.map((s) => `${pct(recall(r, s.cases, 1))}/${pct(recall(r, s.cases, 3))}`.padEnd(17)).join("")}${ms.toFixed(2)}`);
}
