// The compiled build that `npm start` runs: TypeScript's compiler turns src/ and intents/ into
// JavaScript under dist/ (tsconfig.build.json; `.ts` import specifiers are rewritten to `.js`).
// `npm install` builds (postinstall); `npm start` (scripts/start.mjs) builds again first when the
// sources are not the ones dist/ was built from, so a stale build is never run.
//
// Fresh means: the same TypeScript files (path, size, modification time) under src/ and
// intents/, and the same tsconfig files, as when dist/ was last built successfully; this is
// recorded in dist/build-stamp.json. A build is one process at a time (dist/.build.lock); a
// second one waits and then finds the build fresh.
//
// Plain JavaScript, so that it runs with node alone. `node scripts/build.mjs` builds when stale;
// `--force` always.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SOURCE_DIRS = ["src", "intents"];
const CONFIG_FILES = ["tsconfig.json", "tsconfig.build.json"];
const STAMP = "dist/build-stamp.json";
const LOCK = "dist/.build.lock";

function sourceFiles(root, dir, out) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(root, rel, out);
    else if (/\.tsx?$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** What dist/ must have been built from: a hash of every source and config file's path, size and mtime. */
export function sourceFingerprint(root = ROOT) {
  const files = SOURCE_DIRS.flatMap((d) => sourceFiles(root, d, [])).concat(CONFIG_FILES.filter((f) => existsSync(join(root, f))));
  files.sort();
  const h = createHash("sha256");
  for (const f of files) {
    const s = statSync(join(root, f));
    h.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest("hex");
}

/** Whether dist/ holds a successful build of the sources as they are now. */
export function isFresh(root = ROOT) {
  try {
    return JSON.parse(readFileSync(join(root, STAMP), "utf8")).sources === sourceFingerprint(root);
  } catch {
    return false;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

/** Takes dist/.build.lock, waiting while a live process holds it; a dead holder's lock is taken over. */
async function withBuildLock(root, fn) {
  const path = join(root, LOCK);
  mkdirSync(dirname(path), { recursive: true });
  for (let waited = 0; ; ) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      const holder = Number(readFileSync(path, "utf8") || 0);
      // a lock with no pid yet is being written; one whose process is gone is left over from a crash
      if (holder && !alive(holder)) {
        rmSync(path, { force: true });
        continue;
      }
      if (waited === 0) process.stderr.write(`Waiting for another build of dist/ (process ${holder || "?"})…\n`);
      if (waited > 300_000) throw new Error(`${path} has been held by process ${holder} for 5 minutes`);
      await new Promise((r) => setTimeout(r, 200));
      waited += 200;
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

/**
 * Runs TypeScript's compiler for tsconfig.build.json, then writes the parsed knowledge/ YAML
 * files' cache (dist/yaml-cache.json, src/knowledge/yaml-file.ts); true when it succeeded.
 */
async function compile(root) {
  const require = createRequire(join(root, "package.json"));
  const tsc = require.resolve("typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) return false;
  const { writeYamlCache } = await import(pathToFileURL(join(root, "dist/src/knowledge/yaml-file.js")).href);
  writeYamlCache();
  return true;
}

/**
 * Builds dist/ unless it is fresh (or always, with force). `compileFn` is the compiler (tests
 * give their own). Returns "fresh" or "built"; throws when the build failed.
 */
export async function ensureBuilt({ root = ROOT, force = false, quiet = false, compileFn = compile } = {}) {
  if (!force && isFresh(root)) return "fresh";
  return withBuildLock(root, async () => {
    // another process may have built while this one waited
    if (!force && isFresh(root)) return "fresh";
    const sources = sourceFingerprint(root); // before compiling: an edit made meanwhile leaves the build stale
    if (!quiet) process.stderr.write(`Building dist/ from the TypeScript sources (${existsSync(join(root, STAMP)) ? "they changed since the last build" : "no build yet"})…\n`);
    // --force starts from nothing (the compiler's incremental state included)
    if (force) for (const f of readdirSync(join(root, "dist"))) f !== ".build.lock" && rmSync(join(root, "dist", f), { recursive: true, force: true });
    else rmSync(join(root, STAMP), { force: true });
    if (!(await compileFn(root))) throw new Error("the TypeScript build failed (errors above); fix them, or run the sources directly with `npm run dev`");
    writeFileSync(join(root, STAMP), JSON.stringify({ sources }) + "\n");
    return "built";
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureBuilt({ force: process.argv.includes("--force") }).then(
    (r) => {
      if (r === "fresh" && process.argv.includes("--verbose")) process.stderr.write("dist/ is up to date\n");
    },
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
      process.exit(1);
    },
  );
}
