import pg from "pg";
import { withScratchDatabase } from "../postgres.ts";
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join } from "node:path";
import { loadConfig } from "../../src/config.ts"; import { createApp } from "../../src/app.ts"; import { createLogger } from "../../src/core/logger.ts";
import { echo } from "../echo-intent.ts";
import { seed } from "../web-console.ts";
const url = "postgresql://postgres@127.0.0.1:5432/test";
let log: string[] | null = null;
const orig = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (this: any, q: any, ...rest: any[]) { if (log) log.push(typeof q === "string" ? q : q.text); return (orig as any).call(this, q, ...rest); };
await withScratchDatabase(url, async (u) => {
  const config = loadConfig({ NODE_ENV: "production", DATA_DIR: mkdtempSync(join(tmpdir(), "x-")), DATABASE_URL: u, SECRETARIAT_USERS: "console:admin-console:bench-1" });
  const app = await createApp(config, { log: createLogger("warn", {}, () => {}), extraIntents: [echo] });
  const now = new Date();
  await seed(u, 20, app.services.assessment.service.fiscalYear(now), app.services.kb.version);
  let i = 0;
  const turn = (text: string) => ({ platform: "console", deliveryId: `d-${++i}`, org: { externalKey: `console:bench-3` }, user: { platformUserId: `admin-console:bench-3` }, conversation: { key: `console:x`, kind: "personal" }, input: { kind: "text", text }, receivedAt: now }) as any;
  for (const text of ["echo 1", "進捗", "echo 2", "進捗", "No.5は達成", "No.6は未達成"]) {
    log = [];
    const r = await app.pipeline.handle(turn(text));
    console.log(`== ${text} -> ${r?.intent}: ${log.length} statements`);
    for (const s of log) console.log("  ", s.replace(/\s+/g, " ").slice(0, 200));
    log = null;
  }
  await app.close();
});
