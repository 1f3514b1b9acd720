// The real server (src/main.ts, as `npm start` runs it) as a child process talking to the local
// Slack Web API stand-in, for what only a separate process shows: a kill -9 after the
// acknowledgement. Used by test/e2e/inbox-crash.test.ts and bench/delivery.ts.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { BOT_TOKEN, SIGNING_SECRET } from "./slack.ts";
import { until } from "./wait.ts";

const root = new URL("../../", import.meta.url).pathname;

export interface ChildServerOptions {
  /** DATA_DIR (the embedded database lives there when no databaseUrl is given) */
  dataDir: string;
  /** the Slack Web API stand-in (FakeSlack.url) */
  slackUrl: string;
  databaseUrl?: string;
  /** INBOX_LEASE_SECONDS: how soon another process may take what a dead one held */
  leaseSeconds: number;
  /** anything else (NODE_ENV, ...) */
  env?: Record<string, string>;
}

export interface ChildServer {
  child: ChildProcessWithoutNullStreams;
  /** everything it logged so far (stdout and stderr) */
  out: { text: string };
  port: number;
  exited: Promise<unknown>;
  /** performance.now() at its start, and the seconds it took to listen */
  started: number;
  listening_s: number;
}

/** The child's environment: nothing of this process's but PATH, HOME and the clock. */
export function childServerEnv(o: ChildServerOptions): Record<string, string> {
  const pass = (k: string) => k === "PATH" || k === "HOME" || k === "LD_PRELOAD" || k.startsWith("FAKETIME");
  return {
    // the same clock as this process (the suite's later-date run under faketime)
    ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && pass(e[0]))),
    DATA_DIR: o.dataDir,
    PORT: "0",
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: o.slackUrl,
    INBOX_LEASE_SECONDS: String(o.leaseSeconds),
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...o.env,
  };
}

/** Starts the server and waits for its "listening" line; throws with its output when it does not start. */
export async function startChildServer(o: ChildServerOptions, timeoutMs = 180_000): Promise<ChildServer> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: root, env: childServerEnv(o) }) as ChildProcessWithoutNullStreams;
  const out = { text: "" };
  child.stdout.on("data", (d) => (out.text += d.toString()));
  child.stderr.on("data", (d) => (out.text += d.toString()));
  const exited = new Promise((r) => child.on("exit", r));
  await until(() => /"msg":"listening"/.test(out.text) || child.exitCode !== null, "the server listens", timeoutMs);
  const port = Number(/"msg":"listening"[^\n]*"port":(\d+)/.exec(out.text)?.[1] ?? /"port":(\d+)[^\n]*"msg":"listening"/.exec(out.text)?.[1]);
  if (!port) {
    child.kill("SIGKILL");
    throw new Error(`the server did not start: ${out.text.slice(-2000)}`);
  }
  return { child, out, port, exited, started, listening_s: (performance.now() - started) / 1000 };
}
