// npm run bench — the figures that matter, each next to its baseline measured in the same run.
// Prints a table and writes bench/results/latest.json. Never run as part of the tests.
import { mkdirSync, writeFileSync } from "node:fs";
import { measureStartup } from "./startup.ts";
import { measureTurnsMemory } from "./turns-memory.ts";
import { measureSlackTurns } from "./slack-turns.ts";
import { measureRetrieval } from "../src/knowledge/retrieval-eval.ts";
import { measureIndex } from "./index-cost.ts";
import { measureRecordVsEcho } from "./pipeline-turns.ts";
import { measureExport } from "./export.ts";
import { measureBooking } from "./booking.ts";
import { measureAnswers } from "./answers.ts";
import { postgresAvailable, withScratchDatabase } from "./postgres.ts";
import { measureWebConsole } from "./web-console.ts";
import { measureIndustryScale } from "./industry-scale.ts";
import { measureRush, RUSH_MODES } from "./rush.ts";
import { measureRushTurns } from "./rush-turns.ts";
import { measureThroughput } from "./throughput.ts";

// `--orgs N`: organisations filled into PostgreSQL for the per-turn figures and companies in the
// launch-day rush (default 1,000 to stay quick; the sizes are 3240 and 10000).
// `--years N`: fiscal years of answers per organisation in the per-turn figures (default 1).
// `--only a,b`: only these sections.
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ORGS = Number(arg("--orgs") ?? 1000);
const YEARS = Number(arg("--years") ?? 1);
const ONLY = arg("--only")?.split(",");
import { measureSuppliers } from "./suppliers.ts";
import { measureCrashAfterAck, measureFirstContactBurst, measureOneChannel, type BurstFigures, type CrashFigures } from "./delivery.ts";
import { measureTenantWalls, measureWalledTurns } from "./tenant-walls.ts";
import { measureTurnEffects } from "./turn-effects.ts";

// The PostgreSQL server for the figures that need one (the tests' server by default).
const PG_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const pg = await postgresAvailable(PG_URL);

type Row = [section: string, figure: string, value: string | number, baseline?: string | number];

const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version };
const rows: Row[] = [];

async function section<T>(name: string, run: () => Promise<T>, toRows: (r: T) => Row[]): Promise<void> {
  if (ONLY && !ONLY.includes(name)) return;
  process.stderr.write(`bench: ${name}…\n`);
  try {
    const r = await run();
    results[name] = r;
    rows.push(...toRows(r));
  } catch (e) {
    results[name] = { error: (e as Error).message };
    rows.push([name, "error", (e as Error).message]);
  }
}

await section("startup", () => measureStartup(), (r) => [
  ["startup", "PGlite: ready, first start (creates the db) ms", r.ready_ms],
  ["startup", "PGlite: ready, second start ms", r.ready_warm_ms],
  ["startup", "PGlite: CPU the service used until ready, first / later start ms", `${r.cpu_first_ms} / ${r.cpu_ms}`],
  ["startup", "PGlite: `npm start` processes' memory, first / later start MB", `${r.rss_first_mb} / ${r.rss_mb}`],
  ["startup", "PGlite: the service's process alone, first / later start MB", `${r.service_rss_first_mb} / ${r.service_rss_mb}`],
  ["startup", "terminal chat: `printf 'No.1\\n' | npm start`, new / existing DATA_DIR ms", `${r.chat_no1_new_ms} / ${r.chat_no1_ms}`, `node -e 0: ${r.node_alone_ms}`],
]);
if (pg)
  await section("startup_postgres", () => withScratchDatabase(PG_URL, (url) => measureStartup(url)), (r) => [
    ["startup", "PostgreSQL: ready, first start (migrates) ms", r.ready_ms],
    ["startup", "PostgreSQL: ready, second start ms", r.ready_warm_ms],
    ["startup", "PostgreSQL: CPU the service used until ready, first / later start ms", `${r.cpu_first_ms} / ${r.cpu_ms}`],
    ["startup", "PostgreSQL: `npm start` processes' memory, first / later MB", `${r.rss_first_mb} / ${r.rss_mb}`],
    ["startup", "PostgreSQL: the service's process alone, first / later MB", `${r.service_rss_first_mb} / ${r.service_rss_mb}`],
  ]);

