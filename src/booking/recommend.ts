// Which sessions suit an organisation: those whose areas cover the items it marked 未達成 (not
// achieved) in its latest self-assessment. The coupling with the assessment module's data is
// kept in notAchievedItems() alone: one small query on Assessment/Answer, filtered by orgId.
import type { Db } from "../db/client.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import type { SessionView } from "./booking-service.ts";

/** Answer.status ids that mean "not achieved" (knowledge/answer-choices.yaml: not_achieved). */
export const NOT_ACHIEVED_STATUSES = ["not_achieved"];

/** Item numbers the organisation marked not achieved in its most recent assessment. */
export async function notAchievedItems(db: Db, orgId: string): Promise<number[]> {
  const assessment = await db.assessment.findFirst({
    where: { orgId },
    orderBy: [{ fiscalYear: "desc" }, { createdAt: "desc" }],
    select: { id: true },
  });
  if (!assessment) return [];
  const answers = await db.answer.findMany({
    where: { orgId, assessmentId: assessment.id, status: { in: NOT_ACHIEVED_STATUSES } },
    select: { itemNo: true },
    orderBy: { itemNo: "asc" },
  });
  return answers.map((a) => a.itemNo);
}

export interface Recommendation {
  session: SessionView;
  /** the not-achieved items this session's areas cover */
  items: number[];
}

/** Upcoming sessions ranked by how many of the given items their areas cover (ties: earliest first). */
export function recommendSessions(kb: Knowledge, sessions: SessionView[], items: number[]): Recommendation[] {
  const areaOf = new Map<number, string>();
  for (const no of items) {
    const area = kb.item(no)?.entry?.area;
    if (area) areaOf.set(no, area);
  }
  return sessions
    .filter((s) => s.status !== "cancelled")
    .map((s) => ({ session: s, items: items.filter((no) => s.areas.includes(areaOf.get(no) ?? "")) }))
    .filter((r) => r.items.length > 0)
    .sort((a, b) => b.items.length - a.items.length || a.session.startsAt.getTime() - b.session.startsAt.getTime());
}
