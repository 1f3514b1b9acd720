// The knowledge base as the rest of the product sees it: items No.1..153 (our descriptions,
// merged with the deployment's official wording when it was imported), areas, levels, FAQ and
// glossary. Read-only after start-up.
import { loadRawKnowledge, type OfficialText, type RawKnowledge } from "./load.ts";
import type { KnownItemEntry } from "./schema.ts";

export type Bi = { ja: string; en: string };

export interface Item {
  no: number;
  /** known: described in our words; unknown: neither level nor content is in this knowledge base. */
  status: "known" | "unknown";
  level?: 1 | 2 | 3;
  entry?: KnownItemEntry;
  official?: OfficialText;
}

export type Area = RawKnowledge["areas"][number];
export type Faq = RawKnowledge["faq"][number];
export type Term = RawKnowledge["glossary"][number];

export class Knowledge {
  readonly version: string;
  readonly meta: RawKnowledge["meta"];
  readonly areas: Area[];
  readonly faq: Faq[];
  readonly glossary: Term[];
  readonly sources: RawKnowledge["sources"];
  private readonly byNo = new Map<number, Item>();
  /** the items in number order, made once: progress reads them several times on every request */
  private readonly sorted: Item[];
  private readonly areaById = new Map<string, Area>();

  constructor(raw: RawKnowledge) {
    this.meta = raw.meta;
    this.version = raw.meta.version;
    this.areas = raw.areas;
    this.faq = raw.faq;
    this.glossary = raw.glossary;
    this.sources = raw.sources;
    for (const a of raw.areas) this.areaById.set(a.id, a);
    for (const e of raw.items) {
      const official = raw.official.get(e.no);
      // the official sheet, when a deployment imported it, is the authority on the level
      if (e.status === "known") this.byNo.set(e.no, { no: e.no, status: "known", level: official?.level ?? e.level, entry: e, official });
      else this.byNo.set(e.no, { no: e.no, status: "unknown", level: official?.level, official });
    }
    this.sorted = [...this.byNo.values()].sort((a, b) => a.no - b.no);
  }

  static load(opts: { dir?: string; overlayFile?: string } = {}): Knowledge {
    return new Knowledge(loadRawKnowledge(opts));
  }

  get totalItems(): number {
    return this.meta.total_items;
  }

  item(no: number): Item | undefined {
    return this.byNo.get(no);
  }

  items(): Item[] {
    return this.sorted.slice();
  }

  /** Items of exactly this level whose level is known (from our data or the official sheet). */
  itemsOfLevel(level: 1 | 2 | 3): Item[] {
    return this.sorted.filter((i) => i.level === level);
  }

  /** Items up to and including a level: Level 2 includes Level 1, Level 3 includes both. */
  itemsUpToLevel(level: 1 | 2 | 3): Item[] {
    return this.sorted.filter((i) => i.level !== undefined && i.level <= level);
  }

  itemsOfArea(areaId: string): Item[] {
    return this.sorted.filter((i) => i.entry?.area === areaId);
  }

  area(id: string | undefined): Area | undefined {
    return id ? this.areaById.get(id) : undefined;
  }

  levelInfo(level: 1 | 2 | 3) {
    return this.meta.levels.find((l) => l.level === level)!;
  }

  /** Short title in a language; official wording or a plain "No.N" when we have no description. */
  title(no: number, lang: "ja" | "en"): string {
    const it = this.item(no);
    if (it?.entry) return it.entry.title[lang];
    if (it?.official?.condition) return truncate(it.official.condition, 40);
    return lang === "ja" ? "(内容未登録)" : "(not described yet)";
  }
}

export function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}