await section("turns_memory", () => measureTurnsMemory(5000), (r) => [
  ["turns_memory", `PGlite: resident MB after ${r.turns} turns (× after start; ≤ 1.3)`, `${r.rss_end_mb} (${r.rss_ratio}×)`, `after start ${r.rss_start_mb}, after 200 turns ${r.rss_warm_mb}`],
  ["turns_memory", `PGlite: live heap MB after ${r.turns} turns`, r.heap_end_mb, `after start ${r.heap_start_mb}, after 200 turns ${r.heap_warm_mb}`],
  ["turns_memory", `PGlite: external (WebAssembly memories, buffers) MB after ${r.turns} turns`, r.external_end_mb, `after start ${r.external_start_mb}`],
  ["turns_memory", "turn p50 ms, last 500 turns (errors)", `${r.last_p50_ms} (${r.errors})`, `first 500: ${r.first_p50_ms}`],
]);

for (const [name, file] of [
  ["retrieval_dev", "test/fixtures/retrieval-dev.jsonl"],
  ["retrieval_heldout", "test/fixtures/retrieval-heldout.jsonl"],
] as const) {
  await section(name, () => measureRetrieval(file), (r) => [
    [name, "recall@1 (fuse.js defaults)", r.recall_at_1, r.baseline.recall_at_1],
    [name, "recall@3 (fuse.js defaults)", r.recall_at_3, r.baseline.recall_at_3],
    [name, `MRR, n=${r.n}`, r.mrr],
    [name, "per call p50 / p99 ms (fuse.js defaults)", `${r.p50_ms} / ${r.p99_ms}`, `${r.baseline.p50_ms} / ${r.baseline.p99_ms}`],
  ]);
}

await section(
  "answers",
  () => measureAnswers({ dev: "test/fixtures/answers-dev.jsonl", heldout: "test/fixtures/answers-heldout.jsonl", blind: "test/fixtures/answers-blind.jsonl" }),
  (r) =>
    Object.entries(r).flatMap(([set, f]): Row[] => [
      ["answers", `${set}: exact share (n=${f.n})`, f.exact],
      ["answers", `${set}: wrong records / asked back`, `${f.wrong_records} / ${f.missed}`],
      ["answers", `${set}: per message p50 / p99 ms`, `${f.p50_ms} / ${f.p99_ms}`],
    ]),
);

await section("search_index", measureIndex, (r) => [
  ["search index", "build ms (knowledge base load ms)", r.build_ms, r.kb_load_ms],
  ["search index", "heap MB after build (knowledge base alone)", r.heap_mb, r.kb_heap_mb],
]);

await section("slack_turn", () => measureSlackTurns(200), (r) => [
  ["slack turn", `${r.real.intent} p50 ms (echo baseline)`, r.real.p50_ms, r.echo.p50_ms],
  ["slack turn", `${r.real.intent} p99 ms (echo baseline)`, r.real.p99_ms, r.echo.p99_ms],
  ["slack turn", "ratio to echo p50 / p99", `${r.ratio_p50} / ${r.ratio_p99}`],
]);

const throughputRows = (r: Awaited<ReturnType<typeof measureThroughput>>): Row[] => [
  ["throughput", `${r.db}: ${r.people} people at once, looking items up and recording answers: turns/s (echo)`, r.work.turns_per_s, r.echo.turns_per_s],
  ["throughput", `${r.db}: … each turn's wait p50 / p99 ms (echo)`, `${r.work.p50_ms} / ${r.work.p99_ms}`, `${r.echo.p50_ms} / ${r.echo.p99_ms}`],
];
await section("throughput", () => measureThroughput(), throughputRows);
if (pg) await section("throughput_postgres", () => withScratchDatabase(PG_URL, (url) => measureThroughput({ databaseUrl: url })), throughputRows);

const burstRows = (r: BurstFigures): Row[] => [
  ["burst", `${r.db}: ${r.n} first contacts at once, answers / apologies`, `${r.real.answers} / ${r.real.apologies}`, `${r.echo.answers} / ${r.echo.apologies}`],
  ["burst", `${r.db}: reply p50 / p99 ms (echo under the same burst)`, `${r.real.p50_ms} / ${r.real.p99_ms}`, `${r.echo.p50_ms} / ${r.echo.p99_ms}`],
];
await section("first_contact_burst", () => measureFirstContactBurst(200), burstRows);
if (pg) await section("first_contact_burst_postgres", () => withScratchDatabase(PG_URL, (url) => measureFirstContactBurst(200, url)), burstRows);
await section("one_channel", () => measureOneChannel(30), (r) => [
  ["one channel", `${r.n} replies under 1/s: delivered / duplicates`, `${r.delivered} / ${r.duplicates}`],
  ["one channel", "order kept, 429s met, seconds taken", `${r.in_order ? "yes" : "NO"}, ${r.rate_limited_429}, ${r.seconds}`],
]);
const crashRows = (r: CrashFigures): Row[] => [
  ["crash after ack", `${r.db}: ${r.n} acknowledged, SIGKILL: answered before / after restart`, `${r.answered_before_kill} / ${r.answered_after_restart}`],
  ["crash after ack", `${r.db}: duplicates, seconds restart to answered (restart to listening)`, `${r.duplicates}, ${r.restart_to_answered_s}`, r.restart_to_listening_s],
];
await section("crash_after_ack", () => measureCrashAfterAck(1), crashRows);
if (pg) await section("crash_after_ack_postgres", () => withScratchDatabase(PG_URL, (url) => measureCrashAfterAck(1, url)), crashRows);

