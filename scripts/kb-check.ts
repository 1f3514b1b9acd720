// npm run kb:check — validates knowledge/ (and the local overlay, if any); exits 1 on any problem.
import { loadRawKnowledge } from "../src/knowledge/load.ts";

try {
  const kb = loadRawKnowledge({ overlayFile: process.env.KB_OVERLAY_FILE });
  const known = kb.items.filter((i) => i.status === "known").length;
  console.log(
    `knowledge base OK: guideline ${kb.meta.version}, ${kb.items.length} items (${known} described, ` +
      `${kb.items.length - known} not yet), ${kb.areas.length} areas, ${kb.faq.length} FAQ, ` +
      `${kb.glossary.length} glossary terms, ${kb.official.size} items with official wording`,
  );
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
