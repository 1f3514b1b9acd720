// "全体の状況" / "overall status" (secretariat): aggregates across organisations only: how many
// have an assessment, answers, a submitted sheet, and the average rates when at least 5
// organisations answered. Never a company name next to a figure.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { fyLabel } from "../src/assessment/fiscal-year.ts";
import { pct } from "../src/assessment/progress.ts";
import { mod } from "../src/assessment/ui.ts";
import { asOfLabel } from "../src/assessment/aggregate-cache.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const MATCH = /^(全体の状況|全体状況|全体の進捗|全組織の状況|全社の状況|利用組織の状況|集計|overall status|overall progress|all organi[sz]ations|aggregate(s)?)$/i;

export const overallStatus = defineIntent({
  name: "overall_status",
  description: { ja: "全組織の集計を表示する(事務局)", en: "Show aggregates across organisations (secretariat)" },
  readOnly: true,
  examples: { ja: ["全体の状況"], en: ["overall status"] },
  params: z.object({}).strict(),
  role: "secretariat",
  match: (_text, { normalized }) => (MATCH.test(normalized.replace(STRIP, "")) ? {} : null),
  async handle(_p, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { lang } = ctx;
    const fy = m.service.fiscalYear(ctx.now);
    // counted across every organisation: kept a few minutes, and it says how old it is
    const { value: o, asOf } = await m.service.recentOverview(fy, ctx.now);
    const heading = tr(lang, `${fyLabel(fy, lang)} 全体の状況(v${ctx.services.kb.version})`, `${fyLabel(fy, lang)} overall status (v${ctx.services.kb.version})`);
    const avg = o.averages.shown
      ? tr(
          lang,
          `平均達成率(${o.averages.orgs}組織): レベル1 ${pct(o.averages.levels[1])}、レベル2 ${pct(o.averages.levels[2])}、レベル3 ${pct(o.averages.levels[3])}、全項目 ${pct(o.averages.all)}`,
          `Average rates (${o.averages.orgs} organisations): Level 1 ${pct(o.averages.levels[1])}, Level 2 ${pct(o.averages.levels[2])}, Level 3 ${pct(o.averages.levels[3])}, all items ${pct(o.averages.all)}`,
        )
      : tr(lang, `回答のある組織が${m.service.minOrgsForAverage}組織未満のため、平均は表示しません(個社の数字が推測できないように)。`, `Fewer than ${m.service.minOrgsForAverage} organisations have answers, so no average is shown (to keep single companies' figures private).`);
    const text = [
      heading,
      tr(lang, `自己評価を始めた組織: ${o.assessments}`, `Organisations with an assessment: ${o.assessments}`),
      tr(lang, `回答のある組織: ${o.withAnswers}`, `Organisations with answers: ${o.withAnswers}`),
      tr(lang, `提出済みの組織: ${o.submitted}`, `Organisations marked submitted: ${o.submitted}`),
      avg,
      tr(lang, `集計は${asOfLabel(asOf, "ja")}のものです(5分ごとに更新)。個社名と数字は表示しません。`, `Figures ${asOfLabel(asOf, "en")} (refreshed every 5 minutes). Company names are never shown next to figures.`),
    ].join("\n");
    return { text, blocks: [{ type: "heading", text: heading }, { type: "text", text: text.split("\n").slice(1).join("\n") }] };
  },
});