await section("record_answer", () => measureRecordVsEcho(300), (r) => [
  ["record answer", `through the pipeline p50 ms (echo), ${r.db}`, r.record.p50_ms, r.echo.p50_ms],
  ["record answer", `through the pipeline p99 ms (echo), ${r.db}`, r.record.p99_ms, r.echo.p99_ms],
  ["record answer", `ratio to echo p50, ${r.db}`, r.ratio_p50],
  ["record answer", `CPU ms per turn (echo), ${r.db}`, r.record.cpu_ms_per_turn, r.echo.cpu_ms_per_turn],
]);
if (pg)
  await section("record_answer_postgres", () => withScratchDatabase(PG_URL, (url) => measureRecordVsEcho(300, url)), (r) => [
    ["record answer", `through the pipeline p50 ms (echo), ${r.db}`, r.record.p50_ms, r.echo.p50_ms],
    ["record answer", `through the pipeline p99 ms (echo), ${r.db}`, r.record.p99_ms, r.echo.p99_ms],
    ["record answer", `ratio to echo p50, ${r.db}`, r.ratio_p50],
    ["record answer", `CPU ms per turn (echo), ${r.db}`, r.record.cpu_ms_per_turn, r.echo.cpu_ms_per_turn],
  ]);

const effectRows = (r: Awaited<ReturnType<typeof measureTurnEffects>>): Row[] => [
  ["turn effects", `record an answer from the inbox p50 ms marked (no delivery id), ${r.db}`, r.marked.p50_ms, r.plain.p50_ms],
  ["turn effects", `record an answer from the inbox p99 ms marked (no delivery id), ${r.db}`, r.marked.p99_ms, r.plain.p99_ms],
];
await section("turn_effects", () => measureTurnEffects(300), effectRows);
if (pg) await section("turn_effects_postgres", () => withScratchDatabase(PG_URL, (url) => measureTurnEffects(300, url)), effectRows);

const wallRows = (r: Awaited<ReturnType<typeof measureTenantWalls>>): Row[] => [
  ["tenant walls", `record an answer (db write) p50 ms walled (none), ${r.db}`, r.walls.p50_ms, r.none.p50_ms],
  ["tenant walls", `record an answer (db write) p99 ms walled (none), ${r.db}`, r.walls.p99_ms, r.none.p99_ms],
  ["tenant walls", `ratio walled / none p50, ${r.db}`, r.ratio_p50],
];
await section("tenant_walls", () => measureTenantWalls(200), wallRows);
if (pg) await section("tenant_walls_postgres", () => withScratchDatabase(PG_URL, (url) => measureTenantWalls(200, url)), wallRows);
if (pg)
  await section("tenant_walls_turn_postgres", () => withScratchDatabase(PG_URL, (url) => measureWalledTurns(300, url)), (r) => [
    ["tenant walls", "record an answer, whole turn p50 ms walled (TENANT_WALLS=off), postgres", r.walls.p50_ms, r.none.p50_ms],
    ["tenant walls", "record an answer, whole turn p99 ms walled (TENANT_WALLS=off), postgres", r.walls.p99_ms, r.none.p99_ms],
    ["tenant walls", "ratio walled / none p50, whole turn, postgres", r.ratio_p50],
  ]);

await section("export", () => measureExport(10), (r) => [
  ["export", `${r.items}-item xlsx p50 / max ms (${r.xlsx_bytes} bytes)`, `${r.xlsx_p50_ms} / ${r.xlsx_max_ms}`],
  ["export", `${r.items}-item csv p50 / max ms (${r.csv_bytes} bytes)`, `${r.csv_p50_ms} / ${r.csv_max_ms}`],
]);

