// A throwaway database on a PostgreSQL server (tests and the bench): created empty, dropped with
// everything in it afterwards. The server's role must be allowed to CREATE DATABASE.
import { randomUUID } from "node:crypto";
import pg from "pg";

export interface ScratchDatabase {
  /** the connection string of the new database */
  url: string;
  drop(): Promise<void>;
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function createScratchDatabase(serverUrl: string, prefix = "t"): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
