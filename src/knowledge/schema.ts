// The shape of the knowledge base under knowledge/. Everything here is data we wrote ourselves
// from facts (see knowledge/README.md); the official wording of the check sheet is loaded per
// deployment as an overlay (npm run kb:import) and never committed.
import { z } from "zod";

/** Text in Japanese first, English second. */
export const Bilingual = z.object({ ja: z.string().min(1), en: z.string().min(1) }).strict();
export const BilingualList = z
  .object({ ja: z.array(z.string().min(1)).min(1), en: z.array(z.string().min(1)).min(1) })
  .strict();

export const Level = z.union([z.literal(1), z.literal(2), z.literal(3)]);

const KnownItem = z
  .object({
    no: z.number().int().min(1),
    status: z.literal("known"),
    level: Level,
    /** Why the level is uncertain, when it is (e.g. cited as both Lv1 and Lv2). */
    level_note: Bilingual.optional(),
    /** Area id from areas.yaml. */
    area: z.string().min(1),
    title: Bilingual,
    /** What the item asks, in our words. */
    asks: Bilingual,
    /** Why it matters; tied to a real incident where one fits. */
    why: Bilingual,
    /** What counts as achieved: our reading, shown as such. */
    achieved_when: Bilingual,
    /** Typical measures a small company can take. */
    measures: BilingualList,
    /** Evidence an assessor would accept. */
    evidence: BilingualList,
    /** Search terms: synonyms, colloquial phrasing, kanji/katakana/English variants. */
    keywords: z.array(z.string().min(1)).min(5),
    related: z.array(z.number().int()).default([]),
    /** METI ★ evaluation criteria ids (e.g. "4-1-5-1") that cite this item. */
    meti: z.array(z.string().regex(/^\d+-\d+-\d+-\d+$/)).default([]),
    /** Source ids from sources.yaml. */
    sources: z.array(z.string().min(1)).min(1),
    /** Where our description is unsure (shown to the user). */
    uncertainty: Bilingual.optional(),
  })
  .strict();

const UnknownItem = z
  .object({
    no: z.number().int().min(1),
    status: z.literal("unknown"),
  })
  .strict();

export const ItemEntry = z.discriminatedUnion("status", [KnownItem, UnknownItem]);
export type KnownItemEntry = z.infer<typeof KnownItem>;
export type ItemEntry = z.infer<typeof ItemEntry>;

export const Area = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: Bilingual,
    description: Bilingual,
    keywords: z.array(z.string()).default([]),
  })
  .strict();

export const LevelInfo = z
  .object({
    level: Level,
    items: z.number().int(),
    name: Bilingual,
    who: Bilingual,
  })
  .strict();

export const VersionInfo = z
  .object({
    version: z.string(),
    published: z.string(),
    changes: Bilingual,
    confidence: z.enum(["confirmed", "reported", "unconfirmed"]),
  })
  .strict();

/** knowledge/guideline/<version>/guideline.yaml */
export const GuidelineMeta = z
  .object({
    version: z.string(),
    name: Bilingual,
    publisher: Bilingual,
    scope: Bilingual,
    total_items: z.number().int(),
    levels: z.array(LevelInfo).length(3),
    areas_note: Bilingual,
    versions: z.array(VersionInfo).min(1),
  })
  .strict();

export const Source = z
  .object({
    id: z.string(),
    title: z.string(),
    url: z.string().url().optional(),
    note: Bilingual.optional(),
  })
  .strict();

export const FaqEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    question: Bilingual,
    answer: Bilingual,
    keywords: z.array(z.string().min(1)).min(3),
    related: z.array(z.number().int()).default([]),
    sources: z.array(z.string()).min(1),
    uncertainty: Bilingual.optional(),
  })
  .strict();

export const GlossaryEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    term: Bilingual,
    /** Other ways people write it: abbreviations, katakana, kana readings. */
    aliases: z.array(z.string()).default([]),
    definition: Bilingual,
    related: z.array(z.number().int()).default([]),
  })
  .strict();
