// Launch day, for `npm run bench`: N companies (default 1,000; `--orgs 3240` or 10000) each book
// one of the 12 sessions at the same moment, on one instance (one BookingService, one pool of 10
// connections) on PostgreSQL. Capacity is N/12 per session, so the seats end exactly full. The
// baselines in the same run are the same rush with the seat queue answering one request per
// transaction (seatBatch 1, as before group commit) and without the queue at all (every
// transaction asks the pool at once). Reports each company's wait (p50/p99/max), the process's CPU
// time, retried transactions, "busy" answers, and whether the seats are exactly filled.
import { randomUUID } from "node:crypto";
import { openMigratedDb } from "../src/db/client.ts";
import { createLogger } from "../src/core/logger.ts";
import { BookingService } from "../src/booking/booking-service.ts";
import { BookingBusyError } from "../src/booking/retry.ts";
import type { SessionFields } from "../src/booking/session-data.ts";
import { percentile, round } from "./stats.ts";
import { withScratchDatabase } from "./postgres.ts";

/** the 12 consultation sessions of the year */
export const SESSIONS = 12;

/** group: the seat queue with group commit; one_by_one: the queue, one request per transaction; none: no queue */
export type RushMode = "group" | "one_by_one" | "none";
export const RUSH_MODES: Record<RushMode, string> = { group: "seat queue, group commit", one_by_one: "seat queue, one by one (before)", none: "no queue (before)" };

export interface RushRun {
  companies: number;
  mode: RushMode;
  total_s: number;
  /** CPU time of this process during the rush (user + system) */
  cpu_s: number;
  p50_wait_ms: number;
  p99_wait_ms: number;
  max_wait_ms: number;
  retried: number;
  busy: number;
  other_errors: number;
  /** every session's confirmed seats equal its capacity, in the answers and in the database */
  exactly_filled: boolean;
}

/** One of the rush's sessions: open, online, one seat per company (rush-turns.ts uses it too). */
export function rushSession(seriesNo: number, capacity: number, startsAt: Date): SessionFields {
  return {
    seriesNo,
    title: `rush ${seriesNo}`,
    topic: "",
    areas: [],
    startsAt,
    endsAt: new Date(startsAt.getTime() + 7_200_000),
    format: "online",
    url: null,
    venue: null,
    capacity,
    perOrgCap: 1,
    opensAt: null,
    closesAt: null,
    cancelCutoffAt: null,
    status: "open",
    provisional: false,
  };
}

async function rushOnce(url: string, companies: number, mode: RushMode): Promise<RushRun> {
  const db = await openMigratedDb({ databaseUrl: url, dataDir: "memory://" });
  try {
    let retried = 0;
    const log = createLogger("warn", {}, (line) => {
      if (line.includes("booking transaction retried")) retried++;
    });
    const service = new BookingService(db.prisma, {
      areaIds: new Set(),
      log,
      seatConcurrency: mode === "none" ? 0 : undefined,
      seatBatch: mode === "one_by_one" ? 1 : undefined,
    });
    const now = new Date();
    const capacity = Math.ceil(companies / SESSIONS);
    for (let s = 1; s <= SESSIONS; s++) await service.addSession(rushSession(s, capacity, new Date(now.getTime() + (30 + s) * 86_400_000)));
    const orgs = Array.from({ length: companies }, () => ({ id: randomUUID(), externalKey: `bench:${randomUUID()}`, platform: "console" }));
    await db.prisma.organization.createMany({ data: orgs });
    // warm-up: the pool's connections open, the plans compiled
    await Promise.all(Array.from({ length: 10 }, () => db.prisma.$queryRaw`SELECT 1`));

    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const waits: number[] = [];
    let busy = 0;
    let other = 0;
    let confirmed = 0;
    await Promise.all(
      orgs.map(async (o, i) => {
        try {
          const r = await service.book((i % SESSIONS) + 1, { userId: randomUUID(), orgId: o.id, platform: "console" }, { waitlist: true }, now);
          if (r.kind === "confirmed") confirmed++;
        } catch (e) {
          if (e instanceof BookingBusyError) busy++;
          else other++;
        } finally {
          waits.push(performance.now() - started);
        }
      }),
    );
    const total = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const stored = await db.prisma.session.findMany({ select: { capacity: true, confirmedCount: true, _count: { select: { bookings: { where: { status: "confirmed" } } } } } });
    const filled = companies % SESSIONS === 0 ? stored.every((s) => s.confirmedCount === s.capacity && s._count.bookings === s.capacity) : stored.every((s) => s.confirmedCount <= s.capacity);
    return {
      companies,
      mode,
      total_s: round(total / 1000, 1),
      cpu_s: round((cpu.user + cpu.system) / 1e6, 1),
      p50_wait_ms: Math.round(percentile(waits, 50)),
      p99_wait_ms: Math.round(percentile(waits, 99)),
      max_wait_ms: Math.round(Math.max(...waits)),
      retried,
      busy,
      other_errors: other,
      exactly_filled: filled && confirmed === stored.reduce((a, s) => a + s._count.bookings, 0) && busy + other === 0,
    };
  } finally {
    await db.close();
  }
}

/** The rush with group commit, and the two baselines, each on its own scratch database. */
export async function measureRush(serverUrl: string, companies: number, modes: RushMode[] = ["none", "one_by_one", "group"]): Promise<RushRun[]> {
  const runs: RushRun[] = [];
  for (const mode of modes) runs.push(await withScratchDatabase(serverUrl, (url) => rushOnce(url, companies, mode)));
  return runs;
}

// `node --import tsx bench/rush.ts [companies]`: this section alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  console.log(JSON.stringify(await measureRush(url, Number(process.argv[2] ?? 1000)), null, 2));
  process.exit(0);
}
