// What the search index costs at start-up: build time and heap, next to loading the knowledge
// base alone (its baseline). Run with --expose-gc for stable heap figures (npm run bench does).
import { Knowledge } from "../src/knowledge/knowledge.ts";
import { SearchIndex } from "../src/knowledge/search.ts";
import { round } from "./stats.ts";

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heap = () => process.memoryUsage().heapUsed / 1048576;

export async function measureIndex() {
  gc();
  const h0 = heap();
  let t = performance.now();
  const kb = Knowledge.load();
  const kbLoad = performance.now() - t;
  gc();
  const h1 = heap();
  t = performance.now();
  const index = new SearchIndex(kb);
  const build = performance.now() - t;
  gc();
  const h2 = heap();
  index.search("バックアップ"); // keep it alive until measured
  return { kb_load_ms: round(kbLoad), kb_heap_mb: round(h1 - h0, 1), build_ms: round(build), heap_mb: round(h2 - h1, 1) };
}
