// "進捗" / "progress": where the company stands this fiscal year, per level (the items whose level
// is known, saying how many of the level are not in the knowledge base yet), the target level and
// all 153 numbers; the change since last year; the industry figures we have (never invented); and
// the anonymous average of this deployment when at least 5 organisations answered. "分野別の進捗"
// shows the same per area (our grouping).
import { asOfLabel } from "../src/assessment/aggregate-cache.ts";
import { z } from "zod";
import { defineIntent, type IntentContext } from "../src/core/intent.ts";
import { tr, type Block, type Choice, type Lang, type ProgressRow, type Reply } from "../src/core/reply.ts";
import { fyLabel } from "../src/assessment/fiscal-year.ts";
import { computeProgress, pct, pointsDiff, type AnswerStatuses, type Level, type Progress, type Tally } from "../src/assessment/progress.ts";
import type { AssessmentRef } from "../src/assessment/service.ts";
import { mod } from "../src/assessment/ui.ts";
import type { AssessmentModule } from "../src/assessment/module.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const JA = /^(今の|現在の|うちの|当社の|弊社の|自社の|わが社の|全体の進捗ではなく)?(進捗|進捗状況|進み具合|回答状況|回答の状況|達成状況|達成率|状況|現状|自己評価の進捗|チェックシートの進捗)(は|を)?(どう|どうなってる|どうなっている|見せて|みせて|教えて|表示|表示して|確認|確認したい|見たい|知りたい)?(ください)?$/;
const EN = /^(show (me )?)?(our |my |the )?(progress|status|achievement rate|assessment status|where (are we|do we stand)|how far along are we|how are we doing)( please)?$/i;
const AREA = /^(分野別|分野ごと|領域別|分野毎)の?(進捗|状況|達成率|進捗状況)|^(progress|status|achievement) (by|per) area$/i;
const BENCH = /^(業界平均|他社|平均)(と|との)?(の)?(比較|比べ|くらべ)|^(compare|comparison) (with|to) (the )?(industry|average|others)|^(benchmark|industry average)s?$/i;

export const showProgress = defineIntent({
  name: "show_progress",
  description: { ja: "自己評価の進捗(レベル別・分野別)と前年度・業界平均との比較を表示する", en: "Show progress by level or area, with last year and industry figures" },
  readOnly: true,
  examples: { ja: ["進捗", "回答状況", "分野別の進捗", "業界平均と比較"], en: ["progress", "where do we stand", "progress by area"] },
  params: z.object({ by: z.enum(["level", "area"]).default("level") }).strict(),
  match(_text, { normalized }) {
    const t = normalized.replace(STRIP, "");
    if (AREA.test(t)) return { by: "area" };
    if (JA.test(t) || EN.test(t) || BENCH.test(t)) return { by: "level" };
    return null;
  },
  async handle({ by }, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { lang } = ctx;
    // this year's and last year's assessments with their answers, in one statement
    const { current: a, previous, statuses } = await m.service.currentWithPrevious(ctx.caller.orgId, ctx.now);
    const prev = by === "level" ? previous : null;
    const progress = computeProgress(ctx.services.kb, m.choices, statuses.get(a.id)!, a.targetLevel as Level);
    const lastYear = prev ? { a: prev, statuses: statuses.get(prev.id)! } : null;
    return by === "area" ? areaReply(ctx, a, progress) : await levelReply(ctx, m, a, progress, lastYear);
  },
});

function tallyRow(label: string, t: Tally, lang: Lang, extra?: string): ProgressRow {
  const excludedLabel = tr(lang, "対象外", "n/a");
  const detail = [
    tr(lang, `回答 ${t.answered}/${t.items}`, `answered ${t.answered}/${t.items}`),
    t.excluded ? `${excludedLabel} ${t.excluded}` : undefined,
    extra,
  ]
    .filter(Boolean)
    .join(" · ");
  return { label, done: t.achieved, total: t.items - t.excluded, rate: t.rate ?? 0, detail };
}

function title(a: AssessmentRef, lang: Lang, what: { ja: string; en: string }): string {
  const status = a.status === "submitted" ? tr(lang, "提出済み", "submitted") : tr(lang, "回答中", "open");
  return tr(
    lang,
    `${fyLabel(a.fiscalYear, lang)} ${what.ja}(v${a.guidelineVersion}・目標レベル${a.targetLevel}・${status})`,
    `${fyLabel(a.fiscalYear, lang)} ${what.en} (v${a.guidelineVersion}, target Level ${a.targetLevel}, ${status})`,
  );
}

type LastYear = { a: AssessmentRef; statuses: AnswerStatuses } | null;

