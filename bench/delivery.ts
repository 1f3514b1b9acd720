// Trust under load, through the Slack HTTP path with the Web API stand-in (issue 10):
// - a burst of first contacts (new people of new companies, all at once): answers, apologies,
//   reply p50/p99, next to the echo intent under the same burst;
// - replies into one channel under Slack's 1 message/s limit (429 + Retry-After enforced by the
//   stand-in): delivered, duplicates, order, time taken;
// - a crash after acknowledgement: the real server (src/main.ts) killed with SIGKILL once Slack
//   had its 200s, then started again on the same database: answered after restart, copies, time.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import { APOLOGY } from "../src/core/errors.ts";
import { startServer } from "../src/server.ts";
import { BOT_TOKEN, SIGNING_SECRET, dmEvent, sign, startFakeSlack, type FakeSlack } from "../test/helpers/slack.ts";
import { startChildServer } from "../test/helpers/child-server.ts";
import { echo } from "./echo-intent.ts";
import { percentile, round } from "./stats.ts";

async function withSlackServer<T>(databaseUrl: string | undefined, run: (post: (body: unknown) => Promise<void>, slack: FakeSlack) => Promise<T>): Promise<T> {
  const slack = await startFakeSlack();
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-")),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const app = await createApp(config, { log: createLogger("error"), extraIntents: [echo] });
  const server = await startServer(app, { port: 0 });
  const url = `http://127.0.0.1:${server.port}/slack/events`;
  const post = async (ev: unknown) => {
    const body = JSON.stringify(ev);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...sign(body) }, body });
    await res.arrayBuffer();
  };
  try {
    return await run(post, slack);
  } finally {
    await server.close();
    await app.close();
    await slack.close();
  }
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

export interface BurstFigures {
  db: string;
  n: number;
  real: { answers: number; apologies: number; p50_ms: number; p99_ms: number };
  echo: { answers: number; apologies: number; p50_ms: number; p99_ms: number };
}

/** `n` first contacts at once (each a new person of a new company), then `n` echo first contacts at once. */
export async function measureFirstContactBurst(n = 200, databaseUrl?: string): Promise<BurstFigures> {
  return withSlackServer(databaseUrl, async (post, slack) => {
    const burst = async (tag: string, text: (i: number) => string) => {
      const started = Date.now();
      await Promise.all(Array.from({ length: n }, (_, i) => post(dmEvent(text(i), { user: `U${tag}${i}`, team: `T${tag}${i}` }))));
      const channels = new Set(Array.from({ length: n }, (_, i) => `DU${tag}${i}`));
      const mine = () => slack.calls.filter((c) => c.method === "chat.postMessage" && channels.has(String(c.args.channel)));
      await until(() => mine().length >= n, 180_000);
      const posts = mine();
      const first = new Map<string, number>();
      for (const p of posts) if (!first.has(String(p.args.channel))) first.set(String(p.args.channel), p.at - started);
      const ms = [...first.values()];
      return {
        answers: first.size,
        apologies: posts.filter((p) => String(p.args.text).includes(APOLOGY.split("\n")[0])).length,
        p50_ms: round(percentile(ms, 50)),
        p99_ms: round(percentile(ms, 99)),
      };
    };
    const real = await burst("BR", () => "No.115");
    const base = await burst("BE", (i) => `echo ${i}`);
    return { db: databaseUrl ? "PostgreSQL" : "PGlite", n, real, echo: base };
  });
}

export interface ChannelFigures {
  n: number;
  delivered: number;
  duplicates: number;
  in_order: boolean;
  rate_limited_429: number;
  seconds: number;
}

/** `n` answers into one DM channel while the stand-in enforces 1 message/s per channel. */
export async function measureOneChannel(n = 30): Promise<ChannelFigures> {
  return withSlackServer(undefined, async (post, slack) => {
    slack.limitPerChannel("chat.postMessage", 1_000, 1);
    const started = performance.now();
    for (let i = 1; i <= n; i++) await post(dmEvent(`echo #${i}`, { user: "UCHANNEL" }));
    const mine = () => slack.accepted("chat.postMessage", "DUCHANNEL");
    await until(() => mine().length >= n, 30_000 + n * 3_000);
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 1_500)); // a copy would arrive within this
    const seen = mine().map((p) => Number(/#(\d+)/.exec(String(p.args.text))?.[1]));
    const distinct = new Set(seen);
    return {
      n,
      delivered: distinct.size,
      duplicates: seen.length - distinct.size,
      in_order: seen.every((v, i) => i === 0 || v > seen[i - 1]),
      rate_limited_429: slack.calls.filter((c) => c.method === "chat.postMessage:429").length,
      seconds: round(seconds, 1),
    };
  });
}

export interface CrashFigures {
  db: string;
  /** messages acknowledged before the kill, none of them answered yet */
  n: number;
  answered_before_kill: number;
  answered_after_restart: number;
  duplicates: number;
  /** from the new process's start to its "listening" line (the baseline), and to the last answer */
  restart_to_listening_s: number;
  restart_to_answered_s: number;
}

/**
 * `n` messages acknowledged by the real server (the person's profile lookup held up, so none is
 * answered yet), the process killed with SIGKILL, and a new one started on the same database.
 * On PostgreSQL the new process waits for the dead one's lease (INBOX_LEASE_SECONDS=5 here).
 */
export async function measureCrashAfterAck(n = 5, databaseUrl?: string): Promise<CrashFigures> {
  const slack = await startFakeSlack();
  const dataDir = mkdtempSync(join(tmpdir(), "jama-bench-crash-"));
  const start = () => startChildServer({ dataDir, slackUrl: slack.url, databaseUrl, leaseSeconds: 5, env: { NODE_ENV: "production" } });
  const users = Array.from({ length: n }, (_, i) => `UCRASH${i}`);
  const mine = () => slack.calls.filter((c) => c.method === "chat.postMessage" && users.some((u) => c.args.channel === `D${u}`));
  try {
    const first = await start();
    slack.delay("users.info", 120_000);
    for (const user of users) {
      const body = JSON.stringify(dmEvent("No.115", { user }));
      const res = await fetch(`http://127.0.0.1:${first.port}/slack/events`, { method: "POST", headers: { "content-type": "application/json", ...sign(body) }, body });
      await res.arrayBuffer();
    }
    await until(() => users.every((u) => slack.calls.some((c) => c.method === "users.info:arrived" && c.args.user === u)), 30_000);
    first.child.kill("SIGKILL");
    await first.exited;
    slack.delay("users.info", 0);
    const before = mine().length;
    const second = await start();
    await until(() => new Set(mine().map((c) => c.args.channel)).size >= n, 120_000);
    const answeredAt = (performance.now() - second.started) / 1000;
    await new Promise((r) => setTimeout(r, 2_000)); // a copy would arrive within this
    const posts = mine();
    const distinct = new Set(posts.map((c) => c.args.channel)).size;
    second.child.kill("SIGTERM");
    await Promise.race([second.exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (second.child.exitCode === null) second.child.kill("SIGKILL");
    return {
      db: databaseUrl ? "PostgreSQL" : "PGlite",
      n,
      answered_before_kill: before,
      answered_after_restart: distinct,
      duplicates: posts.length - distinct,
      restart_to_listening_s: round(second.listening_s, 1),
      restart_to_answered_s: round(answeredAt, 1),
    };
  } finally {
    await slack.close();
  }
}
