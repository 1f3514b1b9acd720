// npm run eval:answers -- [file.jsonl] [--all]
// Sends each line through the real pipeline (a fresh organisation per line, on a throwaway
// embedded database) and prints every miss (every line with --all), then LAST one JSON line:
// {"n","exact","wrong_records","missed","p50_ms","p99_ms"}.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import { evaluateAnswers, readAnswerCases } from "../src/eval/answers.ts";

const DEFAULT_FILE = new URL("../test/fixtures/answers-dev.jsonl", import.meta.url).pathname;

const args = process.argv.slice(2);
const all = args.includes("--all");
const file = args.find((a) => !a.startsWith("--")) ?? DEFAULT_FILE;

const cases = readAnswerCases(file);
const dataDir = mkdtempSync(join(tmpdir(), "jama-eval-answers-"));
const app = await createApp(loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, KB_OVERLAY_FILE: join(dataDir, "none.yaml") }), { log: createLogger("error") });
try {
  // the script is its own scheduler: one time for every turn of the run
  const { results, figures } = await evaluateAnswers(app, cases, new Date());
  console.log(`answers on ${file}`);
  for (const r of results) {
    if (!all && r.verdict === "exact") continue;
    const mark = r.verdict === "exact" ? "ok    " : r.verdict === "wrong" ? "WRONG " : "missed";
    const ctx = r.line.context ? ` (on screen: No.${r.line.context})` : "";
    console.log(`${mark} ${r.line.say}${ctx}  expect ${JSON.stringify(r.line.expect)} got ${JSON.stringify(r.got)} via ${r.intent}: ${r.reply.replace(/\s+/g, " ").slice(0, 100)}`);
  }
  console.log(`\n${figures.n} lines: exact ${(figures.exact * 100).toFixed(1)}%, wrong records ${figures.wrong_records}, missed ${figures.missed}, p50 ${figures.p50_ms} ms, p99 ${figures.p99_ms} ms`);
  console.log(JSON.stringify(figures));
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
