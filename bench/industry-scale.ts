// Per-turn cost at the scale of the industry, for `npm run bench`: PostgreSQL filled with N
// organisations (default 1,000; `--orgs 3240`, `--orgs 10000`), 153 answers each for `--years N` fiscal
// years (default 1; earlier years must not slow the current one), then through the
// pipeline as a seeded company's admin: progress (with the anonymous average), the secretariat's
// overall status and recording an answer, interleaved with the echo turn (the floor). The baseline
// for the deployment-wide figures is counting them afresh, as every progress request did before
// they were kept for a few minutes (assessment/aggregate-cache.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import type { Turn } from "../src/core/turn.ts";
import { echo } from "./echo-intent.ts";
import { seed } from "./web-console.ts";
import { percentile, round } from "./stats.ts";

export interface ScaleFigure {
  op: string;
  p50_ms: number;
  p99_ms: number;
  /** the first request of a process, which counts the deployment-wide figures */
  first_ms: number;
}

let seq = 0;
function turn(text: string, orgKey: string, user: string): Turn {
  return {
    platform: "console",
    deliveryId: `bench-scale-${process.pid}-${++seq}`,
    org: { externalKey: orgKey },
    user: { platformUserId: user },
    conversation: { key: `console:${user}`, kind: "personal" },
    input: { kind: "text", text },
    receivedAt: new Date(),
  };
}

export async function measureIndustryScale(databaseUrl: string, opts: { orgs?: number; n?: number; years?: number } = {}) {
  const orgs = opts.orgs ?? 1000;
  // 1,000 turns per figure: p99 is then the tenth slowest, not the second or third (which one
  // hiccup of a shared machine decides)
  const n = opts.n ?? 1000;
  const years = opts.years ?? 1;
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-scale-")),
    DATABASE_URL: databaseUrl,
    SECRETARIAT_USERS: "console:admin-console:bench-1",
    LOG_LEVEL: "error",
  });
  const app = await createApp(config, { log: createLogger("error"), extraIntents: [echo] });
  try {
    const now = new Date();
    const service = app.services.assessment.service;
    const fy = service.fiscalYear(now);
    const t0 = performance.now();
    await seed(databaseUrl, orgs, fy, app.services.kb.version, years);
    const seedS = (performance.now() - t0) / 1000;
    const company = `console:bench-${Math.ceil(orgs / 2)}`;
    const as = (text: string, key: string) => turn(text, key, `admin-${key}`);
    const time = async (text: string, key: string, intent: string) => {
      const s = performance.now();
      const r = await app.pipeline.handle(as(text, key));
      const ms = performance.now() - s;
      if (r?.intent !== intent) throw new Error(`"${text}" went to ${r?.intent}`);
      return ms;
    };
    // baseline: the figures counted afresh (what each progress request did before)
    const fresh = { averages: [] as number[], overview: [] as number[] };
    for (let i = 0; i < 5; i++) {
      let s = performance.now();
      await service.deploymentAverages(fy);
      fresh.averages.push(performance.now() - s);
      s = performance.now();
      await service.overview(fy);
      fresh.overview.push(performance.now() - s);
    }
    const ops: [string, (i: number) => string, string, string][] = [
      ["echo (floor)", (i) => `echo ${i}`, company, "bench_echo"],
      ["progress with the anonymous average", () => "進捗", company, "show_progress"],
      ["secretariat overall status", () => "全体の状況", "console:bench-1", "overall_status"],
      ["record an answer", (i) => `No.${1 + (i % 153)}は${i % 2 ? "達成" : "未達成"}`, company, "record_answer"],
    ];
    const firsts = new Map<string, number>();
    for (const [name, text, key, intent] of ops) firsts.set(name, await time(text(0), key, intent));
    const times = new Map<string, number[]>(ops.map(([name]) => [name, []]));
    for (let i = 1; i <= n; i++) for (const [name, text, key, intent] of ops) times.get(name)!.push(await time(text(i), key, intent));
    const figures: ScaleFigure[] = ops.map(([name]) => ({
      op: name,
      p50_ms: round(percentile(times.get(name)!, 50)),
      p99_ms: round(percentile(times.get(name)!, 99)),
      first_ms: round(firsts.get(name)!),
    }));
    return {
      orgs,
      years,
      seed_s: round(seedS, 1),
      n,
      figures,
      counted_afresh: {
        averages_p50_ms: round(percentile(fresh.averages, 50)),
        overview_p50_ms: round(percentile(fresh.overview, 50)),
      },
    };
  } finally {
    await app.close();
  }
}
