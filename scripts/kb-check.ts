// npm run kb:check — validates knowledge/ (and the local official-wording overlay, if any);
// exits 1 naming every problem.
import { loadConfig } from "../src/config.ts";
import { loadRawKnowledge } from "../src/knowledge/load.ts";
import { loadOffTopic } from "../src/knowledge/off-topic.ts";
import { loadSynonyms } from "../src/knowledge/synonyms.ts";

try {
  const kb = loadRawKnowledge({ overlayFile: loadConfig().kbOverlayFile });
  const known = kb.items.filter((i) => i.status === "known").length;
  const synonymGroups = loadSynonyms().length;
  const offTopics = loadOffTopic().topics.length;
  console.log(
    `knowledge base OK: guideline ${kb.meta.version}, ${kb.items.length} items (${known} described, ` +
      `${kb.items.length - known} not yet), ${kb.areas.length} areas, ${kb.faq.length} FAQ, ` +
      `${kb.glossary.length} glossary terms, ${synonymGroups} synonym groups, ${offTopics} off-topic topics, ${kb.official.size} items with official wording`,
  );
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
