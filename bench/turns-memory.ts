// Memory over a long run (issue 12): resident memory and live heap of the service after start
// and after 5,000 turns through the pipeline on PGlite, in a process of its own (not the bench's,
// which holds every other section's garbage). Each reading follows a full garbage collection, so
// what grows is what is kept, not what is waiting to be collected. The baseline is the same
// process right after start-up (search index built, as main.ts builds it a second after start).
//
// The turns mix what people do: look at an item, record an answer, progress, questions to the
// search, help, and the echo floor; from 200 users of 20 companies, plus one new person every 10
// turns (per-person state that is never let go shows up as growth).
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { round } from "./stats.ts";

export interface TurnsMemoryFigures {
  turns: number;
  /** after start-up (index built), after the first 200 turns (code warmed up), after all turns */
  rss_start_mb: number;
  rss_warm_mb: number;
  rss_end_mb: number;
  heap_start_mb: number;
  heap_warm_mb: number;
  heap_end_mb: number;
  /** memory outside V8's heap it accounts for (WebAssembly memories: PGlite's PostgreSQL, Prisma's compiler; buffers) */
  external_start_mb: number;
  external_end_mb: number;
  /** rss_end / rss_start: issue 12 asks ≤ 1.3 */
  rss_ratio: number;
  /** turn p50 over the first and the last 500 turns, ms: a leak often shows as a slowdown too */
  first_p50_ms: number;
  last_p50_ms: number;
  errors: number;
}

const CHILD_FLAG = "--turns-memory-child";

/** Runs the measurement in a child process (node with --expose-gc and npm start's V8 settings: package.json, scripts/start.mjs). */
export function measureTurnsMemory(turns = 5000): Promise<TurnsMemoryFigures> {
  const file = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--expose-gc", "--max-semi-space-size=2", "--wasm-tiering-budget=100000000", "--import", "tsx", file, CHILD_FLAG, String(turns)], {
    cwd: fileURLToPath(new URL("../", import.meta.url)),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`the turns-memory process exited with ${code}: ${out.slice(-300)}`));
      resolve(JSON.parse(line) as TurnsMemoryFigures);
    }),
  );
}

async function child(turns: number): Promise<void> {
  const { loadConfig } = await import("../src/config.ts");
  const { createApp } = await import("../src/app.ts");
  const { createLogger } = await import("../src/core/logger.ts");
  const { echo } = await import("./echo-intent.ts");
  const { percentile } = await import("./stats.ts");
  type Turn = import("../src/core/turn.ts").Turn;

  const config = loadConfig({ NODE_ENV: "production", DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-turns-memory-")) });
  // the service's log at its default level, written nowhere: the logger's own cost stays in
  const app = await createApp(config, { log: createLogger("info", {}, () => undefined), extraIntents: [echo] });
  const gc = (globalThis as { gc?: () => void }).gc!;
  const reading = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { rss: round(m.rss / 1048576, 1), heap: round(m.heapUsed / 1048576, 1), external: round(m.external / 1048576, 1) };
  };
  const texts = [
    (i: number) => `No.${1 + (i % 153)}`,
    (i: number) => `No.${1 + ((i * 7) % 153)}は${i % 2 ? "達成" : "未達成"}`,
    () => "進捗",
    () => "パスワードの管理はどうすればいい?",
    () => "What should we do about incident response?",
    () => "ヘルプ",
    (i: number) => `echo ${i}`,
  ];
  let seq = 0;
  let errors = 0;
  const turnAt = async (i: number): Promise<number> => {
    // one new person every 10 turns, otherwise one of 200 people of 20 companies
    const user = i % 10 === 9 ? `new-${i}` : `u${i % 200}`;
    const org = i % 10 === 9 ? `console:bench-mem-new-${i % 500}` : `console:bench-mem-${i % 20}`;
    const turn: Turn = {
      platform: "console",
      deliveryId: `bench-mem-${process.pid}-${++seq}`,
      org: { externalKey: org },
      user: { platformUserId: user },
      conversation: { key: `console:bench-mem:${user}`, kind: "personal" },
      input: { kind: "text", text: texts[i % texts.length]!(i) },
      receivedAt: new Date(),
    };
    const t0 = performance.now();
    const r = await app.pipeline.handle(turn);
    if (!r || r.intent === "error") errors++;
    return performance.now() - t0;
  };
  try {
    app.warmUp();
    const start = reading();
    const times: number[] = [];
    const warmN = Math.min(200, turns);
    for (let i = 0; i < warmN; i++) times.push(await turnAt(i));
    const warm = reading();
    for (let i = warmN; i < turns; i++) times.push(await turnAt(i));
    const end = reading();
    const figures: TurnsMemoryFigures = {
      turns,
      rss_start_mb: start.rss,
      rss_warm_mb: warm.rss,
      rss_end_mb: end.rss,
      heap_start_mb: start.heap,
      heap_warm_mb: warm.heap,
      heap_end_mb: end.heap,
      external_start_mb: start.external,
      external_end_mb: end.external,
      rss_ratio: round(end.rss / start.rss, 2),
      first_p50_ms: round(percentile(times.slice(0, 500), 50)),
      last_p50_ms: round(percentile(times.slice(-500), 50)),
      errors,
    };
    process.stdout.write(JSON.stringify(figures) + "\n");
  } finally {
    await app.close();
  }
}

if (process.argv.includes(CHILD_FLAG)) await child(Number(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]));