async function levelReply(ctx: IntentContext, m: AssessmentModule, a: AssessmentRef, p: Progress, lastYear: LastYear): Promise<Reply> {
  const { lang } = ctx;
  const heading = title(a, lang, { ja: "自己評価の進捗", en: "self-assessment progress" });
  const rows: ProgressRow[] = [
    ...p.levels.map((l) =>
      tallyRow(
        tr(lang, `レベル${l.level}`, `Level ${l.level}`),
        l,
        lang,
        l.notInKb ? tr(lang, `全${l.officialItems}項目中${l.items}項目が判明`, `${l.items} of ${l.officialItems} known`) : undefined,
      ),
    ),
    tallyRow(targetLabel(p.target.level, lang), p.target, lang),
    tallyRow(tr(lang, `全${p.all.items}項目`, `All ${p.all.items} items`), p.all, lang),
  ];
  const notes: string[] = [
    m.choices.formula(lang),
    tr(
      lang,
      `レベル別の数字は、番号とレベルが当ナレッジベースで分かっている項目だけを数えています(例: レベル1は全${p.levels[0].officialItems}項目のうち${p.levels[0].items}項目)。` +
        `どのレベルか分からない${p.unknownLevel.items}番号も回答でき(回答済み${p.unknownLevel.answered})、「全${p.all.items}項目」に含まれます。`,
      `Per-level figures count only the items whose number and level this knowledge base knows (e.g. ${p.levels[0].items} of Level 1's ${p.levels[0].officialItems}). ` +
        `The ${p.unknownLevel.items} numbers of unknown level can still be answered (${p.unknownLevel.answered} so far) and count in "All ${p.all.items} items".`,
    ),
  ];
  const blocks: Block[] = [
    { type: "progress", title: heading, rows },
    { type: "context", text: notes.join("\n") },
    ...sinceLastYear(ctx, m, a, p, lastYear),
    ...(await comparisons(ctx, m, a, p)),
    { type: "choices", choices: progressButtons(lang) },
  ];
  const summary = tr(
    lang,
    `${heading}: レベル1 ${pct(p.levels[0].rate)}、目標 ${pct(p.target.rate)}、回答 ${p.all.answered}/${p.all.items}`,
    `${heading}: Level 1 ${pct(p.levels[0].rate)}, target ${pct(p.target.rate)}, answered ${p.all.answered}/${p.all.items}`,
  );
  return { text: summary, blocks, private: true };
}

function progressButtons(lang: Lang): Choice[] {
  return [
    { label: tr(lang, "重点課題", "Gaps"), action: { intent: "show_gaps", params: {} }, style: "primary" },
    { label: tr(lang, "分野別", "By area"), action: { intent: "show_progress", params: { by: "area" } } },
    { label: tr(lang, "順番に回答", "Answer in order"), action: { intent: "answer_walk", params: { action: "start", level: 1 } } },
    { label: tr(lang, "エクスポート", "Export"), action: { intent: "export_sheet", params: {} } },
  ];
}

function sinceLastYear(ctx: IntentContext, m: AssessmentModule, a: AssessmentRef, p: Progress, lastYear: LastYear): Block[] {
  const { lang } = ctx;
  const label = tr(lang, `前年度(${fyLabel(a.fiscalYear - 1, lang)})との比較`, `Compared with ${fyLabel(a.fiscalYear - 1, lang)}`);
  if (!lastYear) return [{ type: "context", text: `${label}: ${tr(lang, "前年度の記録はこのボットにありません。", "no record of last year in this bot.")}` }];
  const prev = lastYear.a;
  const old = computeProgress(ctx.services.kb, m.choices, lastYear.statuses, prev.targetLevel as Level);
  const parts = p.levels.map((l, i) => {
    const d = pointsDiff(l.rate, old.levels[i].rate);
    return `${tr(lang, `レベル${l.level}`, `Level ${l.level}`)} ${pct(old.levels[i].rate)} → ${pct(l.rate)}${d ? ` (${d})` : ""}`;
  });
  const versionNote =
    prev.guidelineVersion !== a.guidelineVersion
      ? tr(lang, `(前年度は v${prev.guidelineVersion} で回答。版の違いで項目の中身が変わっている可能性があります)`, ` (last year was answered on v${prev.guidelineVersion}; items may differ between versions)`)
      : "";
  return [{ type: "fields", fields: [{ label, value: parts.join("\n") + versionNote }] }];
}