await section("booking", () => measureBooking({ databaseUrl: pg ? PG_URL : undefined, attempts: 500, capacity: 20 }), (r) => {
  const out: Row[] = [
    ["booking", `PGlite: ${r.pglite.attempts} concurrent attempts/s (${r.pglite.clients} client)`, r.pglite.attempts_per_s],
    ["booking", `PGlite: confirmed = capacity ${r.pglite.capacity}, errors`, `${r.pglite.confirmed} (${r.pglite.correct ? "correct" : "WRONG"}), ${r.pglite.errors}`],
  ];
  if ("skipped" in r.postgres) out.push(["booking", "PostgreSQL", `skipped: ${r.postgres.skipped}`]);
  else
    out.push(
      ["booking", `PostgreSQL: ${r.postgres.attempts} concurrent attempts/s (${r.postgres.clients} clients)`, r.postgres.attempts_per_s],
      ["booking", `PostgreSQL: confirmed = capacity ${r.postgres.capacity}, errors`, `${r.postgres.confirmed} (${r.postgres.correct ? "correct" : "WRONG"}), ${r.postgres.errors}`],
    );
  return out;
});
if (pg)
  await section("web_console", () => withScratchDatabase(PG_URL, (url) => measureWebConsole(url, { orgs: 10_000, requests: 100 })), (r) => [
    ["web console", `PostgreSQL, ${r.orgs} organisations (seeded in ${r.seed_s} s): static file p50 / p99 ms`, `${r.static.p50_ms} / ${r.static.p99_ms}`],
    ...r.pages.map((p): Row => ["web console", `${p.page}: p50 / p99 ms (first request ms)`, `${p.p50_ms} / ${p.p99_ms} (${p.first_ms})`, `${r.static.p50_ms} / ${r.static.p99_ms}`]),
  ]);
if (pg)
  await section("industry_scale", () => withScratchDatabase(PG_URL, (url) => measureIndustryScale(url, { orgs: ORGS, years: YEARS })), (r) => [
    ...r.figures.map((f): Row => ["scale", `PostgreSQL ${r.orgs} orgs × ${r.years} year(s): ${f.op} p50 / p99 ms (first)`, `${f.p50_ms} / ${f.p99_ms} (${f.first_ms})`, `${r.figures[0].p50_ms} / ${r.figures[0].p99_ms}`]),
    ["scale", `anonymous average / overview counted afresh p50 ms (before)`, `${r.counted_afresh.averages_p50_ms} / ${r.counted_afresh.overview_p50_ms}`],
  ]);
if (pg)
  await section("rush", () => measureRush(PG_URL, ORGS), (r) =>
    r.map((x): Row => [
      "rush",
      `${x.companies} companies, 12 sessions, ${RUSH_MODES[x.mode]}: wait p50 / p99 ms`,
      `${x.p50_wait_ms} / ${x.p99_wait_ms}`,
      `${x.total_s} s, CPU ${x.cpu_s} s, ${x.retried} retried, ${x.busy} busy, ${x.exactly_filled ? "exactly filled" : "NOT FILLED/ERRORS"}`,
    ]),
  );
if (pg)
  await section("rush_turns", () => withScratchDatabase(PG_URL, (url) => measureRushTurns(url, ORGS)), (r) => [
    ["rush", `${r.companies} companies, each a whole turn through the pipeline: wait p50 / p99 ms`, `${r.p50_wait_ms} / ${r.p99_wait_ms}`, `${r.total_s} s, CPU ${r.cpu_s} s`],
    ["rush", "… answers, busy, turns retried, seats", `${JSON.stringify(r.answers)}, ${r.busy} busy, ${r.turns_retried} retried`, r.exactly_filled ? "exactly filled" : "NOT FILLED"],
  ]);
if (pg)
  await section("suppliers", () => withScratchDatabase(PG_URL, (url) => measureSuppliers(url)), (r) => [
    ["suppliers", `PostgreSQL, ${r.suppliers} suppliers + ${r.second_tier} second tier (seeded in ${r.seed_s} s): 取引先の状況 p50 / p99 ms (進捗 baseline)`, `${r.status.p50_ms} / ${r.status.p99_ms}`, `${r.progress.p50_ms} / ${r.progress.p99_ms}`],
    ["suppliers", "取引先の状況をエクスポート (xlsx + csv) p50 / p99 ms", `${r.export.p50_ms} / ${r.export.p99_ms}`],
  ]);
if (!pg) rows.push(["postgres", "figures on PostgreSQL", `skipped: no server at ${PG_URL.replace(/\/\/[^@]*@/, "//")}`]);

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/latest.json", import.meta.url), JSON.stringify(results, null, 2) + "\n");

const w = [14, 52, 14, 14];
const line = (c: (string | number | undefined)[]) => c.map((v, i) => String(v ?? "").padEnd(w[i])).join(" ");
console.log(line(["section", "figure", "value", "baseline"]));
console.log("-".repeat(w.reduce((a, b) => a + b + 1, 0)));
for (const r of rows) console.log(line(r));
console.log(`\nwritten: bench/results/latest.json`);
process.exit(0);
