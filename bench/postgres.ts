// The PostgreSQL server for the bench's figures, when one answers.
import pg from "pg";
import { createScratchDatabase } from "../test/helpers/scratch-database.ts";

export async function postgresAvailable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Runs `run` on a scratch database of the server, dropped afterwards. */
export async function withScratchDatabase<T>(serverUrl: string, run: (url: string) => Promise<T>): Promise<T> {
  const scratch = await createScratchDatabase(serverUrl, "bench");
  try {
    return await run(scratch.url);
  } finally {
    await scratch.drop();
  }
}
