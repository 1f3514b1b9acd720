// The web console's pages at the scale of the industry, for `npm run bench`: PostgreSQL filled
// with 10,000 organisations (153 answers and 2 audit rows each, a few with a session), each page
// requested through the real HTTP server by a signed-in admin (company pages) and the secretariat,
// interleaved with a static file of the same server (the baseline: same process, same middleware
// in front, no database). The first request of each page is reported apart: deployment-wide
// figures are computed then and kept for 5 minutes.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import { startServer } from "../src/server.ts";
import { webAccessFor } from "../src/web/access.ts";
import { percentile, round } from "./stats.ts";

export interface WebPageFigure {
  page: string;
  first_ms: number;
  p50_ms: number;
  p99_ms: number;
  bytes: number;
}

export interface WebBenchFigures {
  orgs: number;
  requests_per_page: number;
  seed_s: number;
  static: { p50_ms: number; p99_ms: number };
  pages: WebPageFigure[];
}

/** N organisations with an admin each, and their assessments of `years` fiscal years up to `fiscalYear` (153 answers each). */
export async function seed(url: string, orgs: number, fiscalYear: number, version: string, years = 1): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`INSERT INTO "Organization"(id, "externalKey", platform, name)
      SELECT gen_random_uuid(), 'console:bench-' || i, 'console', 'Bench ' || i FROM generate_series(1, $1::int) i`, [orgs]);
    await c.query(`INSERT INTO "User"(id, "orgId", platform, "platformUserId", "displayName", role)
      SELECT gen_random_uuid(), o.id, 'console', 'admin-' || o."externalKey", 'Admin ' || o.name, 'admin' FROM "Organization" o`);
    await c.query(`INSERT INTO "Assessment"(id, "orgId", "fiscalYear", "guidelineVersion", "targetLevel", status)
      SELECT gen_random_uuid(), o.id, $1::int - y, $2, 2, CASE WHEN y > 0 OR random() < 0.2 THEN 'submitted' ELSE 'open' END
      FROM "Organization" o, generate_series(0, $3::int - 1) y`, [fiscalYear, version, years]);
    await c.query(`INSERT INTO "Answer"(id, "assessmentId", "orgId", "itemNo", status, note, revision)
      SELECT gen_random_uuid(), s.id, s."orgId", n,
        (ARRAY['achieved','achieved','not_achieved','not_applicable','unanswered'])[1 + floor(random() * 5)::int],
        CASE WHEN random() < 0.1 THEN 'bench note' END, 1
      FROM "Assessment" s, generate_series(1, 153) n`);
    await c.query(`INSERT INTO "AnswerEvent"("assessmentId", "orgId", "itemNo", "actorId", channel, kind, "oldStatus", "newStatus", "changeId")
      SELECT a."assessmentId", a."orgId", a."itemNo", u.id, 'slack', 'set', 'unanswered', a.status, gen_random_uuid()
      FROM "Answer" a JOIN "User" u ON u."orgId" = a."orgId" WHERE a."itemNo" IN (1, 2)`);
    await c.query(`INSERT INTO "QuestionLog"("orgId", normalized, text, answered)
      SELECT o.id, 'question ' || (i % 50), 'question ' || (i % 50), false FROM "Organization" o, generate_series(1, 2) i`);
    // settled, as a database that has been running is: without this, autovacuum works through the
    // millions of rows just written while the figures are measured, on the same two cores
    await c.query("VACUUM (ANALYZE)");
  } finally {
    await c.end();
  }
}

export async function measureWebConsole(databaseUrl: string, opts: { orgs?: number; requests?: number } = {}): Promise<WebBenchFigures> {
  const orgs = opts.orgs ?? 10_000;
  const requests = opts.requests ?? 100;
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-web-")),
    DATABASE_URL: databaseUrl,
    SECRETARIAT_USERS: "console:admin-console:bench-1",
    LOG_LEVEL: "error",
  });
  const app = await createApp(config, { log: createLogger("error") });
  const server = await startServer(app, { port: 0 });
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const now = new Date();
    const t0 = performance.now();
    await seed(databaseUrl, orgs, app.services.assessment.service.fiscalYear(now), app.services.kb.version);
    const seedS = (performance.now() - t0) / 1000;

    // two people signed in the way users are: a link (here made directly), exchanged once
    const access = webAccessFor(app.services.db, config);
    const sessionOf = async (key: string) => {
      const user = await app.services.db.user.findFirstOrThrow({ where: { platformUserId: `admin-${key}` } });
      const link = await access.createLink({ userId: user.id, orgId: user.orgId }, now);
      const r = await access.redeem(new URL(link.url).pathname.split("/").pop()!, now);
      if (!r.ok) throw new Error(r.reason);
      return { cookie: `jama_session=${r.sessionToken}`, orgId: user.orgId };
    };
    const company = await sessionOf(`console:bench-${Math.ceil(orgs / 2)}`);
    const secretariat = await sessionOf("console:bench-1");
    const o = `/web/o/${company.orgId}`;

    const get = async (path: string, cookie?: string): Promise<{ ms: number; bytes: number }> => {
      const s = performance.now();
      const res = await fetch(base + path, { headers: cookie ? { cookie } : {} });
      const body = await res.arrayBuffer();
      const ms = performance.now() - s;
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      return { ms, bytes: body.byteLength };
    };
    const pages: [string, string, string][] = [
      ["company: where we stand", `${o}/`, company.cookie],
      ["company: check sheet (153 rows)", `${o}/sheet`, company.cookie],
      ["company: check sheet, filtered", `${o}/sheet?level=1&status=not_achieved`, company.cookie],
      ["company: one item", `${o}/items/115`, company.cookie],
      ["company: history", `${o}/history`, company.cookie],
      ["company: export / import", `${o}/files`, company.cookie],
      ["secretariat: sessions", "/web/admin/sessions", secretariat.cookie],
      ["secretariat: one session", "/web/admin/sessions/1", secretariat.cookie],
      ["secretariat: overall progress", "/web/admin/progress", secretariat.cookie],
      ["secretariat: unanswered questions", "/web/admin/questions", secretariat.cookie],
    ];
    const staticPath = "/web/static/console.css";
    for (let i = 0; i < 5; i++) await get(staticPath);
    const statics: number[] = [];
    const figures: WebPageFigure[] = [];
    for (const [name, path, cookie] of pages) {
      const first = await get(path, cookie);
      const times: number[] = [];
      let bytes = first.bytes;
      for (let i = 0; i < requests; i++) {
        const r = await get(path, cookie);
        times.push(r.ms);
        bytes = r.bytes;
        statics.push((await get(staticPath)).ms);
      }
      figures.push({ page: name, first_ms: round(first.ms), p50_ms: round(percentile(times, 50)), p99_ms: round(percentile(times, 99)), bytes });
    }
    return {
      orgs,
      requests_per_page: requests,
      seed_s: round(seedS, 1),
      static: { p50_ms: round(percentile(statics, 50)), p99_ms: round(percentile(statics, 99)) },
      pages: figures,
    };
  } finally {
    await server.close();
    await app.close();
  }
}
