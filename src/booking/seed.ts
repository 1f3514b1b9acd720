// The demo series in knowledge/sessions.yaml: written into the database at start-up of the
// terminal chat (config.demoSessions), only when the Session table is empty, each row marked
// `demo` so that every listing and confirmation says it is not a real session. Once the
// secretariat has sessions (edited in chat or imported), the file is never read again.
// A deployment (Slack or Teams, or production) seeds nothing and removes demo sessions left over
// from a terminal try-out on the same database: the real dates come from the secretariat.
import type { Db } from "../db/client.ts";
import type { Logger } from "../core/logger.ts";
import { describeProblems, readSessionsFile } from "./session-file.ts";
import { projectPath } from "../project-root.ts";

export const DEFAULT_SESSIONS_FILE = projectPath("knowledge/sessions.yaml");

export class SessionSeedError extends Error {
  constructor(file: string, details: string) {
    super(`The sessions file ${file} has problems; fix them and start again:\n${details}`);
    this.name = "SessionSeedError";
  }
}

/** Loads the demo series when there are no sessions yet; returns how many were written. */
export async function seedSessionsIfEmpty(db: Db, areaIds: ReadonlySet<string>, log: Logger, file = DEFAULT_SESSIONS_FILE): Promise<number> {
  if ((await db.session.count()) > 0) return 0;
  const { sessions, problems } = readSessionsFile(file, areaIds);
  if (problems.length) throw new SessionSeedError(file, describeProblems(problems));
  // Two instances starting together: the unique series number lets only one row per number in.
  const r = await db.session.createMany({ data: sessions.map((s) => ({ ...s, demo: true })), skipDuplicates: true });
  if (r.count) log.info("demo sessions seeded", { count: r.count });
  return r.count;
}

/**
 * A deployment's start: demo sessions (and the try-out bookings of them) are removed, so that
 * nobody can book a session that does not exist. Returns how many sessions went.
 */
export async function retireDemoSessions(db: Db, log: Logger): Promise<number> {
  const removed = await db.$transaction(async (tx) => {
    const demo = await tx.session.findMany({ where: { demo: true }, select: { id: true } });
    if (!demo.length) return 0;
    const ids = demo.map((s) => s.id);
    await tx.booking.deleteMany({ where: { sessionId: { in: ids } } });
    return (await tx.session.deleteMany({ where: { id: { in: ids } } })).count;
  });
  if (removed) log.warn("demo sessions removed: this is a deployment (Slack or Teams configured, or production); add or import the real ones", { count: removed });
  return removed;
}
