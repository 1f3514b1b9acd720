// A glossary term by id (from "did you mean" buttons); typed questions like "VPNとは?" reach the
// glossary through search in the ask intent.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { termReply } from "../src/knowledge/answer.ts";

export const glossary = defineIntent({
  name: "glossary",
  description: { ja: "用語の意味を表示する", en: "Explain a term" },
  readOnly: true,
  examples: { ja: ["用語集"], en: ["glossary"] },
  params: z.object({ id: z.string().max(80).optional() }).strict(),
  match: (_t, { normalized }) => (/^(用語集|用語一覧|glossary)$/.test(normalized) ? {} : null),
  extract: () => ({}),
  async handle({ id }, ctx): Promise<Reply> {
    const { kb } = ctx.services;
    const t = id ? kb.glossary.find((g) => g.id === id) : undefined;
    if (t) return termReply(kb, t, ctx.lang);
    const title = tr(ctx.lang, `用語集(${kb.glossary.length}語)`, `Glossary (${kb.glossary.length} terms)`);
    const text = kb.glossary.map((g) => `${g.term.ja} / ${g.term.en}`).join("\n");
    return {
      text: title,
      blocks: [
        { type: "heading", text: title },
        { type: "text", text },
        { type: "context", text: tr(ctx.lang, "「VPNとは?」のように聞くと説明します。", "Ask \"what is a VPN?\" for an explanation.") },
      ],
    };
  },
});