async function comparisons(ctx: IntentContext, m: AssessmentModule, a: AssessmentRef, p: Progress): Promise<Block[]> {
  const { lang } = ctx;
  const fields: { label: string; value: string }[] = [];
  // industry figures: only what is registered in knowledge/benchmarks.yaml, with source and year
  const latest = m.benchmarks.latest();
  const registered = p.levels.map((l) => ({ l, avg: m.benchmarks.averageFor(l.level) }));
  const lines: string[] = [];
  if (registered.some((r) => r.avg)) {
    for (const { l, avg } of registered)
      lines.push(
        avg
          ? tr(lang, `レベル${l.level}: 貴社 ${pct(l.rate)} / 業界平均 ${avg.value}%(${fyLabel(avg.entry.fiscal_year, lang)}、${avg.entry.source.title})`, `Level ${l.level}: you ${pct(l.rate)} / industry ${avg.value}% (${fyLabel(avg.entry.fiscal_year, lang)}, ${avg.entry.source.title})`)
          : tr(lang, `レベル${l.level}: 業界平均は未登録`, `Level ${l.level}: no industry average registered`),
      );
  } else {
    lines.push(
      tr(
        lang,
        "業界平均は未登録です(公表されているレベル別の平均値を当方では入手できていないため、推測の数字は出しません)。運用者が knowledge/benchmarks.yaml の level_averages に出典と年度を添えて記入し、ボットを再起動すると比較できるようになります。",
        "No industry average is registered (we do not have the published per-level averages, and we do not make numbers up). An operator can fill in level_averages in knowledge/benchmarks.yaml with source and year, then restart the bot.",
      ),
    );
  }
  if (latest?.facts.length)
    lines.push(
      tr(lang, `分かっていること(${latest.source.title}):`, `What is known (${latest.source.title}):`),
      ...latest.facts.map((f) => `・${f[lang]}`),
    );
  fields.push({ label: tr(lang, "業界全体との比較", "Industry comparison"), value: lines.join("\n") });

  // this deployment's anonymous average: only with enough organisations that nobody is singled out
  // across every organisation: kept a few minutes (its cost grows with the companies), so it says how old it is
  const { value: avg, asOf } = await m.service.recentAverages(a.fiscalYear, a.guidelineVersion, ctx.now);
  fields.push({
    label: tr(lang, "この環境の利用組織の平均(匿名)", "Average of the organisations using this bot (anonymous)"),
    value: avg.shown
      ? tr(
          lang,
          `${avg.orgs}組織の平均(${asOfLabel(asOf, "ja")}): ${p.levels.map((l) => `レベル${l.level} ${pct(avg.levels[l.level])}`).join("、")}(貴社、最新: ${p.levels.map((l) => pct(l.rate)).join(" / ")})`,
          `Average of ${avg.orgs} organisations (${asOfLabel(asOf, "en")}): ${p.levels.map((l) => `Level ${l.level} ${pct(avg.levels[l.level])}`).join(", ")} (you, current: ${p.levels.map((l) => pct(l.rate)).join(" / ")})`,
        )
      : tr(
          lang,
          `${fyLabel(a.fiscalYear, lang)}に回答のある組織が${m.service.minOrgsForAverage}組織未満のため、個社の数字が推測できないよう平均は表示しません。`,
          `Fewer than ${m.service.minOrgsForAverage} organisations have answers for ${fyLabel(a.fiscalYear, lang)}, so no average is shown (it could reveal a single company's figures).`,
        ),
  });
  return [{ type: "fields", fields }];
}

function areaReply(ctx: IntentContext, a: AssessmentRef, p: Progress): Reply {
  const { lang } = ctx;
  const heading = title(a, lang, { ja: "分野別の進捗(当方の分類)", en: "progress by area (our grouping)" });
  const rows = p.areas.map((ar) => tallyRow(ar.name[lang], ar, lang));
  const note = tr(
    lang,
    `分野は当方の分類で、内容が分かっている${p.areas.reduce((s, x) => s + x.items, 0)}項目だけが入っています(公式の領域名ではありません)。`,
    `Areas are our own grouping and hold only the ${p.areas.reduce((s, x) => s + x.items, 0)} items we can describe (not official area names).`,
  );
  return {
    text: heading,
    blocks: [{ type: "progress", title: heading, rows }, { type: "context", text: note }, { type: "choices", choices: progressButtons(lang).filter((c) => c.action.intent !== "show_progress") }],
    private: true,
  };
}

/** 「目標(レベル1)」 or 「目標(レベル1〜2)」: never a range from a level to itself. */
export function targetLabel(level: number, lang: "ja" | "en"): string {
  return level <= 1 ? tr(lang, "目標(レベル1)", "Target (Level 1)") : tr(lang, `目標(レベル1〜${level})`, `Target (Levels 1-${level})`);
}
