// Start-up time to ready and resident memory of the real service, as an operator runs it:
// `npm start` in a child process with Slack configured, until GET /healthz answers; the memory is
// that of every process it took (npm, the shell, tsx's launcher, node), on the first start (a new
// database) and on a later one.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
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

/** Resident memory of a process and all its descendants (Linux /proc). */
function treeRssMb(root: number): number {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, i = 0; p > 1 && i < 64; p = parent.get(p) ?? 0, i++) if (p === root) return true;
    return false;
  };
  let kb = 0;
  for (const pid of parent.keys())
    if (inTree(pid))
      try {
        kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      } catch {
        /* gone */
      }
  return round(kb / 1024, 1);
}

/** The live process holding DATA_DIR's embedded database, if any. */
function holder(dataDir: string): number | undefined {
  try {
    const pid = Number(JSON.parse(readFileSync(join(dataDir, "pglite.lock"), "utf8")).pid);
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export interface StartupFigures {
  ready_ms: number;
  /** a second start on the same data directory: the migrations are already applied */
  ready_warm_ms: number;
  /** all processes of `npm start`, after the first start and after a later one */
  rss_first_mb: number;
  rss_mb: number;
  /** CPU time the service's process used until ready, first / later start */
  cpu_first_ms: number;
  cpu_ms: number;
  /** the service's own process (the node that runs it), without npm and the shell */
  service_rss_first_mb: number;
  service_rss_mb: number;
  /** `printf 'No.1\n' | npm start --silent` until it exits, on a new and on an existing DATA_DIR (PGlite only) */
  chat_no1_new_ms?: number;
  chat_no1_ms?: number;
  /** the floor: `node -e 0` started and ended */
  node_alone_ms: number;
}

/** The resident memory of one process (Linux /proc), MB. */
function processRssMb(pid: number): number {
  try {
    return round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024, 1);
  } catch {
    return 0;
  }
}

/** `printf 'No.1\n' | npm start --silent` as the README shows it, on the terminal chat: ms until it exits. */
async function chatNo1(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn("sh", ["-c", "printf 'No.1\\n' | npm start --silent"], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  const ms = performance.now() - started;
  if (code !== 0 || !out.includes("No.1")) throw new Error(`the piped chat failed (exit ${code}): ${out.slice(0, 200)}`);
  return round(ms);
}

async function nodeAlone(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  await new Promise((r) => child.on("exit", r));
  return round(performance.now() - started);
}

/** CPU time (user + system) a process has used so far, ms (Linux /proc; clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10; // utime, stime
  } catch {
    return 0;
  }
}

/** The service's own process: the one holding DATA_DIR's lock, or (PostgreSQL) the largest node process in the tree. */
function servicePid(rootPid: number, dataDir: string): number | undefined {
  const h = holder(dataDir);
  if (h) return h;
  let best: { pid: number; rss: number } | undefined;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (!stat.includes("(node)")) continue;
      // in the tree: a parent chain up to rootPid
      let p = Number(d);
      for (let i = 0; i < 16 && p > 1 && p !== rootPid; i++) {
        const s = readFileSync(`/proc/${p}/stat`, "utf8");
        p = Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]);
      }
      const rss = processRssMb(Number(d));
      if (p === rootPid && (!best || rss > best.rss)) best = { pid: Number(d), rss };
    } catch {
      /* gone */
    }
  }
  return best?.pid;
}

async function startOnce(dataDir: string, databaseUrl?: string): Promise<{ ms: number; rss: number; serviceRss: number; cpuMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: root,
    detached: true, // its own process group, stopped as a whole
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
    const service = servicePid(child.pid!, dataDir);
    // the CPU the service used to get ready: on a busy machine a truer figure than the wall clock
    const cpuMs = service ? processCpuMs(service) : 0;
    // memory once the service has settled: the search index is built a second after ready
    await new Promise((r) => setTimeout(r, 2500));
    return { ms, rss: treeRssMb(child.pid!), serviceRss: service ? processRssMb(service) : 0, cpuMs };
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
    await exited;
    // the service itself (npm's grandchild) may still be closing: wait until it let DATA_DIR go
    for (let i = 0; i < 200 && holder(dataDir); i++) await new Promise((r) => setTimeout(r, 50));
  }
}

/** With `databaseUrl` (an empty database), on PostgreSQL; otherwise on the embedded PGlite. */
export async function measureStartup(databaseUrl?: string): Promise<StartupFigures> {
  // what `npm install` built, brought up to date first, so that no start below includes a build
  const build = spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("the build failed");
  const dataDir = mkdtempSync(join(tmpdir(), "jama-bench-start-"));
  const cold = await startOnce(dataDir, databaseUrl);
  const warm = await startOnce(dataDir, databaseUrl);
  const figures: StartupFigures = {
    ready_ms: round(cold.ms),
    ready_warm_ms: round(warm.ms),
    rss_first_mb: cold.rss,
    rss_mb: warm.rss,
    cpu_first_ms: cold.cpuMs,
    cpu_ms: warm.cpuMs,
    service_rss_first_mb: cold.serviceRss,
    service_rss_mb: warm.serviceRss,
    node_alone_ms: await nodeAlone(),
  };
  if (!databaseUrl) {
    const chatDir = mkdtempSync(join(tmpdir(), "jama-bench-chat-"));
    figures.chat_no1_new_ms = await chatNo1(chatDir);
    figures.chat_no1_ms = await chatNo1(chatDir);
  }
  return figures;
}
