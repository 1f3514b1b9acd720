// The pool that applies the tenant walls (src/db/walled-pool.ts), on its own against PostgreSQL: a
// single statement inside an organisation's scope runs as "jama_app" with that organisation, in a
// transaction of its own sent in one round trip; a statement that fails leaves nothing behind, and
// when the walls cannot be set the statement is not run at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { TEST_DATABASE_URL } from "../helpers/db.ts";
import { createScratchDatabase } from "../helpers/scratch-database.ts";
import { openMigratedDb } from "../../src/db/client.ts";
import { walledPool } from "../../src/db/walled-pool.ts";
import { TenantWalls } from "../../src/db/walls.ts";

async function admin(url: string, sql: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql, values);
  } finally {
    await c.end();
  }
}

describe.skipIf(!TEST_DATABASE_URL)("the walled pool [postgres]", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let pool: pg.Pool;
  let readies = 0;
  const walls = new TenantWalls(true);
  const org = randomUUID();

  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    await (await openMigratedDb({ databaseUrl: scratch.url, dataDir: "memory://" })).close(); // creates jama_app
    await admin(scratch.url, `CREATE TABLE probe (x int PRIMARY KEY, who text DEFAULT current_user, org text DEFAULT current_setting('app.org_id', true), at timestamptz)`);
    await admin(scratch.url, `GRANT SELECT, INSERT, UPDATE ON probe TO jama_app`);
    pool = walledPool({ connectionString: scratch.url, max: 2 }, walls);
    // every ReadyForQuery the server sends: one per round trip of a statement
    pool.on("connect", (client) => (client as unknown as { connection: { on(e: string, f: () => void): void } }).connection.on("readyForQuery", () => readies++));
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await scratch?.drop();
  });

  it("runs a single statement as jama_app for the organisation, committed, in one round trip", async () => {
    await pool.query("SELECT 1"); // the connection is open (its start-up has a ReadyForQuery of its own)
    const before = readies;
    const at = new Date("2026-04-01T09:00:00Z");
    const ins = await walls.forOrg(org, () => pool.query({ text: "INSERT INTO probe (x, at) VALUES ($1, $2) RETURNING who, org", values: [1, at] }));
    expect(readies - before).toBe(1);
    expect(ins.rowCount).toBe(1);
    expect(ins.rows).toEqual([{ who: "jama_app", org }]);
    // as Prisma's adapter asks: rows as arrays, its own type parsers
    const read = await walls.forOrg(org, () => pool.query({ text: "SELECT x, at FROM probe WHERE x = $1", values: [1], rowMode: "array" } as pg.QueryConfig));
    expect(read.rows).toEqual([[1, at]]);
    expect(read.fields.map((f) => f.name)).toEqual(["x", "at"]);
    const upd = await walls.forOrg(org, () => pool.query("UPDATE probe SET at = NULL WHERE x = $1", [1]));
    expect(upd.rowCount).toBe(1);
    // committed: seen from another connection; and the pool's connection is back to its own role
    expect((await admin(scratch.url, "SELECT x, who, at FROM probe")).rows).toEqual([{ x: 1, who: "jama_app", at: null }]);
    const plain = await pool.query("SELECT current_user AS who, current_setting('app.org_id', true) AS org");
    expect(plain.rows[0].who).not.toBe("jama_app");
    expect(plain.rows[0].org ?? "").toBe("");
  });

  it("leaves nothing behind when the statement fails, and the connection works on", async () => {
    await expect(walls.forOrg(org, () => pool.query("INSERT INTO probe (x) VALUES ($1), ($1)", [2]))).rejects.toMatchObject({ code: "23505" });
    expect((await admin(scratch.url, "SELECT count(*)::int AS n FROM probe WHERE x = 2")).rows[0].n).toBe(0);
    for (let i = 0; i < 3; i++) {
      const r = await walls.forOrg(org, () => pool.query("SELECT current_user AS who, now() = statement_timestamp() AS fresh"));
      expect(r.rows[0].who).toBe("jama_app");
    }
    expect((await pool.query("SELECT current_user AS who")).rows[0].who).not.toBe("jama_app");
  });

  it("prepares a named statement again after it failed to prepare (a kept plan, db/client.ts)", async () => {
    const kept = () => walls.forOrg(org, () => pool.query({ name: "kept_probe", text: "SELECT x FROM probe_later", values: [] }));
    await expect(kept()).rejects.toThrow(/probe_later" does not exist/);
    await admin(scratch.url, `CREATE TABLE probe_later (x int); GRANT SELECT ON probe_later TO jama_app`);
    for (let i = 0; i < 3; i++) expect((await kept()).rows).toEqual([]);
  });

  it("does not run the statement when the walls cannot be set", async () => {
    const role = `jama_nomember_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    await admin(scratch.url, `CREATE ROLE ${role} LOGIN`);
    await admin(scratch.url, `GRANT SELECT, INSERT ON probe TO ${role}`);
    const url = new URL(scratch.url);
    url.username = role;
    const other = walledPool({ connectionString: url.toString(), max: 1 }, walls);
    try {
      // a login that may not switch to jama_app: the statement would otherwise run as that login, unwalled
      await expect(walls.forOrg(org, () => other.query("INSERT INTO probe (x) VALUES ($1)", [3]))).rejects.toThrow(/permission denied to set role/);
      expect((await admin(scratch.url, "SELECT count(*)::int AS n FROM probe WHERE x = 3")).rows[0].n).toBe(0);
      // and the connection is not left in the failed transaction
      expect((await other.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await other.end();
      await admin(TEST_DATABASE_URL!, `DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
      await admin(scratch.url, `DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
      await admin(TEST_DATABASE_URL!, `DROP ROLE IF EXISTS ${role}`);
    }
  });
});
