// The buyer's view of its suppliers at the scale the issue names, for `npm run bench`: PostgreSQL
// with one buyer, 500 suppliers that joined and consent (each with an assessment of 153 answers)
// and 5,000 second-tier suppliers invited by them (half joined, some submitted). 「取引先の状況」
// through the real pipeline, interleaved with 「進捗」 (the buyer's own progress, the baseline).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import type { Turn } from "../src/core/turn.ts";
import { percentile, round } from "./stats.ts";

export interface SupplierBenchFigures {
  suppliers: number;
  second_tier: number;
  seed_s: number;
  turns: number;
  status: { p50_ms: number; p99_ms: number };
  progress: { p50_ms: number; p99_ms: number };
  export: { p50_ms: number; p99_ms: number };
}

async function seed(url: string, suppliers: number, perSupplier: number, fiscalYear: number, version: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = (sql: string, params: unknown[] = []) => c.query(sql, params);
    await q(`INSERT INTO "Organization"(id, "externalKey", platform, name) VALUES (gen_random_uuid(), 'console:bench-buyer', 'console', 'Bench buyer')`);
    await q(`INSERT INTO "User"(id, "orgId", platform, "platformUserId", "displayName", role)
      SELECT gen_random_uuid(), id, 'console', 'buyer', 'Buyer', 'admin' FROM "Organization" WHERE "externalKey" = 'console:bench-buyer'`);
    await q(`INSERT INTO "Organization"(id, "externalKey", platform, name)
      SELECT gen_random_uuid(), 'console:bench-s' || i, 'console', 'Supplier ' || i FROM generate_series(1, $1::int) i`, [suppliers]);
    await q(`INSERT INTO "Organization"(id, "externalKey", platform, name)
      SELECT gen_random_uuid(), 'console:bench-t' || i, 'console', 'Tier2 ' || i FROM generate_series(1, $1::int) i`, [suppliers * perSupplier]);
    await q(`INSERT INTO "User"(id, "orgId", platform, "platformUserId", role)
      SELECT gen_random_uuid(), id, 'console', 'admin', 'admin' FROM "Organization" WHERE "externalKey" LIKE 'console:bench-s%' OR "externalKey" LIKE 'console:bench-t%'`);
    await q(`INSERT INTO "Assessment"(id, "orgId", "fiscalYear", "guidelineVersion", "targetLevel", status)
      SELECT gen_random_uuid(), id, $1::int, $2, 2, CASE WHEN random() < 0.2 THEN 'submitted' ELSE 'open' END
      FROM "Organization" WHERE "externalKey" LIKE 'console:bench-s%' OR "externalKey" LIKE 'console:bench-t%'`, [fiscalYear, version]);
    await q(`INSERT INTO "Answer"(id, "assessmentId", "orgId", "itemNo", status, revision)
      SELECT gen_random_uuid(), s.id, s."orgId", n, (ARRAY['achieved','achieved','not_achieved','not_applicable','unanswered'])[1 + floor(random() * 5)::int], 1
      FROM "Assessment" s JOIN "Organization" o ON o.id = s."orgId", generate_series(1, 153) n WHERE o."externalKey" LIKE 'console:bench-s%'`);
    // the buyer's own assessment, for the baseline 「進捗」
    await q(`INSERT INTO "Assessment"(id, "orgId", "fiscalYear", "guidelineVersion", "targetLevel", status)
      SELECT gen_random_uuid(), id, $1::int, $2, 2, 'open' FROM "Organization" WHERE "externalKey" = 'console:bench-buyer'`, [fiscalYear, version]);
    await q(`INSERT INTO "Answer"(id, "assessmentId", "orgId", "itemNo", status, revision)
      SELECT gen_random_uuid(), s.id, s."orgId", n, 'achieved', 1 FROM "Assessment" s JOIN "Organization" o ON o.id = s."orgId", generate_series(1, 153) n WHERE o."externalKey" = 'console:bench-buyer'`);
    // invitations: buyer → every supplier (accepted), supplier i → its second tier (half joined)
    await q(`INSERT INTO "SupplierInvitation"(id, "buyerOrgId", "supplierName", "codeHash", "createdById", "createdAt", "expiresAt", status, "supplierOrgId", "usedAt", "dueDate")
      SELECT gen_random_uuid(), b.id, s.name, md5(random()::text || s.id::text), u.id, now() - interval '10 days', now() + interval '20 days', 'accepted', s.id, now() - interval '9 days', now() + interval '30 days'
      FROM "Organization" b JOIN "User" u ON u."orgId" = b.id, "Organization" s
      WHERE b."externalKey" = 'console:bench-buyer' AND s."externalKey" LIKE 'console:bench-s%'`);
    await q(`INSERT INTO "SupplierInvitation"(id, "buyerOrgId", "supplierName", "codeHash", "createdById", "createdAt", "expiresAt", status, "supplierOrgId")
      SELECT gen_random_uuid(), s.id, t.name, md5(random()::text || t.id::text), u.id, now(), now() + interval '30 days',
        CASE WHEN random() < 0.5 THEN 'accepted' ELSE 'invited' END, NULL
      FROM "Organization" t
      JOIN "Organization" s ON s."externalKey" = 'console:bench-s' || (1 + (substring(t."externalKey" from 'bench-t([0-9]+)')::int % $1::int))
      JOIN "User" u ON u."orgId" = s.id
      WHERE t."externalKey" LIKE 'console:bench-t%'`, [suppliers]);
    await q(`UPDATE "SupplierInvitation" i SET "supplierOrgId" = o.id, "usedAt" = now()
      FROM "Organization" o WHERE i.status = 'accepted' AND i."supplierOrgId" IS NULL AND o.name = i."supplierName" AND o."externalKey" LIKE 'console:bench-t%'`);
    await q("ANALYZE");
  } finally {
    await c.end();
  }
}

