// The questions the bot could not answer, most frequent first: for an organisation's admins
// their own organisation's, for the secretariat everyone's (the texts only, never who asked).
import type { Db } from "../db/client.ts";

export interface UnansweredQuestion {
  text: string;
  count: number;
  lastAskedAt: Date | null;
}

export async function unansweredQuestions(db: Db, scope: { orgId?: string }, limit: number): Promise<UnansweredQuestion[]> {
  const rows = await db.questionLog.groupBy({
    by: ["normalized"],
    where: scope.orgId ? { answered: false, orgId: scope.orgId } : { answered: false },
    _count: { _all: true },
    _max: { createdAt: true },
    orderBy: [{ _count: { normalized: "desc" } }, { _max: { createdAt: "desc" } }],
    take: limit,
  });
  return rows.map((r) => ({ text: r.normalized, count: r._count._all, lastAskedAt: r._max.createdAt ?? null }));
}
