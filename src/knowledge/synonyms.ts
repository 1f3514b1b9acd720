// knowledge/synonyms.yaml: groups of equivalent terms for query expansion. notes/retrieval.md
// found that most misses left after bigram BM25 are synonyms (パソコン/PC, 暗証番号/パスワード);
// a table we can read and extend beats guessing them at run time.
import { join } from "node:path";
import { readYamlFile } from "./yaml-file.ts";
import { z } from "zod";
import { KNOWLEDGE_DIR, KnowledgeError } from "./load.ts";
import { foldText } from "./search-text.ts";

export const SynonymsFile = z
  .object({
    groups: z.array(z.array(z.string().trim().min(1)).min(2)).min(1),
  })
  .strict();

export type SynonymGroups = string[][];

/** Reads and validates knowledge/synonyms.yaml (or another file); throws KnowledgeError. */
export function loadSynonyms(file = join(KNOWLEDGE_DIR, "synonyms.yaml")): SynonymGroups {
  let data: unknown;
  try {
    data = readYamlFile(file);
  } catch (e) {
    throw new KnowledgeError([`${file}: ${(e as Error).message.split("\n")[0]}`]);
  }
  const r = SynonymsFile.safeParse(data);
  if (!r.success) throw new KnowledgeError(r.error.issues.map((i) => `${file} ${i.path.join(".")}: ${i.message}`));
  return r.data.groups.map((g) => g.map((t) => String(t)));
}

interface Term {
  folded: string;
  raw: string;
  /** Starts or ends with a Latin letter/digit: must match on word boundaries there. */
  latinStart: boolean;
  latinEnd: boolean;
}

const LATIN = /[a-z0-9]/;

/** Finds the groups a question touches and gives the other terms of those groups. */
export class SynonymTable {
  private readonly groups: Term[][];

  constructor(groups: SynonymGroups) {
    this.groups = groups.map((g) =>
      g
        .map((raw) => {
          const folded = foldText(raw);
          return { raw, folded, latinStart: LATIN.test(folded[0] ?? ""), latinEnd: LATIN.test(folded.at(-1) ?? "") };
        })
        .filter((t) => t.folded.length > 0),
    );
  }

  /** The groups' terms as written. */
  rawGroups(): string[][] {
    return this.groups.map((g) => g.map((t) => t.raw));
  }

  /** All terms as written, for the out-of-scope vocabulary. */
  rawTerms(): string[] {
    return this.groups.flatMap((g) => g.map((t) => t.raw));
  }

  /**
   * For a folded question: per group it touches, the terms it contains (matched) and the other
   * terms of the group (alternatives, raw spelling, so the caller tokenises them like any text).
   */
  expand(foldedQuery: string): { matched: string[]; alternatives: string[] }[] {
    const out: { matched: string[]; alternatives: string[] }[] = [];
    for (const g of this.groups) {
      const hits = g.filter((t) => contains(foldedQuery, t));
      if (hits.length === 0) continue;
      out.push({ matched: hits.map((t) => t.folded), alternatives: g.filter((t) => !hits.includes(t)).map((t) => t.raw) });
    }
    return out;
  }
}

function contains(q: string, t: Term): boolean {
  let from = 0;
  for (;;) {
    const i = q.indexOf(t.folded, from);
    if (i < 0) return false;
    const before = q[i - 1];
    const after = q[i + t.folded.length];
    const okStart = !t.latinStart || before === undefined || !LATIN.test(before);
    const okEnd = !t.latinEnd || after === undefined || !LATIN.test(after);
    if (okStart && okEnd) return true;
    from = i + 1;
  }
}