export async function measureSuppliers(databaseUrl: string, opts: { suppliers?: number; perSupplier?: number; turns?: number } = {}): Promise<SupplierBenchFigures> {
  const suppliers = opts.suppliers ?? 500;
  const perSupplier = opts.perSupplier ?? 10;
  const turns = opts.turns ?? 40;
  const config = loadConfig({ NODE_ENV: "production", DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-sup-")), DATABASE_URL: databaseUrl, LOG_LEVEL: "error" });
  const app = await createApp(config, { log: createLogger("error") });
  try {
    const now = new Date();
    const t0 = performance.now();
    await seed(databaseUrl, suppliers, perSupplier, app.services.assessment.service.fiscalYear(now), app.services.kb.version);
    const seedS = (performance.now() - t0) / 1000;
    let seq = 0;
    const turn = (text: string): Turn => ({
      platform: "console",
      deliveryId: `bench-sup-${++seq}`,
      org: { externalKey: "console:bench-buyer" },
      user: { platformUserId: "buyer" },
      conversation: { key: "console:bench-buyer", kind: "personal" },
      input: { kind: "text", text },
      receivedAt: new Date(),
    });
    const time = async (text: string, want: string) => {
      const s = performance.now();
      const r = await app.pipeline.handle(turn(text));
      const ms = performance.now() - s;
      if (r?.intent !== want) throw new Error(`"${text}" went to ${r?.intent}`);
      return ms;
    };
    // warm-up, then interleaved so that both see the same machine
    await time("取引先の状況", "supplier_status");
    await time("進捗", "show_progress");
    const status: number[] = [];
    const progress: number[] = [];
    const exp: number[] = [];
    for (let i = 0; i < turns; i++) {
      status.push(await time("取引先の状況", "supplier_status"));
      progress.push(await time("進捗", "show_progress"));
      if (i % 4 === 0) exp.push(await time("取引先の状況をエクスポート", "supplier_status"));
    }
    const fig = (xs: number[]) => ({ p50_ms: round(percentile(xs, 50)), p99_ms: round(percentile(xs, 99)) });
    return { suppliers, second_tier: suppliers * perSupplier, seed_s: round(seedS, 1), turns, status: fig(status), progress: fig(progress), export: fig(exp) };
  } finally {
    await app.close();
  }
}
