// 「取引先展開の状況」 / "roll-out overview" (secretariat): how far the request has spread across
// the deployment: invitations, joins, consents, submissions, and how many companies were reached
// at each tier. Counts only: never a company's name or answers.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const MATCH = /^(取引先展開の?(状況|集計)|展開状況|サプライチェーン(への)?展開(の)?(状況|集計)?|roll-?out (overview|figures|status)|supply chain roll-?out)$/i;

export const supplierOverview = defineIntent({
  name: "supplier_overview",
  description: { ja: "取引先への展開状況の集計(事務局、社名なし)", en: "Roll-out figures across the deployment (secretariat, no names)" },
  examples: { ja: ["取引先展開の状況"], en: ["roll-out overview"] },
  params: z.object({}).strict(),
  role: "secretariat",
  readOnly: true,
  match(_t, { normalized }) {
    return MATCH.test(normalized.replace(STRIP, "")) ? {} : null;
  },
  async handle(_p, ctx): Promise<Reply> {
    const { lang } = ctx;
    const o = await ctx.services.suppliers.overview(ctx.now);
    const share = o.consenting ? Math.round((o.submitted / o.consenting) * 100) : 0;
    const text = tr(
      lang,
      `依頼元 ${o.buyers}社から ${o.invitations}件の依頼。参加 ${o.joined}件、共有に同意 ${o.consenting}件、うち提出済み ${o.submitted}件(${share}%)。`,
      `${o.buyers} companies sent ${o.invitations} invitations: ${o.joined} joined, ${o.consenting} consent to share, ${o.submitted} of those submitted (${share}%).`,
    );
    const tiers = o.tiers.map((n, i) => ({ label: tr(lang, `${i + 1}次取引先`, `Tier ${i + 1}`), value: tr(lang, `${n}社`, `${n}`) }));
    return {
      text,
      blocks: [
        { type: "text", text },
        ...(tiers.length ? [{ type: "fields" as const, fields: tiers }] : []),
        { type: "context", text: tr(lang, "件数のみです。社名や回答は含みません。", "Counts only: no company names or answers.") },
      ],
      private: true,
    };
  },
});
