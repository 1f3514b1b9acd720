// eval:answers on the answer sets, through the real pipeline on a throwaway embedded database:
// exact share, wrong records, asked back, and the per-message latency next to nothing (the
// figures' baseline is the echo turn of the record_answer section, measured in the same run).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import { evaluateAnswers, readAnswerCases, type AnswerFigures } from "../src/eval/answers.ts";

export async function measureAnswers(files: Record<string, string>): Promise<Record<string, AnswerFigures>> {
  const dataDir = mkdtempSync(join(tmpdir(), "jama-bench-answers-"));
  const app = await createApp(loadConfig({ NODE_ENV: "production", DATA_DIR: dataDir }), { log: createLogger("error") });
  try {
    const out: Record<string, AnswerFigures> = {};
    // the bench is the scheduler here: one time for all its turns
    const at = new Date();
    for (const [name, file] of Object.entries(files)) out[name] = (await evaluateAnswers(app, readAnswerCases(file), at)).figures;
    return out;
  } finally {
    await app.close();
  }
}
