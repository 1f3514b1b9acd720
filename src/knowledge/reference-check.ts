// Checks our item entries against the reference data in knowledge/reference/items-known.json
// (item numbers and levels as METI's evaluation criteria cite them, with the criteria ids), and
// that every source id a text cites exists in sources.yaml. Run by `npm run kb:check`: a number,
// level or METI criterion written by hand that disagrees with the reference fails the check.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { KNOWLEDGE_DIR, type RawKnowledge } from "./load.ts";

const RefItem = z.object({
  no: z.number().int(),
  level: z.number().int().min(1).max(3).nullable(),
  levels_cited: z.array(z.number().int()).default([]),
  level_conflict: z.boolean().default(false),
  meti_criteria_2026_03: z.array(z.string()).default([]),
  meti_criteria_older: z.array(z.string()).default([]),
});
export const ItemsKnown = z.object({ items: z.array(RefItem), unmapped_numbers: z.array(z.number().int()).default([]) });
export type ItemsKnown = z.infer<typeof ItemsKnown>;

export const REFERENCE_FILE = join(KNOWLEDGE_DIR, "reference", "items-known.json");

export function loadItemsKnown(file = REFERENCE_FILE): ItemsKnown {
  return ItemsKnown.parse(JSON.parse(readFileSync(file, "utf8")));
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Problems, one line each; empty when our items agree with the reference. */
export function checkAgainstReference(kb: Pick<RawKnowledge, "items" | "sources" | "faq">, ref: ItemsKnown, extraSourceRefs: { where: string; id: string }[] = []): string[] {
  const problems: string[] = [];
  const byNo = new Map(ref.items.map((r) => [r.no, r]));
  for (const it of kb.items) {
    const r = byNo.get(it.no);
    if (it.status !== "known") {
      if (r && r.level !== null) problems.push(`item No.${it.no}: the reference maps it (Level ${r.level}) but it is marked unknown`);
      continue;
    }
    if (!r) {
      problems.push(`item No.${it.no}: described, but the reference does not know this number`);
      continue;
    }
    const levels = r.level_conflict ? r.levels_cited : r.level !== null ? [r.level] : [];
    if (!levels.includes(it.level)) problems.push(`item No.${it.no}: Level ${it.level}, the reference says ${levels.join(" or ") || "none"}`);
    // `meti` lists the criteria of METI's March 2026 list that cite the item (none for No.34 and
    // No.146, which only the older list cites)
    const refMeti = r.meti_criteria_2026_03;
    if (!sameSet(it.meti, refMeti)) problems.push(`item No.${it.no}: METI criteria [${it.meti.join(", ")}], the reference says [${refMeti.join(", ")}]`);
  }
  const ids = new Set(kb.sources.map((s) => s.id));
  for (const { where, id } of extraSourceRefs) if (!ids.has(id)) problems.push(`${where}: cites source "${id}", which sources.yaml does not have`);
  return problems;
}

/** Source ids cited in running text as [src:id] (and by benchmarks.yaml's source.id). */
export function citedSourceIds(texts: { where: string; text: string }[]): { where: string; id: string }[] {
  const out: { where: string; id: string }[] = [];
  for (const { where, text } of texts) for (const m of text.matchAll(/\[src:([\w-]+)\]/g)) out.push({ where, id: m[1] });
  return out;
}
