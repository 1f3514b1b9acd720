// Retrieval quality on a JSONL file of {"q": ..., "expect": [item numbers]} lines, next to a
// "fuse.js defaults" baseline run in the same process. Used by `npm run eval:retrieval`, the
// bench and the unit test. A question is a hit at k when any expected number is among the first
// k ITEM hits; lines with "expect": [] are out-of-scope questions and only count for the
// out-of-scope figures.
import { readFileSync } from "node:fs";
import Fuse from "fuse.js";
import { z } from "zod";
import { Knowledge } from "./knowledge.ts";
import { SearchIndex, type SearchTuning } from "./search.ts";

export const EvalCase = z.object({ q: z.string().min(1), expect: z.array(z.number().int()) });
export type EvalCase = z.infer<typeof EvalCase>;

export interface RetrievalFigures {
  n: number;
  recall_at_1: number;
  recall_at_3: number;
  mrr: number;
  p50_ms: number;
  p99_ms: number;
  baseline: { name: "fuse.js defaults"; recall_at_1: number; recall_at_3: number };
}

export interface CaseResult {
  q: string;
  expect: number[];
  /** Item numbers in the order returned (first 10). */
  items: number[];
  /** 1-based rank of the first expected item, or undefined. */
  rank?: number;
  baselineItems: number[];
  outOfScope: boolean;
  confident: boolean;
  /** Median of 5 timed runs of this question. */
  ms: number;
}

export interface RetrievalReport {
  figures: RetrievalFigures;
  cases: CaseResult[];
  scope: {
    inScope: number;
    /** In-scope questions flagged out of scope. */
    inScopeFlagged: number;
    outOfScope: number;
    /** Out-of-scope questions not flagged. */
    outOfScopeMissed: number;
  };
  /** Confident answers, and how many of them had an expected item at rank 1. */
  confident: { count: number; correct: number };
}

export function readCases(file: string): EvalCase[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("//"))
    .map((l, i) => {
      try {
        return EvalCase.parse(JSON.parse(l));
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not a {"q", "expect"} line (${(e as Error).message.split("\n")[0]})`);
      }
    });
}

/** The floor we compare against: fuse.js with default options over the raw question. */
export function fuseBaseline(kb: Knowledge): (q: string) => number[] {
  const items = kb.items().filter((i) => i.entry);
  const fuse = new Fuse(items, {
    keys: ["entry.title.ja", "entry.title.en", "entry.asks.ja", "entry.asks.en", "entry.keywords"],
  });
  return (q) => fuse.search(q).map((r) => r.item.no);
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface EvalOptions {
  kb?: Knowledge;
  index?: SearchIndex;
  tuning?: Partial<SearchTuning>;
}

export async function evaluateRetrieval(file: string, opts: EvalOptions = {}): Promise<RetrievalReport> {
  const cases = readCases(file);
  const kb = opts.kb ?? Knowledge.load();
  const index = opts.index ?? new SearchIndex(kb, { tuning: opts.tuning });
  const baseline = fuseBaseline(kb);
  // Warm up the JIT, then time each question on its own (median of 5 runs, so that a garbage
  // collection or another process on a shared machine does not pass for the search's cost).
  for (let i = 0; i < 3; i++) for (const c of cases) index.search(c.q);
  const times = cases.map((c) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      index.search(c.q);
      runs.push(performance.now() - t0);
    }
    return runs.sort((a, b) => a - b)[2];
  });

  const results: CaseResult[] = cases.map((c, i) => {
    const r = index.search(c.q, { limit: 10 });
    const items = r.hits.filter((h) => h.kind === "item").map((h) => h.no!);
    const idx = items.findIndex((n) => c.expect.includes(n));
    return {
      q: c.q,
      expect: c.expect,
      items,
      rank: idx >= 0 ? idx + 1 : undefined,
      baselineItems: baseline(c.q).slice(0, 10),
      outOfScope: r.outOfScope,
      confident: r.confident,
      ms: times[i],
    };
  });

  const scored = results.filter((r) => r.expect.length > 0);
  const n = scored.length;
  const at = (k: number) => scored.filter((r) => r.rank !== undefined && r.rank <= k).length / Math.max(1, n);
  const baseAt = (k: number) =>
    scored.filter((r) => r.baselineItems.slice(0, k).some((x) => r.expect.includes(x))).length / Math.max(1, n);
  const sortedTimes = [...times].sort((a, b) => a - b);
  const oos = results.filter((r) => r.expect.length === 0);
  const conf = scored.filter((r) => r.confident);

  return {
    figures: {
      n,
      recall_at_1: round(at(1)),
      recall_at_3: round(at(3)),
      mrr: round(scored.reduce((a, r) => a + (r.rank ? 1 / r.rank : 0), 0) / Math.max(1, n)),
      p50_ms: round(percentile(sortedTimes, 50)),
      p99_ms: round(percentile(sortedTimes, 99)),
      baseline: { name: "fuse.js defaults", recall_at_1: round(baseAt(1)), recall_at_3: round(baseAt(3)) },
    },
    cases: results,
    scope: {
      inScope: n,
      inScopeFlagged: scored.filter((r) => r.outOfScope).length,
      outOfScope: oos.length,
      outOfScopeMissed: oos.filter((r) => !r.outOfScope).length,
    },
    confident: { count: conf.length, correct: conf.filter((r) => r.rank === 1).length },
  };
}

/** The figures only, in the shape `npm run eval:retrieval` prints last and the bench records. */
export async function measureRetrieval(file: string, opts: EvalOptions = {}): Promise<RetrievalFigures> {
  return (await evaluateRetrieval(file, opts)).figures;
}
