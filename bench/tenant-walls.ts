// The cost of the tenant walls on recording an answer, at the database: the same write (the
// answer's upsert and its audit row, in one transaction) as the tables' owner (no walls) and as
// the walled role jama_app with the organisation set for the transaction (on PostgreSQL as the bot
// does it, sent with BEGIN; on PGlite as one set_config statement of its own), alternating, so
// both see the same machine: the database's share of the cost. measureWalledTurns (PostgreSQL) times the whole turn as the bot
// runs it: the same pipeline with TENANT_WALLS on and off, on one database, interleaved.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openMigratedDb } from "../src/db/client.ts";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import type { Turn } from "../src/core/turn.ts";
import { percentile, round } from "./stats.ts";

export interface WallCost {
  db: "pglite" | "postgres";
  n: number;
  walls: { p50_ms: number; p99_ms: number };
  none: { p50_ms: number; p99_ms: number };
  ratio_p50: number;
}

export async function measureTenantWalls(n: number, databaseUrl?: string): Promise<WallCost> {
  const handle = await openMigratedDb({ databaseUrl, dataDir: "memory://" });
  const db = handle.prisma;
  try {
    const org = await db.organization.create({ data: { externalKey: `bench:${randomUUID()}`, platform: "console" } });
    const user = await db.user.create({ data: { orgId: org.id, platform: "console", platformUserId: "bench" } });
    const a = await db.assessment.create({ data: { orgId: org.id, fiscalYear: 2026, guidelineVersion: "v2.2" } });
    // PostgreSQL: the walls as the bot applies them (src/db/walls.ts: role and organisation sent
    // with BEGIN); PGlite has no such pool, so the same settings go in a statement of their own
    const record = (walled: boolean, i: number) =>
      walled && handle.walls.enforced ? handle.walls.forOrg(org.id, () => write(false, i)) : write(walled, i);
    const write = (walled: boolean, i: number) =>
      db.$transaction(async (tx) => {
        if (walled) {
          // one round trip: the role and the organisation, both for this transaction only
          await tx.$queryRaw`SELECT set_config('role', 'jama_app', true), set_config('app.org_id', ${org.id}, true)`;
        }
        const itemNo = 1 + (i % 153);
        const status = i % 2 ? "achieved" : "not_achieved";
        await tx.answer.upsert({
          where: { assessmentId_itemNo: { assessmentId: a.id, itemNo } },
          create: { assessmentId: a.id, orgId: org.id, itemNo, status, answeredById: user.id },
          update: { status, revision: { increment: 1 } },
        });
        await tx.answerEvent.create({ data: { assessmentId: a.id, orgId: org.id, itemNo, actorId: user.id, channel: "console", kind: "set", newStatus: status } });
      });
    for (let i = 0; i < 30; i++) await record(i % 2 === 0, i); // warm-up
    const walls: number[] = [];
    const none: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const walled of i % 2 ? [true, false] : [false, true]) {
        const t = performance.now();
        await record(walled, i);
        (walled ? walls : none).push(performance.now() - t);
      }
    }
    const f = (xs: number[]) => ({ p50_ms: round(percentile(xs, 50)), p99_ms: round(percentile(xs, 99)) });
    return { db: handle.kind, n, walls: f(walls), none: f(none), ratio_p50: round(percentile(walls, 50) / percentile(none, 50)) };
  } finally {
    await handle.close();
  }
}

export interface WalledTurnCost {
  n: number;
  walls: { p50_ms: number; p99_ms: number };
  none: { p50_ms: number; p99_ms: number };
  ratio_p50: number;
}

let seq = 0;
function turn(text: string, org: string): Turn {
  return {
    platform: "console",
    deliveryId: `bench-walls-${process.pid}-${++seq}`,
    org: { externalKey: `console:bench-walls-${org}` },
    user: { platformUserId: "recorder" },
    conversation: { key: `console:bench-walls:${org}`, kind: "personal" },
    input: { kind: "text", text },
    receivedAt: new Date(),
  };
}

/** "No.Nは達成" through the whole pipeline, walled and not, on one PostgreSQL database. */
export async function measureWalledTurns(n: number, databaseUrl: string): Promise<WalledTurnCost> {
  const env = (walls: string) =>
    loadConfig({ NODE_ENV: "production", DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-walls-")), DATABASE_URL: databaseUrl, TENANT_WALLS: walls });
  const log = createLogger("error");
  const walled = await createApp(env("on"), { log });
  const plain = await createApp(env("off"), { log });
  try {
    if (!walled.db.walls.enforced || plain.db.walls.enforced) throw new Error("the two apps do not differ in their walls");
    const time = async (app: typeof walled, org: string, i: number) => {
      const t0 = performance.now();
      const r = await app.pipeline.handle(turn(`No.${1 + (i % 153)}は${i % 2 ? "達成" : "未達成"}`, org));
      const ms = performance.now() - t0;
      if (r?.intent !== "record_answer") throw new Error(`went to ${r?.intent}`);
      return ms;
    };
    for (let i = 0; i < 20; i++) {
      await time(walled, "on", i);
      await time(plain, "off", i);
    }
    const walls: number[] = [];
    const none: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const on of i % 2 ? [true, false] : [false, true]) {
        if (on) walls.push(await time(walled, "on", i));
        else none.push(await time(plain, "off", i));
      }
    }
    const f = (xs: number[]) => ({ p50_ms: round(percentile(xs, 50)), p99_ms: round(percentile(xs, 99)) });
    return { n, walls: f(walls), none: f(none), ratio_p50: round(percentile(walls, 50) / percentile(none, 50)) };
  } finally {
    await walled.close();
    await plain.close();
  }
}
