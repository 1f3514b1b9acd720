// Across the deployment, for the secretariat: how achievement rates are spread (organisations per
// 10-point band, per level) and how many organisations are where (not started, answering,
// submitted). Anonymous by construction: only counts leave this module, never an organisation's
// id or name, and the spread is withheld below the same minimum of organisations as the anonymous
// average (AssessmentService.minOrgsForAverage, 5 by default).
import type { Db } from "../db/client.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import { UNANSWERED, type AnswerChoices } from "./choices.ts";
import type { Level } from "./progress.ts";

export const BANDS = 10;

export interface RateDistribution {
  /** organisations with at least one answer this fiscal year */
  orgs: number;
  shown: boolean;
  /** per level: organisations in each band 0–9%, 10–19% … 90–100% (empty when not shown) */
  levels: Record<Level, number[]>;
}

/** One band per 10 points; 100% goes into the last band. */
export function bandOf(rate: number): number {
  return Math.min(BANDS - 1, Math.max(0, Math.floor(rate * BANDS + 1e-9)));
}

export async function rateDistribution(
  db: Db,
  kb: Knowledge,
  choices: AnswerChoices,
  opts: { fiscalYear: number; version: string; minOrgs: number },
): Promise<RateDistribution> {
  const lv = ([1, 2, 3] as const).map((l) => kb.itemsOfLevel(l).map((i) => i.no));
  const achieved = choices.list.filter((c) => c.counts_as_achieved).map((c) => c.id);
  const excluded = choices.list.filter((c) => c.excluded_from_denominator).map((c) => c.id);
  const rows = await db.$queryRaw<Record<string, bigint | number>[]>`
    SELECT
      COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[0]}::int[]) AND a.status = ANY(${achieved}::text[])) AS a1,
      COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[0]}::int[]) AND a.status = ANY(${excluded}::text[])) AS x1,
      COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[1]}::int[]) AND a.status = ANY(${achieved}::text[])) AS a2,
      COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[1]}::int[]) AND a.status = ANY(${excluded}::text[])) AS x2,
      COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[2]}::int[]) AND a.status = ANY(${achieved}::text[])) AS a3,
      COUNT(*) FILTER (WHERE a."itemNo" = ANY(${lv[2]}::int[]) AND a.status = ANY(${excluded}::text[])) AS x3
    FROM "Answer" a JOIN "Assessment" s ON s.id = a."assessmentId"
    WHERE s."fiscalYear" = ${opts.fiscalYear} AND s."guidelineVersion" = ${opts.version} AND a.status <> ${UNANSWERED}
    GROUP BY a."orgId"`;
  const empty = (): number[] => new Array<number>(BANDS).fill(0);
  const levels: Record<Level, number[]> = { 1: empty(), 2: empty(), 3: empty() };
  const shown = rows.length >= opts.minOrgs;
  if (shown)
    for (const r of rows)
      ([1, 2, 3] as const).forEach((l, i) => {
        const denominator = lv[i].length - Number(r[`x${l}`]);
        if (denominator > 0) levels[l][bandOf(Number(r[`a${l}`]) / denominator)]++;
      });
  return { orgs: rows.length, shown, levels: shown ? levels : { 1: [], 2: [], 3: [] } };
}

export interface StatusCounts {
  /** organisations that ever talked to the bot */
  organisations: number;
  /** with an assessment this fiscal year but no answer yet */
  notStarted: number;
  answering: number;
  submitted: number;
}

/** Where the organisations are this fiscal year: counts only. */
export async function statusCounts(db: Db, opts: { fiscalYear: number; version: string }): Promise<StatusCounts> {
  const [row] = await db.$queryRaw<{ orgs: bigint; submitted: bigint; answering: bigint }[]>`
    SELECT
      (SELECT COUNT(*) FROM "Organization") AS orgs,
      COUNT(*) FILTER (WHERE s.status = 'submitted') AS submitted,
      COUNT(*) FILTER (WHERE s.status <> 'submitted' AND EXISTS (
        SELECT 1 FROM "Answer" a WHERE a."assessmentId" = s.id AND a.status <> ${UNANSWERED})) AS answering
    FROM "Assessment" s
    WHERE s."fiscalYear" = ${opts.fiscalYear} AND s."guidelineVersion" = ${opts.version}`;
  const organisations = Number(row?.orgs ?? 0);
  const submitted = Number(row?.submitted ?? 0);
  const answering = Number(row?.answering ?? 0);
  return { organisations, submitted, answering, notStarted: Math.max(0, organisations - submitted - answering) };
}
