// Loads knowledge/ (and an optional official-wording overlay), validates it with zod and checks
// every cross-reference. Start-up and `npm run kb:check` both go through here, so a broken
// knowledge base never reaches users.
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
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

/** Reads and validates everything; throws KnowledgeError listing every problem found. */
export function loadRawKnowledge(opts: { dir?: string; overlayFile?: string } = {}): RawKnowledge {
  const dir = opts.dir ?? KNOWLEDGE_DIR;
  const vdir = join(dir, "guideline", CURRENT_VERSION);
  const problems: string[] = [];

  const metaR = GuidelineMeta.safeParse(readYaml(join(vdir, "guideline.yaml"), problems));
  if (!metaR.success) for (const i of metaR.error.issues) problems.push(`guideline.yaml ${i.path.join(".")}: ${i.message}`);

  const itemsDir = join(vdir, "items");
  const itemFiles = existsSync(itemsDir) ? readdirSync(itemsDir).filter((f) => f.endsWith(".yaml")).sort() : [];
  const items = itemFiles.flatMap((f) => parseList(ItemEntry, readYaml(join(itemsDir, f), problems), `items/${f}`, problems));
  const areas = parseList(Area, readYaml(join(vdir, "areas.yaml"), problems), "areas.yaml", problems);
  const sources = parseList(Source, readYaml(join(dir, "sources.yaml"), problems), "sources.yaml", problems);
  const faq = parseList(FaqEntry, readYaml(join(dir, "faq.yaml"), problems), "faq.yaml", problems);
  const glossary = parseList(GlossaryEntry, readYaml(join(dir, "glossary.yaml"), problems), "glossary.yaml", problems);

  const official = new Map<number, OfficialText>();
  if (opts.overlayFile && existsSync(opts.overlayFile)) {
    const r = OfficialFile.safeParse(readYaml(opts.overlayFile, problems));
    if (!r.success) problems.push(`${opts.overlayFile}: ${r.error.issues.map((i) => i.message).join("; ")}`);
    else for (const it of r.data.items) official.set(it.no, { ...it, sheet: r.data.sheet });
  }

  const meta = metaR.success ? metaR.data : undefined;
  if (meta) checkReferences({ meta, items, areas, sources, faq, glossary }, problems);
  if (problems.length > 0 || !meta) throw new KnowledgeError(problems.length ? problems : ["guideline.yaml missing"]);
  return { meta, items, areas, sources, faq, glossary, official };
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
