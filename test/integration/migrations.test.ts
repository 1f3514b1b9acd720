// Prisma's schema and the migration history must agree, and the history must apply cleanly
// (twice: the second time applies nothing) on PGlite and on PostgreSQL.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyMigrations, pendingSchemaSql, readMigrationsList } from "../../src/db/schema-engine.ts";
import { describeEachDb, openTestDb } from "../helpers/db.ts";
import type { DbHandle } from "../../src/db/client.ts";

it("schema.prisma and prisma/migrations agree (run `npm run db:new-migration -- <name>` if not)", async () => {
  const scratch = await PGlite.create("memory://");
  const sql = await pendingSchemaSql(new PrismaPGlite(scratch));
  await scratch.close();
  expect(sql.trim()).toBe("");
});

it("the drift check notices a schema change that has no migration", async () => {
  const { readSchema } = await import("../../src/db/schema-engine.ts");
  const changed = readSchema().replace("model Feedback {", "model Feedback {\n  extraColumn String?");
  const scratch = await PGlite.create("memory://");
  const { openSchemaEngine } = await import("../../src/db/schema-engine.ts");
  const engine = await openSchemaEngine(new PrismaPGlite(scratch), changed);
  await engine.applyMigrations({ migrationsList: readMigrationsList(), filters: { externalTables: [], externalEnums: [] } });
  const introspected = await engine.introspect({
    schema: { files: [{ path: "schema.prisma", content: changed }] },
    baseDirectoryPath: ".",
    force: true,
    compositeTypeDepth: -1,
    namespaces: null,
  });
  const diff = await engine.diff({
    from: { tag: "schemaDatamodel", files: introspected.schema.files },
    to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: changed }] },
    script: true,
    exitCode: true,
    filters: { externalTables: [], externalEnums: [] },
  });
  engine.free();
  await scratch.close();
  expect(diff.exitCode).toBe(2);
  expect(diff.stdout).toContain("extraColumn");
});

describeEachDb("migrations", (kind) => {
  let db: DbHandle;
  beforeAll(async () => {
    db = await openTestDb(kind);
  });
  afterAll(async () => db?.close());

  it("are recorded in _prisma_migrations and apply nothing the second time", async () => {
    expect(await applyMigrations(db.adapterFactory)).toEqual([]);
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(readMigrationsList().migrationDirectories.map((d) => d.path));
  });

  it("enforce the seat CHECK constraint the schema language cannot express", async () => {
    await expect(
      db.prisma.session.create({
        data: { seriesNo: 99, title: "t", areas: [], startsAt: new Date(), endsAt: new Date(), format: "online", capacity: 1, confirmedCount: 2 },
      }),
    ).rejects.toThrow();
  });
});

it("start-up skips the schema engine only when every migration is applied unchanged", async () => {
  const { wrapPglite } = await import("../../src/db/client.ts");
  const { migrationsUpToDate, localMigrations } = await import("../../src/db/migration-state.ts");
  const db = wrapPglite(await PGlite.create("memory://"));
  try {
    expect(localMigrations().size).toBe(readMigrationsList().migrationDirectories.length);
    expect(await migrationsUpToDate(db.prisma)).toBe(false); // a new database
    await applyMigrations(db.adapterFactory);
    expect(await migrationsUpToDate(db.prisma)).toBe(true); // the checksums agree with Prisma's
    // a migration added since, or one whose file changed, sends start-up to the engine again
    expect(await migrationsUpToDate(db.prisma, new Map([...localMigrations(), ["29991231000000_next", "x"]]))).toBe(false);
    const [first] = [...localMigrations().keys()].sort();
    await db.prisma.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET checksum = 'changed' WHERE migration_name = $1`, first);
    expect(await migrationsUpToDate(db.prisma)).toBe(false);
  } finally {
    await db.close();
  }
});

it("an existing database: the seeded series, untouched and unbooked, becomes the demo; edited or booked sessions stay real", async () => {
  const { openSchemaEngine } = await import("../../src/db/schema-engine.ts");
  const scratch = await PGlite.create("memory://");
  const all = readMigrationsList();
  const upTo = (pred: (name: string) => boolean) => ({ ...all, migrationDirectories: all.migrationDirectories.filter((d) => pred(d.path)) });
  const apply = async (list: ReturnType<typeof readMigrationsList>) => {
    const engine = await openSchemaEngine(new PrismaPGlite(scratch));
    try {
      await engine.applyMigrations({ migrationsList: list, filters: { externalTables: [], externalEnums: [] } });
    } finally {
      engine.free();
    }
  };
  await apply(upTo((name) => name < "20261202182313"));
  // as the old seed wrote them (sessions 1-3 at their seeded start), then: 2 edited, 3 booked; 4 added by the secretariat
  const row = (no: number, start: string, provisional: boolean, sequence: number) =>
    scratch.query(
      `INSERT INTO "Session" (id, "seriesNo", title, areas, "startsAt", "endsAt", format, capacity, provisional, sequence, "updatedAt")
       VALUES (gen_random_uuid(), $1, 't', '{}', $2::timestamp, $2::timestamp + interval '2 hours', 'online', 10, $3, $4, now())`,
      [no, start, provisional, sequence],
    );
  await row(1, "2027-01-21 05:00:00", true, 0);
  await row(2, "2027-02-18 05:00:00", true, 1);
  await row(3, "2027-03-18 05:00:00", true, 0);
  await row(4, "2027-04-15 05:00:00", false, 0);
  await scratch.query(`INSERT INTO "Organization" (id, "externalKey", platform) VALUES ('00000000-0000-0000-0000-000000000001', 'console:x', 'console')`);
  await scratch.query(
    `INSERT INTO "Booking" (id, "sessionId", "orgId", "userId", status, platform, "queuedAt", "updatedAt")
     SELECT gen_random_uuid(), id, '00000000-0000-0000-0000-000000000001', gen_random_uuid(), 'confirmed', 'console', now(), now() FROM "Session" WHERE "seriesNo" = 3`,
  );
  await apply(all);
  const r = await scratch.query<{ seriesNo: number; demo: boolean }>(`SELECT "seriesNo", demo FROM "Session" ORDER BY "seriesNo"`);
  await scratch.close();
  expect(r.rows).toEqual([
    { seriesNo: 1, demo: true },
    { seriesNo: 2, demo: false },
    { seriesNo: 3, demo: false },
    { seriesNo: 4, demo: false },
  ]);
});
