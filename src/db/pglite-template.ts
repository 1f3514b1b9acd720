// A new embedded database starts as a copy of a template rather than from PostgreSQL's initdb:
// initdb inside PGlite's WebAssembly takes ~4-6 s of CPU and leaves ~700 MB resident, a copy of
// the ~40 MB template ~0.1 s. The build (scripts/build.mjs, run by `npm install`) makes the
// template once: a database initialised and migrated with every migration of the time, under
// dist/pglite-template/, with a stamp of PGlite's version and the migrations it holds.
//
// A template is used only when its PGlite version is the one installed; migrations added since it
// was made are applied at start-up as on any existing database (migration-state.ts), so an older
// template is never wrong, only a little slower. No template (no build, as under tsx and vitest):
// PGlite's initdb as before.
import { cpSync, existsSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { projectPath } from "../project-root.ts";
import { localMigrations } from "./migration-state.ts";

export const PGLITE_TEMPLATE_DIR = projectPath("dist/pglite-template/");
const STAMP = "template-stamp.json";

interface TemplateStamp {
  pglite: string;
  migrations: Record<string, string>;
}

/** The installed PGlite's version: a data directory belongs to the PostgreSQL build that made it. */
export function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve("@electric-sql/pglite");
  // the package's own package.json, found upwards from its entry point
  for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      const p = JSON.parse(readFileSync(pkg, "utf8")) as { name?: string; version?: string };
      if (p.name === "@electric-sql/pglite" && p.version) return p.version;
    }
  }
  throw new Error("the installed @electric-sql/pglite has no version");
}

function readStamp(templateDir: string): TemplateStamp | undefined {
  try {
    return JSON.parse(readFileSync(join(templateDir, STAMP), "utf8")) as TemplateStamp;
  } catch {
    return undefined;
  }
}

/** The template's database directory, when there is one for the installed PGlite. */
export function usableTemplate(templateDir = PGLITE_TEMPLATE_DIR): string | undefined {
  const stamp = readStamp(templateDir);
  const db = join(templateDir, "pgdata");
  return stamp?.pglite === pgliteVersion() && existsSync(join(db, "PG_VERSION")) ? db : undefined;
}

/** Whether the template holds the migrations of prisma/migrations as they are now. */
export function templateCurrent(templateDir = PGLITE_TEMPLATE_DIR): boolean {
  const stamp = readStamp(templateDir);
  if (!stamp || !usableTemplate(templateDir)) return false;
  const local = localMigrations();
  return local.size === Object.keys(stamp.migrations).length && [...local].every(([name, sum]) => stamp.migrations[name] === sum);
}

/**
 * Makes `target` (DATA_DIR/pglite, absent or an empty directory) a copy of the template, whole or
 * not at all: copied beside it under another name first, then renamed. False when there is no
 * usable template or the copy failed (then nothing is left behind and PGlite initialises it).
 */
export function copyTemplate(target: string, templateDir = PGLITE_TEMPLATE_DIR): boolean {
  const db = usableTemplate(templateDir);
  if (!db) return false;
  const partial = `${target}.copying-${process.pid}`;
  try {
    rmSync(partial, { recursive: true, force: true });
    cpSync(db, partial, { recursive: true });
    if (existsSync(target)) rmdirSync(target); // only ever an empty directory (throws otherwise)
    renameSync(partial, target);
    return true;
  } catch {
    rmSync(partial, { recursive: true, force: true });
    return false;
  }
}

/**
 * Writes the template (the build calls this): a new database in a scratch directory, brought to
 * the latest migration by `migrate`, closed, and moved into place with its stamp.
 */
export async function writeTemplate(migrate: (dataDir: string) => Promise<void>, templateDir = PGLITE_TEMPLATE_DIR): Promise<void> {
  const scratch = `${templateDir.replace(/\/$/, "")}.making-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    const migrations = Object.fromEntries(localMigrations());
    await migrate(join(scratch, "pgdata"));
    const stamp: TemplateStamp = { pglite: pgliteVersion(), migrations };
    writeFileSync(join(scratch, STAMP), JSON.stringify(stamp, null, 2) + "\n");
    rmSync(templateDir, { recursive: true, force: true });
    renameSync(scratch, templateDir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
