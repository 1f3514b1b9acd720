// npm run sheet:import -- <organisation external key> <file.xlsx|file.csv> [--yes]
// Pre-fills an organisation's answers for this fiscal year from a filled-in check sheet (the
// columns of the bot's export, or close to them): shows the preview, asks for confirmation (or
// takes --yes), then writes every change as an "import" audit event (channel "script", no
// person). Never overwrites a submitted sheet. For operators; companies import in the chat.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline/promises";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import { ImportError } from "../src/assessment/import.ts";
import { importErrorText, previewImport } from "../src/assessment/import-flow.ts";
import { AssessmentError } from "../src/assessment/service.ts";
import { fyLabel } from "../src/assessment/fiscal-year.ts";

const args = process.argv.slice(2).filter((a) => a !== "--");
const yes = args.includes("--yes") || args.includes("-y");
const [orgKey, file] = args.filter((a) => !a.startsWith("-"));
if (!orgKey || !file) {
  console.error("Usage: npm run sheet:import -- <organisation external key, e.g. slack:T0123> <file.xlsx|file.csv> [--yes]");
  process.exit(2);
}

const app = await createApp(loadConfig(), { log: createLogger("warn") });
let code = 0;
try {
  const org = await app.services.db.organization.findUnique({ where: { externalKey: orgKey } });
  if (!org) {
    const known = await app.services.db.organization.findMany({ select: { externalKey: true }, take: 20, orderBy: { createdAt: "asc" } });
    throw new Error(`No organisation "${orgKey}". Known: ${known.map((o) => o.externalKey).join(", ") || "(none yet)"}`);
  }
  const m = app.services.assessment;
  // a script is its own scheduler: it reads the clock once and decides everything with it
  const now = new Date();
  const a = await m.service.current(org.id, now);
  const preview = await previewImport(m, a, readFileSync(file), basename(file), "ja", app.services.kb.totalItems);
  console.log(`${org.name ?? org.externalKey} / ${fyLabel(a.fiscalYear, "ja")} / v${a.guidelineVersion}`);
  console.log(preview.summary);
  for (const p of preview.problems) console.log(`  ${p}`);
  if (preview.plan.changes.length) {
    let go = yes;
    if (!go) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      go = /^(y|yes|はい)$/i.test((await rl.question("よろしいですか? / Apply? [y/N] ")).trim());
      rl.close();
    }
    if (go) {
      const r = await m.service.record(a, null, { channel: "script", at: now }, preview.plan.changes, { kind: "import" });
      console.log(`${r.results.length}件を取り込みました (change ${r.changeId}).`);
    } else console.log("取りやめました。何も変更していません。");
  }
} catch (e) {
  code = 1;
  if (e instanceof ImportError) console.error(importErrorText(e, "ja"));
  else if (e instanceof AssessmentError && e.code === "locked") console.error("この年度の自己評価は提出済みのため変更できません。組織の管理者が「再開」してから取り込んでください。");
  else console.error((e as Error).message);
} finally {
  await app.close();
}
process.exit(code);
