// Runs `prisma generate` without the native schema engine, which Prisma's CLI would otherwise try
// to download (generate never uses it; the CLI only checks that it exists). A value the user set
// for PRISMA_SCHEMA_ENGINE_BINARY is kept.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ||= process.execPath;
const r = spawnSync(process.execPath, [cli, "generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);
