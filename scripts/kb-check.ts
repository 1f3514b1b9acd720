// npm run kb:check — validates knowledge/ (and the local official-wording overlay, if any);
// exits 1 naming every problem.
import { loadConfig } from "../src/config.ts";
import { loadRawKnowledge } from "../src/knowledge/load.ts";
import { loadOffTopic } from "../src/knowledge/off-topic.ts";
import { checkAgainstReference, citedSourceIds, loadItemsKnown, REFERENCE_FILE } from "../src/knowledge/reference-check.ts";
import { loadSynonyms } from "../src/knowledge/synonyms.ts";

try {
  const kb = loadRawKnowledge({ overlayFile: loadConfig().kbOverlayFile });
  const known = kb.items.filter((i) => i.status === "known").length;
  const synonymGroups = loadSynonyms().length;
  const offTopics = loadOffTopic().topics.length;
  // texts that cite a source inline ([src:id]) and the items/FAQ checked against the reference data
  const texts = [
    ...kb.faq.flatMap((f) => [f.answer.ja, f.answer.en, f.uncertainty?.ja ?? "", f.uncertainty?.en ?? ""].map((text) => ({ where: `faq ${f.id}`, text }))),
    ...kb.glossary.flatMap((g) => [g.definition.ja, g.definition.en].map((text) => ({ where: `glossary ${g.id}`, text }))),
  ];
  const problems = checkAgainstReference(kb, loadItemsKnown(), citedSourceIds(texts));
  if (problems.length) {
    console.error(`The knowledge base disagrees with ${REFERENCE_FILE} or cites unknown sources:\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
  console.log(
    `knowledge base OK: guideline ${kb.meta.version}, ${kb.items.length} items (${known} described, ` +
      `${kb.items.length - known} not yet), ${kb.areas.length} areas, ${kb.faq.length} FAQ, ` +
      `${kb.glossary.length} glossary terms, ${synonymGroups} synonym groups, ${offTopics} off-topic topics, ${kb.official.size} items with official wording`,
  );
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
