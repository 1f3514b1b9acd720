// Booking under concurrent load, for `npm run bench`: how many booking attempts per second the
// seat logic takes when many arrive at once for a few seats, with the correctness check (exactly
// the capacity confirmed, no errors) in the same run. On embedded PGlite always; on PostgreSQL when
// a server URL is given, in a throwaway database, through several Prisma clients (each its own
// connection pool, like several bot instances).
import { randomUUID } from "node:crypto";
import { openDb, openMigratedDb, type DbHandle } from "../src/db/client.ts";
import { createLogger } from "../src/core/logger.ts";
import { BookingService, type BookOutcome } from "../src/booking/booking-service.ts";
import type { SessionFields } from "../src/booking/session-data.ts";
import { createScratchDatabase } from "../test/helpers/scratch-database.ts";

export interface BookingBenchOptions {
  /** a PostgreSQL server (the role must be allowed to CREATE DATABASE); absent: PGlite only */
  databaseUrl?: string;
  /** concurrent booking attempts (default 500) */
  attempts?: number;
  /** seats in the session (default 20) */
  capacity?: number;
  /** Prisma clients on PostgreSQL (default 4) */
  clients?: number;
}

export interface BookingBenchRun {
  db: "pglite" | "postgres";
  attempts: number;
  capacity: number;
  clients: number;
  confirmed: number;
  waitlisted: number;
  full: number;
  /** attempts that threw (must be 0) */
  errors: number;
  ms: number;
  attempts_per_s: number;
  /** confirmed == capacity in the answers and in the database, no errors, nothing else */
  correct: boolean;
}

export interface BookingBenchFigures {
  pglite: BookingBenchRun;
  postgres: BookingBenchRun | { skipped: string };
}

function session(seriesNo: number, capacity: number): SessionFields {
  return {
    seriesNo,
    title: `bench ${seriesNo}`,
    topic: "",
    areas: [],
    startsAt: new Date(Date.now() + 30 * 86_400_000),
    endsAt: new Date(Date.now() + 30 * 86_400_000 + 7_200_000),
    format: "online",
    url: null,
    venue: null,
    capacity,
    perOrgCap: capacity,
    opensAt: null,
    closesAt: null,
    cancelCutoffAt: null,
    status: "open",
    provisional: false,
  };
}

async function run(kind: "pglite" | "postgres", handles: DbHandle[], attempts: number, capacity: number): Promise<BookingBenchRun> {
  const log = createLogger("silent");
  const services = handles.map((h) => new BookingService(h.prisma, { areaIds: new Set(), log }));
  const db = handles[0].prisma;
  await services[0].addSession(session(1, capacity));
  await services[0].addSession(session(2, 1));
  const orgs = Array.from({ length: Math.max(1, Math.ceil(attempts / 4)) }, () => ({ id: randomUUID(), externalKey: `bench:${randomUUID()}`, platform: "console" }));
  await db.organization.createMany({ data: orgs });
  const now = new Date();
  // warm-up: connections open, query plans compiled
  await Promise.all(services.map((s, i) => s.book(2, { userId: randomUUID(), orgId: orgs[i % orgs.length].id, platform: "console" }, { waitlist: true }, now)));

  const started = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: attempts }, (_, i) =>
      services[i % services.length].book(1, { userId: randomUUID(), orgId: orgs[i % orgs.length].id, platform: "console" }, { waitlist: i % 2 === 0 }, now),
    ),
  );
  const ms = performance.now() - started;
  const outcomes = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const count = (k: BookOutcome["kind"]) => outcomes.filter((o) => o.kind === k).length;
  const stored = await db.session.findUniqueOrThrow({ where: { seriesNo: 1 } });
  const rows = await db.booking.count({ where: { sessionId: stored.id, status: "confirmed" } });
  const confirmed = count("confirmed");
  const errors = settled.length - outcomes.length;
  const r = {
    db: kind,
    attempts,
    capacity,
    clients: handles.length,
    confirmed,
    waitlisted: count("waitlisted"),
    full: count("full"),
    errors,
    ms: Math.round(ms),
    attempts_per_s: Math.round((attempts / ms) * 1000),
    correct: false,
  };
  r.correct = errors === 0 && confirmed === capacity && stored.confirmedCount === capacity && rows === capacity && r.confirmed + r.waitlisted + r.full === attempts;
  return r;
}

export async function measureBooking(opts: BookingBenchOptions = {}): Promise<BookingBenchFigures> {
  const attempts = opts.attempts ?? 500;
  const capacity = opts.capacity ?? 20;
  const lite = await openMigratedDb({ dataDir: "memory://" });
  let pglite: BookingBenchRun;
  try {
    pglite = await run("pglite", [lite], attempts, capacity);
  } finally {
    await lite.close();
  }
  if (!opts.databaseUrl) return { pglite, postgres: { skipped: "no PostgreSQL URL given" } };

  const scratch = await createScratchDatabase(opts.databaseUrl, "bench");
  const handles: DbHandle[] = [];
  try {
    handles.push(await openMigratedDb({ databaseUrl: scratch.url, dataDir: "memory://" }));
    for (let i = 1; i < (opts.clients ?? 4); i++) handles.push(await openDb({ databaseUrl: scratch.url, dataDir: "memory://" }));
    const postgres = await run("postgres", handles, attempts, capacity);
    return { pglite, postgres };
  } finally {
    for (const h of handles) await h.close();
    await scratch.drop();
  }
}
