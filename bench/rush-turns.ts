// The launch-day rush as people make it: N companies (one person each, known to the bot from an
// earlier message) press 予約 for one of the 12 sessions at the same moment, each press a whole
// turn through the pipeline (identity, conversation state, the booking, the reply) on one instance
// with PostgreSQL and the tenant walls. rush.ts times the booking service alone; this adds what a
// turn costs around it. Reports each company's wait (p50/p99), CPU time, the answers by kind
// (booked, waitlisted, "busy", apologies) and whether the seats are exactly filled.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import type { Turn } from "../src/core/turn.ts";
import { percentile, round } from "./stats.ts";
import { SESSIONS, rushSession } from "./rush.ts";


export async function measureRushTurns(databaseUrl: string, companies: number) {
  let transient = 0;
  let gaveUp = 0;
  const log = createLogger("warn", {}, (line) => {
    if (line.includes("transient database error")) transient++;
    if (line.includes("booking gave up")) gaveUp++;
  });
  const config = loadConfig({ NODE_ENV: "production", DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-rush-")), DATABASE_URL: databaseUrl });
  const app = await createApp(config, { log });
  try {
    const db = app.services.db;
    const now = new Date();
    const capacity = Math.ceil(companies / SESSIONS);
    for (let s = 1; s <= SESSIONS; s++) await app.services.booking.addSession(rushSession(s, capacity, new Date(now.getTime() + (30 + s) * 86_400_000)));
    // the companies and their people, as earlier messages would have left them
    const orgs = Array.from({ length: companies }, (_, i) => ({ id: randomUUID(), externalKey: `slack:TRUSH${i}`, platform: "slack", name: `rush ${i}` }));
    for (let i = 0; i < orgs.length; i += 1000) {
      const part = orgs.slice(i, i + 1000);
      await db.organization.createMany({ data: part });
      await db.user.createMany({ data: part.map((o, j) => ({ orgId: o.id, platform: "slack", platformUserId: `URUSH${i + j}`, role: "admin" })) });
    }
    const turn = (i: number): Turn => ({
      platform: "slack",
      deliveryId: `rush-${process.pid}-${i}`,
      org: { externalKey: `slack:TRUSH${i}`, name: `rush ${i}` },
      user: { platformUserId: `URUSH${i}` },
      conversation: { key: `slack:DRUSH${i}`, kind: "personal" },
      input: { kind: "action", action: { intent: "session_book", params: { seriesNo: (i % SESSIONS) + 1, waitlist: true } } },
      receivedAt: now,
    });
    await Promise.all(Array.from({ length: 10 }, () => db.$queryRaw`SELECT 1`));

    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const waits: number[] = [];
    const kinds: Record<string, number> = {};
    await Promise.all(
      orgs.map(async (_, i) => {
        const r = await app.pipeline.handle(turn(i));
        waits.push(performance.now() - started);
        const text = r?.reply.text ?? "";
        const k = r?.intent === "error" ? "apology" : text.includes("席を予約しました") ? "booked" : text.includes("キャンセル待ち") ? "waitlisted" : "other";
        kinds[k] = (kinds[k] ?? 0) + 1;
      }),
    );
    const total = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const stored = await db.session.findMany({ select: { capacity: true, confirmedCount: true, _count: { select: { bookings: { where: { status: "confirmed" } } } } } });
    return {
      companies,
      total_s: round(total / 1000, 1),
      cpu_s: round((cpu.user + cpu.system) / 1e6, 1),
      p50_wait_ms: Math.round(percentile(waits, 50)),
      p99_wait_ms: Math.round(percentile(waits, 99)),
      answers: kinds,
      busy: gaveUp,
      turns_retried: transient,
      exactly_filled: stored.every((s) => s._count.bookings === s.confirmedCount && (companies % SESSIONS ? s.confirmedCount <= s.capacity : s.confirmedCount === s.capacity)),
    };
  } finally {
    await app.close();
  }
}
