// npm run eval:retrieval -- [file.jsonl] [--all]
// Reads item lines {"q","expect":[115]} and programme/term lines {"q","expect_ref":["faq:deadline"]}
// ([] = off-topic). Prints the misses (or every question with --all), the out-of-scope and
// confidence figures, and LAST one JSON line: {"n","recall_at_1","recall_at_3","mrr","p50_ms",
// "p99_ms","baseline":{...},"refs":{"n","at_1","at_3"},"out_of_scope":{"n","flagged","confident",
// "in_scope_flagged","in_scope_n"}}.
import { evaluateRetrieval } from "../src/knowledge/retrieval-eval.ts";

const DEFAULT_FILE = new URL("../test/fixtures/retrieval-dev.jsonl", import.meta.url).pathname;

const args = process.argv.slice(2);
const all = args.includes("--all");
const file = args.find((a) => !a.startsWith("--")) ?? DEFAULT_FILE;

const report = await evaluateRetrieval(file);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

console.log(`retrieval on ${file}`);
for (const c of report.cases) {
  const inScope = (c.refs ?? c.expect).length > 0;
  const miss = inScope ? c.rank !== 1 : !c.outOfScope;
  if (!all && !miss && !(inScope && c.outOfScope)) continue;
  const mark = !inScope ? (c.outOfScope ? "ok  " : "OOS?") : c.rank === 1 ? "ok  " : c.rank && c.rank <= 3 ? "top3" : "MISS";
  const flags = [c.outOfScope ? "out-of-scope" : "", c.confident ? "confident" : ""].filter(Boolean).join(",");
  console.log(
    c.refs
      ? `${mark} ${c.q}  expect ${JSON.stringify(c.refs)} got ${JSON.stringify(c.hitRefs.slice(0, 4))}${flags ? ` [${flags}]` : ""}`
      : `${mark} ${c.q}  expect ${JSON.stringify(c.expect)} got ${JSON.stringify(c.items.slice(0, 5))}` +
          `${flags ? ` [${flags}]` : ""}  fuse ${JSON.stringify(c.baselineItems.slice(0, 3))}`,
  );
}
const f = report.figures;
const s = report.scope;
console.log("");
if (f.n > 0 || f.refs.n === 0)
  console.log(
    `${f.n} questions: R@1 ${pct(f.recall_at_1)}  R@3 ${pct(f.recall_at_3)}  MRR ${f.mrr}  ` +
      `p50 ${f.p50_ms} ms  p99 ${f.p99_ms} ms  | fuse.js defaults R@1 ${pct(f.baseline.recall_at_1)} R@3 ${pct(f.baseline.recall_at_3)}`,
  );
if (f.refs.n > 0) console.log(`${f.refs.n} programme/term questions: right entry first ${pct(f.refs.at_1)}, in the top 3 ${pct(f.refs.at_3)}`);
console.log(
  `out of scope: ${s.outOfScope - s.outOfScopeMissed}/${s.outOfScope} off-topic questions flagged (${f.out_of_scope.confident} of them confident), ` +
    `${s.inScopeFlagged}/${s.inScope} in-scope questions wrongly flagged`,
);
console.log(`confident: ${report.confident.count} answers, ${report.confident.correct} of them right at rank 1`);
console.log(JSON.stringify(f));
