// The one place a Prisma client is made: PGlite in-process by default, a PostgreSQL server when
// a connection string is given. Both run the same schema and the same migrations.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "./generated/client.ts";
import { applyMigrations } from "./schema-engine.ts";

export type Db = PrismaClient;
export { Prisma } from "./generated/client.ts";

export interface DbTarget {
  /** postgresql://... ; when absent, embedded PGlite is used */
  databaseUrl?: string;
  /** where PGlite keeps its files; "memory://" for a throwaway database */
  dataDir: string;
}

export interface DbHandle {
  prisma: Db;
  kind: "pglite" | "postgres";
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

export async function openDb(target: DbTarget): Promise<DbHandle> {
  if (target.databaseUrl) {
    const adapterFactory = new PrismaPg({ connectionString: target.databaseUrl, max: 10 });
    const prisma = new PrismaClient({ adapter: adapterFactory });
    return { prisma, kind: "postgres", adapterFactory, close: () => prisma.$disconnect() };
  }
  const dir = target.dataDir === "memory://" ? "memory://" : join(target.dataDir, "pglite");
  if (dir !== "memory://") mkdirSync(dir, { recursive: true });
  // PostgreSQL's default 128 MB of shared buffers is sized for a server; the embedded database
  // serves one small deployment, and this keeps the process's resident memory ~100 MB lower.
  return wrapPglite(await PGlite.create({ dataDir: dir, postgresqlconf: ["shared_buffers = 16MB", "wal_buffers = 1MB"] }));
}

/** A handle over an open PGlite (tests start theirs from a migrated snapshot). */
export function wrapPglite(pglite: PGlite): DbHandle {
  const adapterFactory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    prisma,
    kind: "pglite",
    adapterFactory,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/** Opens the database and brings it to the latest migration. */
export async function openMigratedDb(target: DbTarget): Promise<DbHandle> {
  const db = await openDb(target);
  await applyMigrations(db.adapterFactory);
  return db;
}
