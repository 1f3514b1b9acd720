// Retrieval quality on a JSONL file, next to a "fuse.js defaults" baseline run in the same
// process. Used by `npm run eval:retrieval`, the bench and the unit test. Two kinds of line:
// - {"q": ..., "expect": [item numbers]}: a hit at k when any expected number is among the first
//   k ITEM hits (recall_at_1/3, mrr);
// - {"q": ..., "expect_ref": ["faq:deadline", "term:edr", "item:115"]}: programme and term
//   questions, a hit at k when any expected entry is among the first k hits of any kind ("refs").
// Either list empty marks an off-topic question: it only counts for "out_of_scope".
import { readFileSync } from "node:fs";
import Fuse from "fuse.js";
import { z } from "zod";
import { Knowledge } from "./knowledge.ts";
import { SearchIndex, type SearchTuning } from "./search.ts";

const ItemLine = z.object({ q: z.string().min(1), expect: z.array(z.number().int()) }).strict();
const RefLine = z
  .object({ q: z.string().min(1), expect_ref: z.array(z.string().regex(/^(?:faq:[\w-]+|term:[\w-]+|item:\d+)$/)) })
  .strict();

export interface EvalCase {
  q: string;
  /** Expected item numbers (item lines; the item refs of a ref line). */
  expect: number[];
  /** Ref lines only: the entries ("faq:id", "term:id", "item:N") that count as a right first answer. */
  refs?: string[];
}

/** An off-topic line: nothing is expected. */
export const isOffTopic = (c: EvalCase) => (c.refs ? c.refs.length === 0 : c.expect.length === 0);

export interface RetrievalFigures {
  /** Item lines with an expectation. */
  n: number;
  recall_at_1: number;
  recall_at_3: number;
  mrr: number;
  p50_ms: number;
  p99_ms: number;
  /** p50/p99 over every call (3 per question), as ours */
  baseline: { name: "fuse.js defaults"; recall_at_1: number; recall_at_3: number; p50_ms: number; p99_ms: number };
  /** Ref lines with an expectation: the right entry (of any kind) first / among the first 3. */
  refs: { n: number; at_1: number; at_3: number };
  /**
   * n off-topic lines, how many were flagged out of scope and how many came back confident;
   * in-scope lines (item and ref) wrongly flagged out of in_scope_n.
   */
  out_of_scope: { n: number; flagged: number; confident: number; in_scope_flagged: number; in_scope_n: number };
}

export interface CaseResult {
  q: string;
  expect: number[];
  /** Ref lines: the expected entries. */
  refs?: string[];
  /** Item numbers in the order returned (first 10). */
  items: number[];
  /** Every hit in the order returned (first 10), as "item:115", "faq:deadline", "term:edr". */
  hitRefs: string[];
  /** 1-based rank of the first expected item (item lines) or entry (ref lines), or undefined. */
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
  /** Item lines, ref lines, and both (in scope). */
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
        const raw = JSON.parse(l) as Record<string, unknown>;
        if ("expect_ref" in raw) {
          const r = RefLine.parse(raw);
          const expect = r.expect_ref.filter((x) => x.startsWith("item:")).map((x) => Number(x.slice(5)));
          return { q: r.q, expect, refs: r.expect_ref };
        }
        return ItemLine.parse(raw);
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not a {"q", "expect"} or {"q", "expect_ref"} line (${(e as Error).message.split("\n")[0]})`);
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
  // Warm up the JIT, then time every call on its own, ours and fuse.js's interleaved (3 rounds):
  // p50/p99 are over all calls, so a slow call counts as users would feel it.
  for (let i = 0; i < 3; i++) for (const c of cases) index.search(c.q);
  for (const c of cases) baseline(c.q);
  const calls: number[] = [];
  const baseCalls: number[] = [];
  const perCase: number[][] = cases.map(() => []);
  for (let pass = 0; pass < 3; pass++)
    cases.forEach((c, i) => {
      let t0 = performance.now();
      index.search(c.q);
      const ms = performance.now() - t0;
      calls.push(ms);
      perCase[i].push(ms);
      t0 = performance.now();
      baseline(c.q);
      baseCalls.push(performance.now() - t0);
    });
  const times = perCase.map((runs) => [...runs].sort((a, b) => a - b)[1]);
  calls.sort((a, b) => a - b);
  baseCalls.sort((a, b) => a - b);

  const results: CaseResult[] = cases.map((c, i) => {
    const r = index.search(c.q, { limit: 10 });
    const items = r.hits.filter((h) => h.kind === "item").map((h) => h.no!);
    const hitRefs = r.hits.map((h) => `${h.kind}:${h.key}`);
    const idx = c.refs ? hitRefs.findIndex((x) => c.refs!.includes(x)) : items.findIndex((n) => c.expect.includes(n));
    return {
      q: c.q,
      expect: c.expect,
      ...(c.refs ? { refs: c.refs } : {}),
      items,
      hitRefs,
      rank: idx >= 0 ? idx + 1 : undefined,
      baselineItems: baseline(c.q).slice(0, 10),
      outOfScope: r.outOfScope,
      confident: r.confident,
      ms: times[i],
    };
  });

  const scored = results.filter((r) => !r.refs && r.expect.length > 0);
  const refLines = results.filter((r) => r.refs && r.refs.length > 0);
  const inScope = [...scored, ...refLines];
  const n = scored.length;
  const at = (k: number) => scored.filter((r) => r.rank !== undefined && r.rank <= k).length / Math.max(1, n);
  const baseAt = (k: number) =>
    scored.filter((r) => r.baselineItems.slice(0, k).some((x) => r.expect.includes(x))).length / Math.max(1, n);
  const oos = results.filter((r) => (r.refs ? r.refs.length === 0 : r.expect.length === 0));
  const conf = inScope.filter((r) => r.confident);
  const refAt = (k: number) => refLines.filter((r) => r.rank !== undefined && r.rank <= k).length / Math.max(1, refLines.length);

  return {
    figures: {
      n,
      recall_at_1: round(at(1)),
      recall_at_3: round(at(3)),
      mrr: round(scored.reduce((a, r) => a + (r.rank ? 1 / r.rank : 0), 0) / Math.max(1, n)),
      p50_ms: round(percentile(calls, 50)),
      p99_ms: round(percentile(calls, 99)),
      baseline: {
        name: "fuse.js defaults",
        recall_at_1: round(baseAt(1)),
        recall_at_3: round(baseAt(3)),
        p50_ms: round(percentile(baseCalls, 50)),
        p99_ms: round(percentile(baseCalls, 99)),
      },
      refs: { n: refLines.length, at_1: round(refAt(1)), at_3: round(refAt(3)) },
      out_of_scope: {
        n: oos.length,
        flagged: oos.filter((r) => r.outOfScope).length,
        confident: oos.filter((r) => r.confident).length,
        in_scope_flagged: inScope.filter((r) => r.outOfScope).length,
        in_scope_n: inScope.length,
      },
    },
    cases: results,
    scope: {
      inScope: inScope.length,
      inScopeFlagged: inScope.filter((r) => r.outOfScope).length,
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
