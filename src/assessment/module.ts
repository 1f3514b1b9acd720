// Everything the assessment intents use, built once at start-up (src/app.ts) and injected as
// services.assessment. Loading validates knowledge/answer-choices.yaml and benchmarks.yaml, so a
// broken configuration stops the bot at start-up with a clear message.
import type { Config } from "../config.ts";
import type { Db, TenantWalls, TurnEffects } from "../db/client.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import { Benchmarks } from "./benchmarks.ts";
import { AnswerChoices } from "./choices.ts";
import { AssessmentService } from "./service.ts";
import { WalkService } from "./walk.ts";

export interface AssessmentModule {
  service: AssessmentService;
  walk: WalkService;
  choices: AnswerChoices;
  benchmarks: Benchmarks;
}

export function createAssessmentModule(
  db: Db,
  kb: Knowledge,
  config: Pick<Config, "fiscalYearStartMonth" | "linkSecret" | "publicBaseUrl">,
  opts: { choices?: AnswerChoices; benchmarks?: Benchmarks; minOrgsForAverage?: number; walls?: TenantWalls; effects?: TurnEffects } = {},
): AssessmentModule {
  const choices = opts.choices ?? AnswerChoices.shared();
  const benchmarks = opts.benchmarks ?? Benchmarks.load();
  return {
    service: new AssessmentService(db, kb, choices, { fiscalYearStartMonth: config.fiscalYearStartMonth, minOrgsForAverage: opts.minOrgsForAverage, walls: opts.walls, effects: opts.effects }),
    walk: new WalkService(db, kb),
    choices,
    benchmarks,
  };
}
