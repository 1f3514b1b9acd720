// A start on the embedded database loads no part of PostgreSQL's driver (issue 12): pg's first use
// loads Node's fetch machinery as well (~130 ms of CPU at each start). This file's process loads
// nothing else that would bring pg in.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";

const pgLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\/]node_modules[\\/](pg|@prisma[\\/]adapter-pg)[\\/]/.test(k));

describe("the database client on PGlite", () => {
  it("opens, queries and closes the embedded database without loading pg", async () => {
    expect(pgLoaded()).toBe(false);
    const db = await openDb({ dataDir: "memory://" });
    try {
      expect(await db.prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
    expect(pgLoaded()).toBe(false);
    // and with PostgreSQL it is loaded (the check above can fail): a client made, no connection opened
    const pgDb = await openDb({ databaseUrl: "postgresql://nobody@127.0.0.1:9/none", dataDir: "unused", tenantWalls: true });
    expect(pgLoaded()).toBe(true);
    await pgDb.close();
  });
});
