// npm run db:migrate — applies pending migrations to the configured database (DATABASE_URL, or
// the embedded PGlite under DATA_DIR). The bot also does this at start-up.
import { loadConfig } from "../src/config.ts";
import { openDb } from "../src/db/client.ts";
import { applyMigrations } from "../src/db/schema-engine.ts";

const config = loadConfig();
const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  const applied = await applyMigrations(db.adapterFactory);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
} finally {
  await db.close();
}
