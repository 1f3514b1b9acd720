// The provisional series in knowledge/sessions.yaml goes into the database at start-up, only when
// the Session table is empty: once the secretariat has sessions (edited in chat or imported),
// the file is never read into the database again.
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

/** Loads the seed when there are no sessions yet; returns how many were written. */
export async function seedSessionsIfEmpty(db: Db, areaIds: ReadonlySet<string>, log: Logger, file = DEFAULT_SESSIONS_FILE): Promise<number> {
  if ((await db.session.count()) > 0) return 0;
  const { sessions, problems } = readSessionsFile(file, areaIds);
  if (problems.length) throw new SessionSeedError(file, describeProblems(problems));
  // Two instances starting together: the unique series number lets only one row per number in.
  const r = await db.session.createMany({ data: sessions, skipDuplicates: true });
  if (r.count) log.info("sessions seeded", { count: r.count, provisional: sessions.some((s) => s.provisional) });
  return r.count;
}
