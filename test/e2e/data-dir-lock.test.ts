// One process per embedded database (issue 12): the terminal chat started as a user starts it, a
// second one on the same DATA_DIR, a crashed one, and DATA_DIRs that cannot be used.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataDirError, LOCK_FILE, lockDataDir } from "../../src/db/data-dir-lock.ts";

const root = new URL("../../", import.meta.url).pathname;
const tsx = join(root, "node_modules/.bin/tsx");
// `node --import tsx` rather than the tsx launcher: one process, whose pid is the one holding the lock
const node = [process.execPath, "--import", "tsx", "src/main.ts"] as const;
const env = (dataDir: string) => ({ PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir });

function runChat(dataDir: string, input: string) {
  return spawnSync(node[0], node.slice(1), { cwd: root, input, encoding: "utf8", timeout: 120_000, env: env(dataDir) });
}

/** A terminal chat left open (its stdin stays open), and what it has printed so far. */
function openChat(dataDir: string) {
  const child = spawn(node[0], node.slice(1), { cwd: root, env: env(dataDir) }) as ChildProcessWithoutNullStreams;
  const out = { text: "" };
  child.stdout.on("data", (d) => (out.text += d.toString()));
  child.stderr.on("data", (d) => (out.text += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  return { child, out, exited };
}

async function until(check: () => boolean, what: string, ms = 90_000) {
  for (let t = 0; t < ms && !check(); t += 100) await new Promise((r) => setTimeout(r, 100));
  expect(check(), what).toBe(true);
}

/** The chat has opened its database: it answers. */
async function ready(chat: ReturnType<typeof openChat>) {
  chat.child.stdin.write("No.1\n");
  await until(() => chat.out.text.includes("No.1"), "the first chat answers");
}

describe("one process per embedded database (DATA_DIR)", () => {
  it("refuses a second process at once, naming the one that holds it and PostgreSQL; the first keeps working", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-lock-"));
    const first = openChat(dataDir);
    try {
      await ready(first);
      const second = runChat(dataDir, "No.2は達成\n");
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`pid ${first.child.pid}`);
      expect(second.stderr).toContain(dataDir);
      expect(second.stderr).toContain("別のプロセスが使用中");
      expect(second.stderr).toContain("PostgreSQL (DATABASE_URL)");
      expect(second.stdout).not.toContain("No.2"); // it answered nothing and recorded nothing
      // the first is untouched by the attempt
      first.child.stdin.write("No.3は達成\n");
      await until(() => /No\.3[\s\S]*(達成|記録)/.test(first.out.text), "the first chat still records");
      first.child.stdin.end();
      expect((await first.exited).code).toBe(0);
    } finally {
      first.child.kill("SIGKILL");
    }
    // released on exit: the next process opens it and sees the first one's answer
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    const after = runChat(dataDir, "No.3の履歴\n");
    expect(after.status).toBe(0);
    expect(after.stdout).toContain("達成");
  }, 240_000);

  it("takes over the lock a crashed process left behind", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-lock-crash-"));
    const first = openChat(dataDir);
    await ready(first);
    first.child.kill("SIGKILL"); // a crash: no chance to remove its lock
    await first.exited;
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8")).pid).toBe(first.child.pid);
    const next = runChat(dataDir, "No.115\n");
    expect(next.stderr).toBe("");
    expect(next.status).toBe(0);
    expect(next.stdout).toContain("No.115");
  }, 240_000);

  it("fails at once with a message naming a DATA_DIR it cannot use", () => {
    const file = join(mkdtempSync(join(tmpdir(), "jama-lock-file-")), "a-file");
    writeFileSync(file, "");
    for (const [dataDir, why] of [
      ["/proc/nope", "cannot create /proc/nope"],
      [file, "not a directory"],
      [join(file, "below"), "cannot create"],
    ]) {
      const r = spawnSync(tsx, ["src/main.ts"], { cwd: root, input: "No.1\n", encoding: "utf8", timeout: 30_000, env: env(dataDir) });
      expect(r.error, dataDir).toBeUndefined(); // not killed by the timeout: it ended by itself
      expect(r.status, dataDir).toBe(1);
      expect(r.stderr).toContain(`DATA_DIR ${dataDir} を使えません`);
      expect(r.stderr).toContain(why);
      expect(r.stdout).toBe("");
    }
  });

  it("stops on SIGTERM while it is starting", async () => {
    const chat = openChat(mkdtempSync(join(tmpdir(), "jama-lock-term-")));
    await new Promise((r) => setTimeout(r, 1500));
    chat.child.kill("SIGTERM");
    const end = await Promise.race([chat.exited, new Promise<"still running">((r) => setTimeout(() => r("still running"), 30_000))]);
    chat.child.kill("SIGKILL");
    expect(end).not.toBe("still running");
  }, 60_000);
});

describe("the DATA_DIR lock itself", () => {
  const lockFile = (dataDir: string) => join(dataDir, LOCK_FILE);

  it("refuses a second open in the same process and frees the directory on release", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-lock-unit-"));
    const lock = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirError);
    expect(() => lockDataDir(dataDir)).toThrow(/this same process/);
    lock.release();
    expect(existsSync(lockFile(dataDir))).toBe(false);
    lockDataDir(dataDir).release();
  });

  it("tells a reused pid from the process that took the lock", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-lock-unit-"));
    // the pid is alive (ours) but started at another time: the holder is gone
    writeFileSync(lockFile(dataDir), JSON.stringify({ pid: process.pid, host: hostname(), startTicks: "1", command: "old", since: "" }));
    if (!existsSync(`/proc/${process.pid}/stat`)) return; // only Linux tells start times apart
    const lock = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lockFile(dataDir), "utf8")).command).not.toBe("old");
    lock.release();
  });

  it("judges a lock from another machine by its heartbeat", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-lock-unit-"));
    writeFileSync(lockFile(dataDir), JSON.stringify({ pid: 1, host: "elsewhere.example", command: "src/main.ts", since: "" }));
    // its heartbeat is "now" by the process clock (which a test run may set ahead of the file system's)
    utimesSync(lockFile(dataDir), new Date(), new Date());
    expect(() => lockDataDir(dataDir)).toThrow(/pid 1 on elsewhere\.example/); // fresh: held
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(lockFile(dataDir), old, old);
    const lock = lockDataDir(dataDir); // silent for minutes: taken over
    expect(JSON.parse(readFileSync(lockFile(dataDir), "utf8")).pid).toBe(process.pid);
    lock.release();
  });
});
