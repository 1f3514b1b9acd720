// Test databases: an in-memory PGlite started from a migrated snapshot (fast), and, when
// TEST_DATABASE_URL is set, a fresh database on that PostgreSQL server, dropped afterwards.
import { PGlite } from "@electric-sql/pglite";
import { describe } from "vitest";
import { openMigratedDb, wrapPglite, type DbHandle } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/schema-engine.ts";
import { createScratchDatabase } from "./scratch-database.ts";

export type DbKind = "pglite" | "postgres";

let snapshot: Promise<Blob> | undefined;
function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const pglite = await PGlite.create("memory://");
    await applyMigrations(wrapPglite(pglite).adapterFactory);
    const blob = await pglite.dumpDataDir("none");
    await pglite.close();
    return blob;
  })();
  return snapshot;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export async function openTestDb(kind: DbKind = "pglite"): Promise<DbHandle> {
  if (kind === "pglite") {
    const pglite = await PGlite.create({ loadDataDir: await migratedSnapshot() });
    return wrapPglite(pglite);
  }
  if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
  const scratch = await createScratchDatabase(TEST_DATABASE_URL);
  const db = await openMigratedDb({ databaseUrl: scratch.url, dataDir: "memory://" });
  return {
    ...db,
    close: async () => {
      await db.close();
      await scratch.drop();
    },
  };
}

/**
 * Runs a suite on PGlite, and again on PostgreSQL when TEST_DATABASE_URL is set; without it the
 * PostgreSQL run is reported as skipped, with the reason in its name.
 */
export function describeEachDb(name: string, fn: (kind: DbKind) => void): void {
  describe(`${name} [pglite]`, () => fn("pglite"));
  if (TEST_DATABASE_URL) describe(`${name} [postgres]`, () => fn("postgres"));
  else describe.skip(`${name} [postgres] (skipped: set TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test)`, () => fn("postgres"));
}
