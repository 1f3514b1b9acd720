// Start-up time to ready and resident memory of the real service, as an operator runs it:
// `tsx src/main.ts` in a child process with Slack configured, until GET /healthz answers.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { round } from "./stats.ts";

const root = new URL("../", import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  // the node process under tsx's launcher: read its own /proc status
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kb / 1024, 1);
}

export interface StartupFigures {
  ready_ms: number;
  /** a second start on the same data directory: the migrations are already applied */
  ready_warm_ms: number;
  rss_mb: number;
}

async function startOnce(dataDir: string, databaseUrl?: string): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      LOG_LEVEL: "error",
      PORT: String(port),
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: "xoxb-bench",
      SLACK_SIGNING_SECRET: "bench-secret",
      SLACK_API_URL: "http://127.0.0.1:9/api/",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
      if (performance.now() - started > 60_000) throw new Error("the service did not become ready in 60 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 500));
    return { ms, rss: rssMb(child.pid!) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

/** With `databaseUrl` (an empty database), on PostgreSQL; otherwise on the embedded PGlite. */
export async function measureStartup(databaseUrl?: string): Promise<StartupFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), "jama-bench-start-"));
  const cold = await startOnce(dataDir, databaseUrl);
  const warm = await startOnce(dataDir, databaseUrl);
  return { ready_ms: round(cold.ms), ready_warm_ms: round(warm.ms), rss_mb: warm.rss };
}
