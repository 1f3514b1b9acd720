// Prisma's own schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm), driven
// through a driver adapter. It replaces the native binary that `prisma migrate` would download,
// which these machines cannot reach (see README, "Database"). Migrations stay in Prisma's folder
// format, so the ordinary CLI can take over wherever the binary is available.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as runtime from "@prisma/schema-engine-wasm/schema_engine_bg";
type SchemaEngine = runtime.SchemaEngine;
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import { projectPath } from "../project-root.ts";

export const PRISMA_DIR = projectPath("prisma/");
export const SCHEMA_PATH = join(PRISMA_DIR, "schema.prisma");
export const MIGRATIONS_DIR = join(PRISMA_DIR, "migrations");

// @types/node does not type the WebAssembly global; this file is its only user.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (module: unknown, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
};

let wasmReady = false;
function loadWasm(): void {
  if (wasmReady) return;
  const require = createRequire(import.meta.url);
  // the package does not export its .wasm file, so find it next to the exported entry point
  const pkgDir = dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const bytes = readFileSync(join(pkgDir, "schema_engine_bg.wasm"));
  // The engine arms timers (idle timeouts) that would keep a finished script or the terminal
  // chat alive for ~10 s after its work is done; they need not hold the process open.
  const imports: Record<string, unknown> = { ...runtime };
  for (const [name, fn] of Object.entries(runtime)) {
    if (name.startsWith("__wbg_setTimeout_") && typeof fn === "function")
      imports[name] = (...args: unknown[]) => {
        const timer = (fn as (...a: unknown[]) => { unref?: () => void })(...args);
        timer?.unref?.();
        return timer;
      };
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { "./schema_engine_bg.js": imports });
  runtime.__wbg_set_wasm(instance.exports as never);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  wasmReady = true;
}

export function readSchema(): string {
  return readFileSync(SCHEMA_PATH, "utf8");
}

export async function openSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schemaText = readSchema(),
): Promise<SchemaEngine> {
  loadWasm();
  // the bg module, not the package entry: the entry imports the .wasm as an ES module,
  // which Node 20 cannot load
  return runtime.SchemaEngine.new(
    { datamodels: [["schema.prisma", schemaText]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}

const filters = { externalTables: [], externalEnums: [] };

/** The migration folders in Prisma's format, oldest first. */
export function readMigrationsList() {
  const dirs = existsSync(MIGRATIONS_DIR)
    ? readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(MIGRATIONS_DIR, d.name, "migration.sql")))
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = join(MIGRATIONS_DIR, "migration_lock.toml");
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: readFileSync(join(MIGRATIONS_DIR, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

/** `prisma migrate deploy`: applies the migrations not yet applied; returns their names. */
export async function applyMigrations(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const engine = await openSchemaEngine(adapterFactory);
  try {
    const out = await engine.applyMigrations({ migrationsList: readMigrationsList(), filters });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * The SQL that takes a database migrated to the current history to what schema.prisma describes
 * ("" when they agree). `scratch` must be an empty database: the history is applied to it and
 * introspected, which needs no shadow database.
 */
export async function pendingSchemaSql(scratch: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  const current = readSchema();
  const engine = await openSchemaEngine(scratch, current);
  try {
    const migrationsList = readMigrationsList();
    let from: Parameters<SchemaEngine["diff"]>[0]["from"] = { tag: "empty" };
    if (migrationsList.migrationDirectories.length > 0) {
      await engine.applyMigrations({ migrationsList, filters });
      const introspected = await engine.introspect({
        schema: { files: [{ path: "schema.prisma", content: current }] },
        baseDirectoryPath: PRISMA_DIR,
        force: true,
        compositeTypeDepth: -1,
        namespaces: null,
      });
      from = { tag: "schemaDatamodel", files: introspected.schema.files };
    }
    const result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: current }] },
      script: true,
      exitCode: true,
      filters,
    });
    return result.exitCode === 2 ? (result.stdout ?? "") : "";
  } finally {
    engine.free();
  }
}
