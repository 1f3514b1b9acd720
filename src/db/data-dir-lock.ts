// One process per embedded database. PGlite runs PostgreSQL inside this process, with no server to
// arbitrate: two processes opening one DATA_DIR overwrite each other's files and can break the
// database for good. So whoever opens DATA_DIR/pglite first writes DATA_DIR/pglite.lock (atomically:
// a hard link that fails when the file exists), keeps it fresh while it runs and removes it on exit.
// A second process is refused at once and told who holds it; a lock left behind by a crash (its
// process is gone, or it has not been refreshed for a minute on another machine) is taken over.
import { closeSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync, accessSync, constants } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";

export const LOCK_FILE = "pglite.lock";
/** how often the holder refreshes the lock's time; a lock older than STALE_MS on another host is stale */
const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;

/** DATA_DIR cannot be used: unwritable, not a directory, or held by another process. */
export class DataDirError extends Error {
  override name = "DataDirError";
}

interface LockInfo {
  pid: number;
  host: string;
  /** the process's start time in clock ticks since boot (Linux), to tell a reused pid apart */
  startTicks?: string;
  command: string;
  since: string;
}

export interface DataDirLock {
  path: string;
  release(): void;
}

/**
 * Makes DATA_DIR (without following a path that loops or cannot exist) and checks it is a writable
 * directory. Throws DataDirError naming the directory, within milliseconds.
 */
export function prepareDataDir(dataDir: string): void {
  const problem = (ja: string, en: string) =>
    new DataDirError(
      `DATA_DIR ${dataDir} を使えません (${ja})。書き込みできるディレクトリを DATA_DIR に指定してください。\n` +
        `DATA_DIR ${dataDir} cannot be used: ${en}. Set DATA_DIR to a writable directory.`,
    );
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);
  let st;
  try {
    st = statSync(dataDir);
  } catch {
    // create it one level at a time: a recursive mkdir can spin on special file systems (/proc)
    const missing: string[] = [];
    let p = dataDir;
    for (let i = 0; i < 64; i++) {
      try {
        statSync(p);
        break;
      } catch {
        missing.unshift(p);
        const parent = dirname(p);
        if (parent === p) break;
        p = parent;
      }
    }
    for (const dir of missing) {
      try {
        mkdirSync(dir);
      } catch (e) {
        throw problem(`${dir} を作成できません: ${code(e)}`, `cannot create ${dir} (${code(e)})`);
      }
    }
    st = statSync(dataDir);
  }
  if (!st.isDirectory()) throw problem("ディレクトリではありません", "not a directory");
  try {
    accessSync(dataDir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw problem(`書き込みできません: ${code(e)}`, `not writable (${code(e)})`);
  }
}

/** The start time of a process in ticks since boot, where /proc tells it (Linux). */
function startTicksOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces and parentheses; fields after the last ')'
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function alive(info: LockInfo): boolean {
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false; // ESRCH: no such process
  }
  // the pid exists; after a crash and a reboot it may belong to someone else
  const ticks = startTicksOf(info.pid);
  return !(info.startTicks && ticks && ticks !== info.startTicks);
}

function readLock(path: string): { info: LockInfo | undefined; raw: string; mtimeMs: number } | undefined {
  try {
    const raw = readFileSync(path, "utf8");
    const mtimeMs = statSync(path).mtimeMs;
    try {
      return { info: JSON.parse(raw) as LockInfo, raw, mtimeMs };
    } catch {
      return { info: undefined, raw, mtimeMs }; // torn or foreign content: judged by its age alone
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

function isStale(lock: { info: LockInfo | undefined; mtimeMs: number }): boolean {
  const old = Date.now() - lock.mtimeMs > STALE_MS;
  if (!lock.info) return old;
  if (lock.info.host === hostname()) return !alive(lock.info);
  return old; // another machine sharing the directory: only its heartbeat tells
}

function heldMessage(dataDir: string, info: LockInfo | undefined, path: string): string {
  const who = info
    ? `pid ${info.pid}${info.host === hostname() ? "" : ` on ${info.host}`}, ${info.command}, since ${info.since}`
    : `see ${path}`;
  const mine = info?.pid === process.pid && info.host === hostname();
  return (
    `DATA_DIR ${dataDir} の組み込みデータベースは${mine ? "このプロセス内で" : "別のプロセスが"}使用中です (${who})。` +
    `組み込みデータベース (PGlite) を開けるのは1つのプロセスだけです。そのプロセスを終了してから起動するか、` +
    `複数のプロセスで動かすには DATABASE_URL で PostgreSQL を指定してください。\n` +
    `The embedded database in DATA_DIR ${dataDir} is in use by ${mine ? "this same process" : "another process"} (${who}). ` +
    `Only one process can open the embedded database (PGlite): stop that process first, ` +
    `or use PostgreSQL (DATABASE_URL) to run several processes.`
  );
}

/**
 * Takes DATA_DIR's lock for this process, or throws DataDirError at once when a live process holds
 * it. A stale lock (its process is gone) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  prepareDataDir(dataDir);
  const path = join(dataDir, LOCK_FILE);
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startTicks: startTicksOf(process.pid),
    command: process.argv.slice(1).map((a) => a.replace(/^.*\/(src|scripts|bench|test)\//, "$1/")).join(" ").slice(0, 200) || "node",
    since: new Date().toISOString(),
  };
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, JSON.stringify(info));
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, path); // atomic: fails with EEXIST when someone holds the lock
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const held = readLock(path);
      if (!held) continue; // released between our two steps: try again
      if (attempt > 3 || !isStale(held)) throw new DataDirError(heldMessage(dataDir, held.info, path));
      // Take the stale lock over: move it aside, then check what we moved is the stale one (another
      // process may have taken it over in between; then its fresh lock goes back).
      const aside = `${path}.stale.${process.pid}`;
      try {
        renameSync(path, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw e;
      }
      const moved = readFileSync(aside, "utf8");
      if (moved !== held.raw) {
        try {
          linkSync(aside, path);
        } catch {
          /* someone else holds it now; we are refused below */
        }
        unlinkSync(aside);
        const now = readLock(path);
        throw new DataDirError(heldMessage(dataDir, now?.info ?? (JSON.parse(moved) as LockInfo), path));
      }
      unlinkSync(aside);
    }
  } catch (e) {
    if (e instanceof DataDirError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new DataDirError(`DATA_DIR ${dataDir} にロックファイルを作れません (${code})。\nCannot create the lock file in DATA_DIR ${dataDir} (${code}).`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }

  // keep the lock fresh for holders on other machines that share the directory
  const heartbeat = setInterval(() => {
    try {
      const t = new Date();
      utimesSync(path, t, t);
    } catch {
      /* removed under us: nothing to refresh */
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const release = () => {
    clearInterval(heartbeat);
    process.off("exit", release);
    try {
      // only our own lock: never one a later process took over
      if (lstatSync(path).isFile() && readLock(path)?.info?.pid === process.pid) unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  process.on("exit", release);
  return { path, release };
}
