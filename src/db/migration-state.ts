// Whether a database already has every migration of prisma/migrations, read from Prisma's own
// table (`_prisma_migrations`) with one query: then start-up skips the schema engine, whose
// WebAssembly takes ~0.3 s and ~50 MB to load for nothing. Any doubt (no table, a migration
// missing, failed or rolled back, a file changed since it was applied) leaves it to the engine.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PrismaClient } from "./generated/client.ts";
import { projectPath } from "../project-root.ts";

export const MIGRATIONS_DIR = projectPath("prisma/migrations/");

/** Migration folder name → sha256 of its migration.sql, as Prisma records it. */
export function localMigrations(dir = MIGRATIONS_DIR): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, d.name, "migration.sql");
    if (d.isDirectory() && existsSync(file)) out.set(d.name, createHash("sha256").update(readFileSync(file)).digest("hex"));
  }
  return out;
}

export async function migrationsUpToDate(prisma: PrismaClient, local = localMigrations()): Promise<boolean> {
  try {
    const rows = await prisma.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    for (const [name, sum] of local) if (applied.get(name) !== sum) return false;
    return true;
  } catch {
    return false; // a new database: no table yet
  }
}
