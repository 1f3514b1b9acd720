// The YAML data files under knowledge/, read through a cache of their parsed form: parsing the
// ~540 KB of YAML is a third of a start (~0.3-0.6 s), reading the same data as JSON ~5 ms. The
// build (scripts/build.mjs, run by `npm install` and by `npm start` when the sources changed)
// writes dist/yaml-cache.json; a file is taken from it only while its size and modification time
// are those recorded, so an edited file is always parsed again. Without the cache (no build, as
// under tsx and vitest) every file is parsed.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { join, relative, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT, projectPath } from "../project-root.ts";

export const YAML_CACHE_FILE = projectPath("dist/yaml-cache.json");

interface CacheEntry {
  size: number;
  mtimeMs: number;
  /** the parsed file as JSON text, parsed again on each read so that no two readers share objects */
  json: string;
}
type Cache = Record<string, CacheEntry>;

const loaded = new Map<string, Cache | null>();

function cacheAt(file: string): Cache | null {
  if (!loaded.has(file)) {
    let cache: Cache | null = null;
    try {
      cache = JSON.parse(readFileSync(file, "utf8")) as Cache;
    } catch {
      /* no build, or an unreadable cache: parse the files */
    }
    loaded.set(file, cache);
  }
  return loaded.get(file)!;
}

/** The key of a file: its path inside the project, "/"-separated; undefined outside it. */
function keyOf(path: string, root: string): string | undefined {
  const rel = relative(root, path);
  return rel.startsWith("..") || rel === "" ? undefined : rel.split(sep).join("/");
}

/** A YAML file's content, parsed (throws on a file that cannot be read or parsed, as yaml's parse does). */
export function readYamlFile(path: string, opts: { cacheFile?: string; root?: string } = {}): unknown {
  const root = opts.root ?? PROJECT_ROOT;
  const key = keyOf(path, root);
  const entry = key ? cacheAt(opts.cacheFile ?? YAML_CACHE_FILE)?.[key] : undefined;
  if (entry) {
    try {
      const s = statSync(path);
      if (s.size === entry.size && s.mtimeMs === entry.mtimeMs) return JSON.parse(entry.json);
    } catch {
      /* gone: read below, which reports it */
    }
  }
  return parseYaml(readFileSync(path, "utf8"));
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * Writes the cache of every YAML file under `dir` (knowledge/ by default) that parses and whose
 * parsed form JSON keeps exactly (no dates or other values JSON would change); returns how many.
 */
export function writeYamlCache(opts: { dir?: string; cacheFile?: string; root?: string } = {}): number {
  const root = opts.root ?? PROJECT_ROOT;
  const cache: Cache = {};
  for (const file of yamlFiles(opts.dir ?? projectPath("knowledge"))) {
    const key = keyOf(file, root);
    if (!key) continue;
    try {
      const before = statSync(file);
      const data: unknown = parseYaml(readFileSync(file, "utf8"));
      const json = JSON.stringify(data);
      const after = statSync(file);
      // a file changed while it was read is left out (read from the file next time)
      if (json === undefined || before.mtimeMs !== after.mtimeMs || before.size !== after.size) continue;
      if (!isDeepStrictEqual(JSON.parse(json), data)) continue;
      cache[key] = { size: after.size, mtimeMs: after.mtimeMs, json };
    } catch {
      /* not valid YAML: left to the loader, which reports it */
    }
  }
  const file = opts.cacheFile ?? YAML_CACHE_FILE;
  writeFileSync(file, JSON.stringify(cache));
  loaded.delete(file);
  return Object.keys(cache).length;
}
