// "よくある質問" / "faq": the FAQ about the yearly self-assessment, a page at a time; one entry
// when picked (buttons carry its id).
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Block, type Reply } from "../src/core/reply.ts";
import { faqReply } from "../src/knowledge/answer.ts";

const PAGE = 10;

export const faq = defineIntent({
  name: "faq",
  description: { ja: "よくある質問を表示する", en: "Show the frequently asked questions" },
  readOnly: true,
  examples: { ja: ["よくある質問", "FAQ一覧", "よくある質問を見せて"], en: ["faq", "frequently asked questions"] },
  params: z.object({ id: z.string().max(80).optional(), page: z.number().int().min(0).max(20).default(0) }).strict(),
  llm: true,
  match: (_t, { normalized }) => (/^(よくある質問|faq|f\.a\.q\.?|よくある質問一覧|faq一覧)(を見せて|は)?$/.test(normalized) ? {} : null),
  extract: () => ({}),
  async handle({ id, page }, ctx): Promise<Reply> {
    const { kb } = ctx.services;
    const { lang } = ctx;
    if (id) {
      const f = kb.faq.find((x) => x.id === id);
      if (f) {
        ctx.state.lastQuestion = f.question[lang];
        return faqReply(kb, f, lang);
      }
    }
    const pages = Math.ceil(kb.faq.length / PAGE);
    const p = Math.min(page, pages - 1);
    const title = tr(lang, `よくある質問 (${p + 1}/${pages})`, `Frequently asked questions (${p + 1}/${pages})`);
    const blocks: Block[] = [
      {
        type: "list",
        title,
        entries: kb.faq.slice(p * PAGE, (p + 1) * PAGE).map((f) => ({ label: f.question[lang], action: { intent: "faq", params: { id: f.id } } })),
      },
    ];
    if (p < pages - 1) blocks.push({ type: "choices", choices: [{ label: tr(lang, "次のページ →", "Next →"), action: { intent: "faq", params: { page: p + 1 } } }] });
    return { text: title, blocks };
  },
});
