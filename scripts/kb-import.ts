// npm run kb:import -- <checksheet.xlsx|csv> [--sheet NAME] [--header-row N]
//   [--no-col C] [--level-col C] [--area-col C] [--requirement-col C] [--condition-col C] [--dry-run]
// Reads the official check sheet and writes the official-wording overlay for this deployment
// (KB_OVERLAY_FILE, default knowledge/local/official.yaml; outside git). The overlay is written
// whole (to a temporary file, validated by loading the knowledge base with it, then renamed) or not
// at all.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { loadConfig } from "../src/config.ts";
import { Knowledge } from "../src/knowledge/knowledge.ts";
import { CheckSheetError, parseCheckSheet, type ColumnRole } from "../src/knowledge/checksheet-import.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sheet: { type: "string" },
    "header-row": { type: "string" },
    "no-col": { type: "string" },
    "level-col": { type: "string" },
    "area-col": { type: "string" },
    "requirement-col": { type: "string" },
    "condition-col": { type: "string" },
    "dry-run": { type: "boolean" },
  },
});
const file = positionals[0];
if (!file) {
  console.error("Usage: npm run kb:import -- <checksheet.xlsx|csv> [--sheet NAME] [--header-row N] [--no-col C] [--level-col C] [--area-col C] [--requirement-col C] [--condition-col C] [--dry-run]");
  process.exit(2);
}
const config = loadConfig();
const kb = Knowledge.load({ overlayFile: undefined });
const columns: Partial<Record<ColumnRole, string>> = {};
for (const role of ["no", "level", "area", "requirement", "condition"] as ColumnRole[]) {
  const v = values[`${role}-col` as keyof typeof values];
  if (typeof v === "string") columns[role] = v;
}

try {
  const data = readFileSync(file);
  const result = await parseCheckSheet(data, file, {
    sheet: values.sheet,
    headerRow: values["header-row"] ? Number(values["header-row"]) : undefined,
    columns,
    totalItems: kb.totalItems,
  });
  console.log(`sheet "${result.sheetName ?? basename(file)}", header on row ${result.headerRow}, columns ${JSON.stringify(result.columns)}`);
  if (result.unknownColumns.length) console.log(`columns not used: ${result.unknownColumns.join(", ")}`);
  for (const p of result.problems) console.log(`row ${p.row}: ${p.problem}`);
  const levelChanges = result.items.filter((i) => i.level && kb.item(i.no)?.level && kb.item(i.no)!.level !== i.level);
  for (const i of levelChanges) console.log(`No.${i.no}: the sheet says level ${i.level}, our knowledge base said ${kb.item(i.no)!.level}; the sheet wins`);
  const newlyKnown = result.items.filter((i) => kb.item(i.no)?.status === "unknown").length;
  console.log(`${result.items.length} items read (${newlyKnown} not described in our knowledge base until now), ${result.problems.length} problem rows`);
  if (result.items.length === 0) {
    console.error("nothing to write");
    process.exit(1);
  }
  if (values["dry-run"]) process.exit(0);

  const overlay = { sheet: `${basename(file)} (imported ${new Date().toISOString().slice(0, 10)})`, items: result.items };
  const target = config.kbOverlayFile;
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}`;
  writeFileSync(temp, `# Official wording imported from the check sheet with npm run kb:import. Not ours: keep it out of git.\n${stringify(overlay)}`);
  try {
    Knowledge.load({ overlayFile: temp }); // the knowledge base must load with it, or nothing is written
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  console.log(`written: ${target} — restart the bot to use it`);
} catch (e) {
  if (e instanceof CheckSheetError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
