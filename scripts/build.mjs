// What `npm start` runs, made under dist/ from the sources, in three parts:
// - code: src/ and intents/ bundled into a few JavaScript files by esbuild (scripts/bundle.mjs);
// - knowledge: the knowledge/ YAML files parsed once into dist/yaml-cache.json
//   (src/knowledge/yaml-file.ts);
// - template: the migrated database new embedded databases start from, dist/pglite-template/
//   (src/db/pglite-template.ts).
// `npm install` builds (postinstall); `npm start` (scripts/start.mjs) builds first what is not
// fresh, so a stale build is never run.
//
// Fresh means: the part's inputs (path, size, modification time of each file) are those it was
// last built from, as dist/build-stamp.json records. Code: every TypeScript file under src/ and
// intents/, the tsconfig files and the bundler's settings (scripts/bundle.mjs). Knowledge: the
// YAML files under knowledge/. Template:
// prisma/migrations and the installed PGlite. A build is one process at a time
// (dist/.build.lock); a second one waits and then finds the build fresh.
//
// Plain JavaScript, so that it runs with node alone. `node scripts/build.mjs` builds what is
// stale; `--force` everything, from nothing.
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
const STAMP = "dist/build-stamp.json";
const LOCK = "dist/.build.lock";

function filesUnder(root, dir, pattern) {
  const out = [];
  const walk = (rel) => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(rel, e.name);
      if (e.isDirectory()) walk(p);
      else if (pattern.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The installed PGlite's package.json (its exports map does not expose it to resolve()). */
function pglitePackageJson(root) {
  try {
    const main = createRequire(join(root, "package.json")).resolve("@electric-sql/pglite");
    for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, "package.json")) && JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name === "@electric-sql/pglite") return join(dir, "package.json");
  } catch {
    /* not installed */
  }
  return undefined;
}

/** Each part's input files (paths from the project root, or absolute). */
const INPUTS = {
  code: (root) => ["src", "intents"].flatMap((d) => filesUnder(root, d, /\.tsx?$/)).concat(["tsconfig.json", "tsconfig.build.json", "scripts/bundle.mjs"]),
  knowledge: (root) => filesUnder(root, "knowledge", /\.ya?ml$/),
  template: (root) => filesUnder(root, "prisma/migrations", /./).concat([pglitePackageJson(root) ?? "(no pglite)"]),
};
export const PARTS = Object.keys(INPUTS);

/** A hash of a part's input files' paths, sizes and modification times (a missing file counts as missing). */
export function fingerprint(part, root = ROOT) {
  const files = INPUTS[part](root).sort();
  const h = createHash("sha256");
  for (const f of files) {
    let s;
    try {
      s = statSync(resolve(root, f));
    } catch {
      h.update(`${f}\0missing\n`);
      continue;
    }
    h.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest("hex");
}

function readStamp(root) {
  try {
    return JSON.parse(readFileSync(join(root, STAMP), "utf8"));
  } catch {
    return {};
  }
}

/** The parts of dist/ that were not built from their inputs as they are now. */
export function staleParts(root = ROOT) {
  const stamp = readStamp(root);
  return PARTS.filter((p) => stamp[p] !== fingerprint(p, root));
}

/** Whether every part of dist/ was built from its inputs as they are now. */
export function isFresh(root = ROOT) {
  return staleParts(root).length === 0;
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

const importDist = (root, file) => import(pathToFileURL(join(root, "dist", file)).href);

/** How each part is built; true when it succeeded. Tests give their own. */
export const BUILDERS = {
  code: async (root) => (await import("./bundle.mjs")).bundle(root),
  knowledge: async (root) => {
    (await importDist(root, "src/knowledge/yaml-file.js")).writeYamlCache();
    // the knowledge base validated, for starts that find its files unchanged (false: it has problems, which a start reports)
    (await importDist(root, "src/knowledge/load.js")).writeValidatedCache();
    return true;
  },
  template: async (root) => {
    await (await importDist(root, "src/db/client.js")).writePgliteTemplate();
    return true;
  },
};

const MESSAGES = {
  code: "bundling the TypeScript sources",
  knowledge: "reading knowledge/ into its cache",
  template: "making the template for new embedded databases (PGlite initialises and migrates it once)",
};

/**
 * Builds the parts of dist/ that are not fresh (all of them, from nothing, with force); the code
 * first, since the others run it, and the knowledge cache again whenever the code was rebuilt.
 * Returns "fresh" or "built". A failed compile throws; the knowledge cache and the template only
 * make starts faster, so when they fail the build says so and goes on (retried once their inputs
 * change).
 */
export async function ensureBuilt({ root = ROOT, force = false, quiet = false, builders = BUILDERS } = {}) {
  if (!force && isFresh(root)) return "fresh";
  return withBuildLock(root, async () => {
    // another process may have built while this one waited
    const stale = force ? [...PARTS] : staleParts(root);
    if (stale.length === 0) return "fresh";
    if (stale.includes("code") && !stale.includes("knowledge")) stale.push("knowledge");
    // --force starts from nothing (the compiler's incremental state included)
    if (force) for (const f of readdirSync(join(root, "dist"))) f !== ".build.lock" && rmSync(join(root, "dist", f), { recursive: true, force: true });
    const stamp = force ? {} : readStamp(root);
    const save = () => writeFileSync(join(root, STAMP), JSON.stringify(stamp, null, 2) + "\n");
    for (const part of PARTS.filter((p) => stale.includes(p))) {
      const inputs = fingerprint(part, root); // before building: an edit made meanwhile leaves it stale
      if (!quiet) process.stderr.write(`Building dist/: ${MESSAGES[part]}…\n`);
      delete stamp[part];
      save();
      let ok;
      try {
        ok = await builders[part](root);
      } catch (e) {
        if (!quiet || part === "code") process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
        ok = false;
      }
      if (!ok && part === "code") throw new Error("the code build failed (esbuild's errors above); fix them, or run the sources directly with `npm run dev`");
      if (!ok && !quiet) process.stderr.write(`Building dist/: ${part} failed (above); starts work without it, only slower\n`);
      stamp[part] = inputs;
      save();
    }
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
