// eval:answers: sends each line of a JSONL set through the real pipeline and compares what was
// recorded with what the person meant (issue 9). Each line gets a fresh organisation; with
// "context": N the item N is shown first, so a bare "達成" refers to it.
//
//   {"say": "No.61 達成とは言えない", "expect": {"61": "not_achieved"}}
//   {"say": "No.60は達成かどうか分からない", "expect": {}}
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { App } from "../app.ts";
import type { Turn } from "../core/turn.ts";
import { UNANSWERED } from "../assessment/choices.ts";

const Line = z
  .object({
    say: z.string().min(1),
    context: z.number().int().positive().optional(),
    expect: z.record(z.string().regex(/^\d+$/), z.string()),
  })
  .strict();
export type AnswerCase = z.infer<typeof Line>;

export interface AnswerResult {
  line: AnswerCase;
  /** what was recorded: item number → choice id */
  got: Record<string, string>;
  intent: string;
  reply: string;
  ms: number;
  verdict: "exact" | "wrong" | "missed";
}

export interface AnswerFigures {
  n: number;
  exact: number;
  wrong_records: number;
  missed: number;
  p50_ms: number;
  p99_ms: number;
}

export function readAnswerCases(file: string): AnswerCase[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l && !l.startsWith("//"))
    .map(([l, no]) => {
      const r = Line.safeParse(JSON.parse(l));
      if (!r.success) throw new Error(`${file}:${no}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
      return r.data;
    });
}

/**
 * `at` is the time every turn of the run carries (the caller's clock), so a set is judged the
 * same way on any day.
 */
export async function evaluateAnswers(app: App, cases: AnswerCase[], at: Date): Promise<{ results: AnswerResult[]; figures: AnswerFigures }> {
  const run = `${process.pid}-${at.getTime()}`;
  let seq = 0;
  const results: AnswerResult[] = [];
  for (const [i, line] of cases.entries()) {
    const org = `console:eval-answers-${run}-${i}`;
    const turn = (text: string): Turn => ({
      platform: "console",
      deliveryId: `eval-${run}-${++seq}`,
      org: { externalKey: org },
      user: { platformUserId: "eval-user" },
      conversation: { key: `console:eval:${run}:${i}`, kind: "personal" },
      input: { kind: "text", text },
      receivedAt: at,
    });
    if (line.context) await app.pipeline.handle(turn(`No.${line.context}`));
    const t0 = performance.now();
    const r = await app.pipeline.handle(turn(line.say));
    const ms = performance.now() - t0;
    const got = await recorded(app, org);
    results.push({ line, got, intent: r?.intent ?? "none", reply: r?.reply.text ?? "", ms, verdict: verdictOf(line.expect, got) });
  }
  const times = results.map((r) => r.ms);
  const n = results.length;
  return {
    results,
    figures: {
      n,
      exact: round(results.filter((r) => r.verdict === "exact").length / Math.max(1, n), 3),
      wrong_records: results.filter((r) => r.verdict === "wrong").length,
      missed: results.filter((r) => r.verdict === "missed").length,
      p50_ms: round(percentile(times, 50), 1),
      p99_ms: round(percentile(times, 99), 1),
    },
  };
}

/**
 * exact: recorded exactly what was meant (nothing, when nothing was meant); wrong: anything
 * recorded that differs (a wrong status, a wrong item, a record where none was meant); missed:
 * nothing recorded although an answer was meant (the bot asked back).
 */
export function verdictOf(expect: Record<string, string>, got: Record<string, string>): AnswerResult["verdict"] {
  const e = Object.entries(expect);
  const g = Object.entries(got);
  if (g.some(([no, status]) => expect[no] !== status)) return "wrong";
  if (g.length === e.length) return "exact";
  return "missed";
}

async function recorded(app: App, externalKey: string): Promise<Record<string, string>> {
  const db = app.services.db;
  const org = await db.organization.findUnique({ where: { externalKey }, select: { id: true } });
  if (!org) return {};
  const rows = await db.answer.findMany({ where: { orgId: org.id, status: { not: UNANSWERED } }, select: { itemNo: true, status: true } });
  return Object.fromEntries(rows.map((r) => [String(r.itemNo), r.status]));
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
