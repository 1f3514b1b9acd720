// Loads knowledge/ (and an optional official-wording overlay), validates it with zod and checks
// every cross-reference. Start-up and `npm run kb:check` both go through here, so a broken
// knowledge base never reaches users.
import { readdirSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, relative, sep } from "node:path";
import { readYamlFile } from "./yaml-file.ts";
import { z } from "zod";
import {
  Area,
  FaqEntry,
  GlossaryEntry,
  GuidelineMeta,
  ItemEntry,
  Source,
  type KnownItemEntry,
} from "./schema.ts";
import { projectPath } from "../project-root.ts";

export const KNOWLEDGE_DIR = projectPath("knowledge/");
export const CURRENT_VERSION = "2.3";

export class KnowledgeError extends Error {
  constructor(public readonly problems: string[]) {
    super(`The knowledge base has ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    this.name = "KnowledgeError";
  }
}

/** Official wording of one item, loaded from the deployment's copy of the check sheet. */
export interface OfficialText {
  requirement?: string;
  condition?: string;
  level?: 1 | 2 | 3;
  area?: string;
  sheet: string;
}

export interface RawKnowledge {
  meta: z.infer<typeof GuidelineMeta>;
  items: ItemEntry[];
  areas: z.infer<typeof Area>[];
  sources: z.infer<typeof Source>[];
  faq: z.infer<typeof FaqEntry>[];
  glossary: z.infer<typeof GlossaryEntry>[];
  official: Map<number, OfficialText>;
}

function readYaml(path: string, problems: string[]): unknown {
  try {
    return readYamlFile(path);
  } catch (e) {
    problems.push(`${path}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
    return undefined;
  }
}

function parseList<T>(schema: z.ZodType<T>, data: unknown, file: string, problems: string[]): T[] {
  if (!Array.isArray(data)) {
    problems.push(`${file}: expected a list`);
    return [];
  }
  const out: T[] = [];
  data.forEach((entry, i) => {
    const r = schema.safeParse(entry);
    if (r.success) out.push(r.data);
    else {
      const label = (entry as { no?: unknown; id?: unknown })?.no ?? (entry as { id?: unknown })?.id ?? `#${i + 1}`;
      for (const issue of r.error.issues) problems.push(`${file} [${String(label)}] ${issue.path.join(".")}: ${issue.message}`);
    }
  });
  return out;
}

const OfficialFile = z.object({
  sheet: z.string(),
  items: z.array(
    z.object({
      no: z.number().int(),
      requirement: z.string().optional(),
      condition: z.string().optional(),
      level: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
      area: z.string().optional(),
    }),
  ),
});

/** The files the knowledge base is read from, in the order they are read. */
function knowledgeFiles(dir: string): { guideline: string; items: string[]; areas: string; sources: string; faq: string; glossary: string } {
  const vdir = join(dir, "guideline", CURRENT_VERSION);
  const itemsDir = join(vdir, "items");
  const itemFiles = existsSync(itemsDir) ? readdirSync(itemsDir).filter((f) => f.endsWith(".yaml")).sort() : [];
  return {
    guideline: join(vdir, "guideline.yaml"),
    items: itemFiles.map((f) => join(itemsDir, f)),
    areas: join(vdir, "areas.yaml"),
    sources: join(dir, "sources.yaml"),
    faq: join(dir, "faq.yaml"),
    glossary: join(dir, "glossary.yaml"),
  };
}

/** Reads and validates everything; throws KnowledgeError listing every problem found. */
export function loadRawKnowledge(opts: { dir?: string; overlayFile?: string; cacheFile?: string } = {}): RawKnowledge {
  const dir = opts.dir ?? KNOWLEDGE_DIR;
  const cached = readValidatedCache(dir, opts.cacheFile ?? VALIDATED_CACHE_FILE);
  const { official, problems } = loadOverlay(opts.overlayFile);
  if (cached) {
    if (problems.length > 0) throw new KnowledgeError(problems);
    return { ...cached, official };
  }
  return { ...validateSources(dir, problems), official };
}

/** The deployment's official wording (KB_OVERLAY_FILE), validated at every start: it is not part of the build. */
function loadOverlay(overlayFile: string | undefined): { official: Map<number, OfficialText>; problems: string[] } {
  const problems: string[] = [];
  const official = new Map<number, OfficialText>();
  if (overlayFile && existsSync(overlayFile)) {
    const r = OfficialFile.safeParse(readYaml(overlayFile, problems));
    if (!r.success) problems.push(`${overlayFile}: ${r.error.issues.map((i) => i.message).join("; ")}`);
    else for (const it of r.data.items) official.set(it.no, { ...it, sheet: r.data.sheet });
  }
  return { official, problems };
}

/** knowledge/ read and validated from its files; `also` (the overlay's problems) are reported after its own. */
function validateSources(dir: string, also: string[]): Omit<RawKnowledge, "official"> {
  const files = knowledgeFiles(dir);
  const problems: string[] = [];

  const metaR = GuidelineMeta.safeParse(readYaml(files.guideline, problems));
  if (!metaR.success) for (const i of metaR.error.issues) problems.push(`guideline.yaml ${i.path.join(".")}: ${i.message}`);

  const items = files.items.flatMap((f) => parseList(ItemEntry, readYaml(f, problems), `items/${f.slice(f.lastIndexOf(sep) + 1)}`, problems));
  const areas = parseList(Area, readYaml(files.areas, problems), "areas.yaml", problems);
  const sources = parseList(Source, readYaml(files.sources, problems), "sources.yaml", problems);
  const faq = parseList(FaqEntry, readYaml(files.faq, problems), "faq.yaml", problems);
  const glossary = parseList(GlossaryEntry, readYaml(files.glossary, problems), "glossary.yaml", problems);

  const meta = metaR.success ? metaR.data : undefined;
  if (meta) checkReferences({ meta, items, areas, sources, faq, glossary }, problems);
  problems.push(...also);
  if (problems.length > 0 || !meta) throw new KnowledgeError(problems.length ? problems : ["guideline.yaml missing"]);
  return { meta, items, areas, sources, faq, glossary };
}

// The validated knowledge base, kept by the build (scripts/build.mjs, its knowledge part) in
// dist/knowledge-validated.json: validating ~150 items with zod and checking every reference took
// 50-100 ms of each start. It is used only when every file it was made from has the same content
// now (a SHA-256 of each, no file more or fewer), and only by the bundle that wrote it: the build
// gives each bundle an id (scripts/bundle.mjs), so a schema changed since is never trusted, and
// under tsx (npm run dev, the tests) there is no id and knowledge/ is always validated.
export const VALIDATED_CACHE_FILE = projectPath("dist/knowledge-validated.json");

declare const __JAMA_BUILD_ID__: string | undefined;
const BUILD_ID = typeof __JAMA_BUILD_ID__ === "string" ? __JAMA_BUILD_ID__ : undefined;

interface ValidatedCache {
  build: string;
  /** each source file (relative to the knowledge directory, "/"-separated) and the SHA-256 of its content */
  files: Record<string, string>;
  knowledge: Omit<RawKnowledge, "official">;
}

/** The content hash of each file the knowledge base is read from (a missing file: "missing"). */
function sourceHashes(dir: string): Record<string, string> {
  const f = knowledgeFiles(dir);
  const out: Record<string, string> = {};
  for (const path of [f.guideline, ...f.items, f.areas, f.sources, f.faq, f.glossary]) {
    let hash = "missing";
    try {
      hash = createHash("sha256").update(readFileSync(path)).digest("hex");
    } catch {
      /* missing or unreadable: validation reports it */
    }
    out[relative(dir, path).split(sep).join("/")] = hash;
  }
  return out;
}

function readValidatedCache(dir: string, cacheFile: string, buildId = BUILD_ID): Omit<RawKnowledge, "official"> | undefined {
  if (!buildId) return undefined;
  let cache: ValidatedCache;
  try {
    cache = JSON.parse(readFileSync(cacheFile, "utf8")) as ValidatedCache;
  } catch {
    return undefined; // not built (yet), or unreadable: validated from the files
  }
  if (cache.build !== buildId) return undefined;
  const now = sourceHashes(dir);
  const before = cache.files ?? {};
  if (Object.keys(now).length !== Object.keys(before).length) return undefined;
  for (const [file, hash] of Object.entries(now)) if (hash === "missing" || before[file] !== hash) return undefined;
  return cache.knowledge;
}

/**
 * Validates knowledge/ and writes what it gives, with its files' hashes, for this bundle's starts
 * (the build calls it). Returns false, writing nothing, when the knowledge base has problems (a
 * start then reports them) or when not run from a bundle. `buildId` is for tests.
 */
export function writeValidatedCache(opts: { dir?: string; cacheFile?: string; buildId?: string } = {}): boolean {
  const dir = opts.dir ?? KNOWLEDGE_DIR;
  const file = opts.cacheFile ?? VALIDATED_CACHE_FILE;
  const build = opts.buildId ?? BUILD_ID;
  let written = false;
  if (build) {
    const files = sourceHashes(dir);
    try {
      const knowledge = validateSources(dir, []);
      // a file changed while it was validated is left to the next start's validation
      if (JSON.stringify(sourceHashes(dir)) === JSON.stringify(files)) {
        writeFileSync(file, JSON.stringify({ build, files, knowledge } satisfies ValidatedCache));
        written = true;
      }
    } catch (e) {
      if (!(e instanceof KnowledgeError)) throw e;
    }
  }
  if (!written) rmSync(file, { force: true });
  return written;
}

/** For tests: the cache as a bundle with this id reads it. */
export function readValidatedCacheForTest(dir: string, cacheFile: string, buildId: string): Omit<RawKnowledge, "official"> | undefined {
  return readValidatedCache(dir, cacheFile, buildId);
}

function checkReferences(kb: Omit<RawKnowledge, "official">, problems: string[]): void {
  const total = kb.meta.total_items;
  const seen = new Map<number, number>();
  for (const it of kb.items) seen.set(it.no, (seen.get(it.no) ?? 0) + 1);
  for (const [no, n] of seen) {
    if (n > 1) problems.push(`item No.${no} appears ${n} times`);
    if (no < 1 || no > total) problems.push(`item No.${no} is outside 1..${total}`);
  }
  for (let no = 1; no <= total; no++) if (!seen.has(no)) problems.push(`item No.${no} is missing`);

  const areaIds = new Set(kb.areas.map((a) => a.id));
  const dupAreas = kb.areas.length - areaIds.size;
  if (dupAreas) problems.push(`${dupAreas} duplicate area id(s)`);
  const sourceIds = new Set(kb.sources.map((s) => s.id));
  const itemNos = new Set(seen.keys());
  const checkItemRefs = (where: string, refs: number[]) => {
    for (const r of refs) if (!itemNos.has(r)) problems.push(`${where}: related item No.${r} does not exist`);
  };
  const checkSources = (where: string, refs: string[]) => {
    for (const s of refs) if (!sourceIds.has(s)) problems.push(`${where}: unknown source "${s}"`);
  };

  const known = kb.items.filter((i): i is KnownItemEntry => i.status === "known");
  for (const it of known) {
    const where = `item No.${it.no}`;
    if (!areaIds.has(it.area)) problems.push(`${where}: unknown area "${it.area}"`);
    if (it.related.includes(it.no)) problems.push(`${where}: lists itself as related`);
    checkItemRefs(where, it.related);
    checkSources(where, it.sources);
  }
  for (const lv of kb.meta.levels) {
    const n = known.filter((i) => i.level === lv.level).length;
    if (n > lv.items) problems.push(`level ${lv.level}: ${n} known items but the level has only ${lv.items}`);
  }
  const levelSum = kb.meta.levels.reduce((a, l) => a + l.items, 0);
  if (levelSum !== total) problems.push(`levels add up to ${levelSum}, not ${total}`);

  const faqIds = new Set<string>();
  for (const f of kb.faq) {
    if (faqIds.has(f.id)) problems.push(`faq "${f.id}" appears twice`);
    faqIds.add(f.id);
    checkItemRefs(`faq ${f.id}`, f.related);
    checkSources(`faq ${f.id}`, f.sources);
  }
  const termIds = new Set<string>();
  for (const g of kb.glossary) {
    if (termIds.has(g.id)) problems.push(`glossary "${g.id}" appears twice`);
    termIds.add(g.id);
    checkItemRefs(`glossary ${g.id}`, g.related);
  }
}
