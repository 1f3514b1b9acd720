// Where a company stands: per level, per area, the target level, all 153 items, and the gaps that
// matter first. Pure functions over the knowledge base, the answer choices and a map of answers,
// so the maths is tested without a database.
//
// Honesty about levels: an item's level is known only for the items in our knowledge base (or an
// imported official sheet). Per-level figures count those items and say how many items of the
// level are not placeable yet; "all items" counts every number 1..153, whatever its level.
import type { Knowledge } from "../knowledge/knowledge.ts";
import { UNANSWERED, type AnswerChoices } from "./choices.ts";

export type Level = 1 | 2 | 3;

export interface Tally {
  /** items counted (known items of the level, items of the area, or all numbers) */
  items: number;
  answered: number;
  achieved: number;
  /** per choice id, answered items only */
  byChoice: Record<string, number>;
  /** answers taken out of the denominator (対象外) */
  excluded: number;
  unanswered: number;
  /** achieved ÷ (items − excluded); null when nothing is left to count */
  rate: number | null;
}

export interface LevelProgress extends Tally {
  level: Level;
  /** items the level has on the official sheet (50 / 74 / 29) */
  officialItems: number;
  /** official items whose number and level are not in the knowledge base yet */
  notInKb: number;
}

export interface AreaProgress extends Tally {
  areaId: string;
  name: { ja: string; en: string };
}

export interface Progress {
  levels: LevelProgress[];
  /** Level 1 up to the target level, the items whose level is known */
  target: Tally & { level: Level; officialItems: number; notInKb: number };
  /** every number 1..153 */
  all: Tally;
  /** numbers whose level is not known: answerable, not placeable in a level */
  unknownLevel: Tally;
  areas: AreaProgress[];
}

export type AnswerStatuses = ReadonlyMap<number, string>;

export function tally(nos: number[], answers: AnswerStatuses, choices: AnswerChoices): Tally {
  const byChoice: Record<string, number> = {};
  let answered = 0;
  let achieved = 0;
  let excluded = 0;
  for (const no of nos) {
    const s = answers.get(no);
    if (!s || s === UNANSWERED || !choices.get(s)) continue;
    answered++;
    byChoice[s] = (byChoice[s] ?? 0) + 1;
    if (choices.countsAsAchieved(s)) achieved++;
    if (choices.excluded(s)) excluded++;
  }
  const denominator = nos.length - excluded;
  return {
    items: nos.length,
    answered,
    achieved,
    byChoice,
    excluded,
    unanswered: nos.length - answered,
    rate: denominator > 0 ? achieved / denominator : null,
  };
}

export function computeProgress(kb: Knowledge, choices: AnswerChoices, answers: AnswerStatuses, targetLevel: Level): Progress {
  const levels = ([1, 2, 3] as const).map((level) => {
    const nos = kb.itemsOfLevel(level).map((i) => i.no);
    const officialItems = kb.levelInfo(level).items;
    return { level, officialItems, notInKb: Math.max(0, officialItems - nos.length), ...tally(nos, answers, choices) };
  });
  const targetNos = kb.itemsUpToLevel(targetLevel).map((i) => i.no);
  const targetOfficial = levels.filter((l) => l.level <= targetLevel).reduce((a, l) => a + l.officialItems, 0);
  const all = kb.items().map((i) => i.no);
  const unknown = kb.items().filter((i) => i.level === undefined).map((i) => i.no);
  const areas = kb.areas.map((a) => ({
    areaId: a.id,
    name: a.name,
    ...tally(kb.itemsOfArea(a.id).map((i) => i.no), answers, choices),
  }));
  return {
    levels,
    target: { level: targetLevel, officialItems: targetOfficial, notInKb: Math.max(0, targetOfficial - targetNos.length), ...tally(targetNos, answers, choices) },
    all: tally(all, answers, choices),
    unknownLevel: tally(unknown, answers, choices),
    areas,
  };
}

export interface Gap {
  no: number;
  level: Level;
  /** "unanswered" or the choice id of an answer that does not count as achieved and is not excluded */
  status: string;
}

/**
 * 重点課題: the items of the target level (Level 1 up to it) that are unanswered or not achieved,
 * Level 1 first, then by number. Answers excluded from the denominator (対象外) are not gaps.
 */
export function findGaps(kb: Knowledge, choices: AnswerChoices, answers: AnswerStatuses, targetLevel: Level): Gap[] {
  const out: Gap[] = [];
  for (const item of kb.itemsUpToLevel(targetLevel)) {
    const s = answers.get(item.no) ?? UNANSWERED;
    const known = s !== UNANSWERED && choices.get(s);
    if (known && (choices.countsAsAchieved(s) || choices.excluded(s))) continue;
    out.push({ no: item.no, level: item.level!, status: known ? s : UNANSWERED });
  }
  return out.sort((a, b) => a.level - b.level || a.no - b.no);
}

/** Percent with no decimals, or "—" when there is nothing to count. */
export function pct(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 100)}%`;
}

/** Difference in percentage points, signed ("+12pt", "−3pt", "±0pt"). */
export function pointsDiff(now: number | null, before: number | null): string | undefined {
  if (now === null || before === null) return undefined;
  const d = Math.round(now * 100) - Math.round(before * 100);
  return d > 0 ? `+${d}pt` : d < 0 ? `−${-d}pt` : "±0pt";
}
