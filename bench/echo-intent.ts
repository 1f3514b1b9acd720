// The bench's baseline: an intent that does nothing but answer, so the same stack (signature
// check, Bolt, dedupe, identity, state, recogniser, rendering, Web API call) is measured without
// the knowledge base or the domain work.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";

export const echo = defineIntent({
  name: "bench_echo",
  description: { ja: "受け取った文をそのまま返す(ベンチマーク用)", en: "Echo (bench baseline)" },
  examples: { ja: [], en: [] },
  params: z.object({ text: z.string() }).strict(),
  match: (text) => (text.startsWith("echo ") ? { text: text.slice(5) } : null),
  async handle({ text }) {
    return { text, blocks: [{ type: "text", text }] };
  },
});
