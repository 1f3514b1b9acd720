// npm run sessions:import -- <file.csv|yaml> [--dry-run]
// Validates every row first and reports each broken one; then writes all of them in one
// transaction, or nothing. Columns (YAML keys or CSV header): see knowledge/sessions.yaml.
import { loadConfig } from "../src/config.ts";
import { openMigratedDb } from "../src/db/client.ts";
import { Knowledge } from "../src/knowledge/knowledge.ts";
import { createLogger } from "../src/core/logger.ts";
import { importSessionsFile } from "../src/booking/import.ts";

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("Usage: npm run sessions:import -- <file.csv|file.yaml> [--dry-run]");
  process.exit(2);
}
const config = loadConfig();
const kb = Knowledge.load({ overlayFile: config.kbOverlayFile });
const db = await openMigratedDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  const report = await importSessionsFile(db.prisma, file, new Set(kb.areas.map((a) => a.id)), createLogger("warn"), new Date(), { dryRun });
  (report.ok ? console.log : console.error)(report.message);
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await db.close();
}
