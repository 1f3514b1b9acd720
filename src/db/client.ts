// The one place a Prisma client is made: PGlite in-process by default, a PostgreSQL server when
// a connection string is given. Both run the same schema and the same migrations.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "./generated/client.ts";
import { migrationsUpToDate } from "./migration-state.ts";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.ts";
import { TenantWalls, WALLED_ROLE } from "./walls.ts";
import { copyTemplate, writeTemplate } from "./pglite-template.ts";
import { fencedAdapterFactory, TurnEffects } from "./turn-effects.ts";

export type Db = PrismaClient;
export { Prisma } from "./generated/client.ts";
export { TenantWalls } from "./walls.ts";
export { TurnEffects } from "./turn-effects.ts";

export interface DbTarget {
  /** postgresql://... ; when absent, embedded PGlite is used */
  databaseUrl?: string;
  /** where PGlite keeps its files; "memory://" for a throwaway database */
  dataDir: string;
  /** DATA_DIR's lock when the caller took it already (main.ts does, before loading the rest) */
  lock?: DataDirLock;
  /**
   * PostgreSQL: run the turns' statements as the walled role (src/db/walls.ts); default true.
   * PGlite runs without the walls.
   */
  tenantWalls?: boolean;
}

export interface DbHandle {
  prisma: Db;
  kind: "pglite" | "postgres";
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** the organisation scope of a turn's statements, and the narrow path across companies */
  walls: TenantWalls;
  /** the data changes of a turn, written with a mark of its delivery (replays change nothing twice) */
  effects: TurnEffects;
  close(): Promise<void>;
}

export async function openDb(target: DbTarget): Promise<DbHandle> {
  if (target.databaseUrl) {
    // PostgreSQL's driver and Prisma's adapter for it are loaded only here: a start on PGlite does without them
    const [{ PrismaPg }, { walledPool }] = await Promise.all([import("@prisma/adapter-pg"), import("./walled-pool.ts")]);
    const walls = new TenantWalls(target.tenantWalls ?? true);
    const poolConfig = { connectionString: target.databaseUrl, max: 10 };
    const adapterFactory = walls.enforced
      ? new PrismaPg(walledPool(poolConfig, walls), { disposeExternalPool: true, statementNameGenerator: keptPlanName })
      : new PrismaPg(poolConfig, { statementNameGenerator: keptPlanName });
    const effects = new TurnEffects();
    const prisma = new PrismaClient({ adapter: fencedAdapterFactory(adapterFactory, effects) });
    return { prisma, kind: "postgres", adapterFactory, walls, effects, close: () => prisma.$disconnect() };
  }
  if (target.dataDir === "memory://") return wrapPglite(await PGlite.create({ dataDir: "memory://", postgresqlconf: PGLITE_CONF }));
  // one process per embedded database: refused at once when another process holds DATA_DIR
  const lock = target.lock ?? lockDataDir(target.dataDir);
  try {
    const dir = join(target.dataDir, "pglite");
    // a new database: a copy of the build's migrated template when there is one (pglite-template.ts)
    if (!existsSync(dir) || readdirSync(dir).length === 0) copyTemplate(dir);
    mkdirSync(dir, { recursive: true }); // DATA_DIR itself exists now
    return wrapPglite(await PGlite.create({ dataDir: dir, postgresqlconf: PGLITE_CONF }), lock.release);
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * A raw statement that begins with `/* kept plan: <name> *\/` is prepared once per connection under
 * that name, and PostgreSQL keeps its plan: for the few statements of a turn whose planning costs
 * as much as running them. Only those: every statement kept stays prepared on each connection.
 */
const KEPT_PLAN = /^\s*\/\* kept plan: ([a-z_]+) \*\//;
export function keptPlanName(q: { sql: string }): string {
  return KEPT_PLAN.exec(q.sql)?.[1] ?? ""; // "": unnamed, planned each time
}

// PostgreSQL's default 128 MB of shared buffers is sized for a server; the embedded database
// serves one small deployment, and this keeps the process's resident memory ~100 MB lower.
const PGLITE_CONF = ["shared_buffers = 16MB", "wal_buffers = 1MB"];

/** A handle over an open PGlite (tests start theirs from a migrated snapshot). */
export function wrapPglite(pglite: PGlite, afterClose?: () => void): DbHandle {
  const adapterFactory = new PrismaPGlite(pglite);
  const effects = new TurnEffects();
  const prisma = new PrismaClient({ adapter: fencedAdapterFactory(adapterFactory, effects) });
  return {
    prisma,
    kind: "pglite",
    adapterFactory,
    walls: new TenantWalls(false),
    effects,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
      afterClose?.();
    },
  };
}

/** Opens the database and brings it to the latest migration. */
export async function openMigratedDb(target: DbTarget): Promise<DbHandle> {
  const db = await openDb(target);
  try {
    // the schema engine (WebAssembly) is loaded only when there is something to apply
    if (!(await migrationsUpToDate(db.prisma))) await (await import("./schema-engine.ts")).applyMigrations(db.adapterFactory);
    if (db.walls.enforced) await checkWalledRole(db.prisma);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

/** The walls need the connecting role to be able to become the walled one: said at start-up, not at the first turn. */
async function checkWalledRole(prisma: Db): Promise<void> {
  try {
    await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL ROLE ${WALLED_ROLE}`);
    });
  } catch (e) {
    throw new Error(
      `The tenant walls need the database role "${WALLED_ROLE}" and the right to switch to it: ` +
        `as an administrator, run CREATE ROLE ${WALLED_ROLE} NOLOGIN NOBYPASSRLS (if missing), GRANT ${WALLED_ROLE} TO <the role of DATABASE_URL>, ` +
        `and the grants of prisma/migrations/20261202145500_tenant_walls (README: tenant walls). ` +
        `To run without them (not recommended with several companies), set TENANT_WALLS=off. (${(e as Error).message.split("\n")[0]})`,
    );
  }
}

/**
 * Writes the template new embedded databases start from (the build calls this; pglite-template.ts):
 * a database initialised by PGlite and brought to the latest migration by Prisma's schema engine.
 */
export async function writePgliteTemplate(templateDir?: string): Promise<void> {
  await writeTemplate(async (dataDir) => {
    mkdirSync(dataDir, { recursive: true });
    const db = wrapPglite(await PGlite.create({ dataDir, postgresqlconf: PGLITE_CONF }));
    try {
      await (await import("./schema-engine.ts")).applyMigrations(db.adapterFactory);
    } finally {
      await db.close();
    }
  }, templateDir);
}
