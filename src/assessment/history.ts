// The audit trail of a whole assessment, newest first, a page at a time (the web console's
// history page; one item's trail is AssessmentService.history). Names only of the people of the
// same organisation.
import type { Db } from "../db/client.ts";
import type { AssessmentRef } from "./service.ts";

export interface ChangeEntry {
  id: bigint;
  itemNo: number;
  kind: string;
  channel: string;
  oldStatus: string | null;
  newStatus: string;
  oldNote: string | null;
  newNote: string | null;
  at: Date;
  actorId: string | null;
  actorName?: string;
}

export async function recentChanges(
  db: Db,
  a: Pick<AssessmentRef, "id" | "orgId">,
  opts: { limit: number; before?: bigint },
): Promise<{ entries: ChangeEntry[]; next?: bigint }> {
  const rows = await db.answerEvent.findMany({
    where: { assessmentId: a.id, orgId: a.orgId, ...(opts.before !== undefined ? { id: { lt: opts.before } } : {}) },
    orderBy: { id: "desc" },
    take: opts.limit + 1,
  });
  const page = rows.slice(0, opts.limit);
  const ids = [...new Set(page.map((e) => e.actorId).filter((x): x is string => Boolean(x)))];
  const users = ids.length ? await db.user.findMany({ where: { orgId: a.orgId, id: { in: ids } }, select: { id: true, displayName: true, platformUserId: true } }) : [];
  const names = new Map(users.map((u) => [u.id, u.displayName || u.platformUserId]));
  return {
    entries: page.map((e) => ({
      id: e.id,
      itemNo: e.itemNo,
      kind: e.kind,
      channel: e.channel,
      oldStatus: e.oldStatus,
      newStatus: e.newStatus,
      oldNote: e.oldNote,
      newNote: e.newNote,
      at: e.at,
      actorId: e.actorId,
      actorName: e.actorId ? names.get(e.actorId) : undefined,
    })),
    next: rows.length > opts.limit ? page[page.length - 1].id : undefined,
  };
}
