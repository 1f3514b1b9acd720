// 「現状」: where the company stands this fiscal year. The gaps that matter first (重点課題), then
// achievement per level against the target, last year, the industry average (only what is
// registered, with its year and source) and the anonymous average of this deployment (only with
// at least 5 organisations); then per area. The same figures as 「進捗」 in chat, from the same
// domain functions.
import { asOfLabel } from "../../assessment/aggregate-cache.ts";
import { tr, type Lang } from "../../core/reply.ts";
import { fyLabel } from "../../assessment/fiscal-year.ts";
import { computeProgress, findGaps, pct, type Level, type Progress } from "../../assessment/progress.ts";
import type { AssessmentRef } from "../../assessment/service.ts";
import { UNANSWERED } from "../../assessment/choices.ts";
import { BarChart, ChartTable, COLORS, type ChartSpec } from "../charts.tsx";
import { Csrf, Layout, type Flash } from "../page.tsx";
import { type PageCtx, type WebDeps } from "../context.ts";


const GAPS_SHOWN = 10;

export interface OverviewModel {
  a: AssessmentRef;
  progress: Progress;
  last: Progress | null;
  lastFy: number;
  gaps: { no: number; title: string; level: number; status: string }[];
  gapCounts: { notAchieved: number; unanswered: number };
  levelChart: ChartSpec;
  areaChart: ChartSpec;
  notes: string[];
}

export async function loadOverview(deps: WebDeps, ctx: PageCtx): Promise<OverviewModel> {
  const { kb } = deps.services;
  const m = deps.services.assessment;
  const { lang } = ctx;
  // this year's and last year's assessments with their answers, in one statement
  const { current: a, previous: prev, statuses: statusesOf } = await m.service.currentWithPrevious(ctx.caller.orgId, ctx.now);
  const statuses = statusesOf.get(a.id)!;
  const progress = computeProgress(kb, m.choices, statuses, a.targetLevel as Level);
  const last = prev ? computeProgress(kb, m.choices, statusesOf.get(prev.id)!, prev.targetLevel as Level) : null;
  const { value: avg, asOf } = await m.service.recentAverages(a.fiscalYear, a.guidelineVersion, ctx.now);
  const gapList = findGaps(kb, m.choices, statuses, a.targetLevel as Level);
  const notAchieved = gapList.filter((g) => g.status !== UNANSWERED).length;

  const levels = [1, 2, 3] as const;
  const industry = levels.map((l) => m.benchmarks.averageFor(l));
  const series: ChartSpec["series"] = [
    { name: tr(lang, `貴社 ${fyLabel(a.fiscalYear, lang)}`, `You, ${fyLabel(a.fiscalYear, lang)}`), values: [...progress.levels.map((l) => l.rate), progress.target.rate], color: COLORS.us },
  ];
  if (last) series.push({ name: tr(lang, `貴社 ${fyLabel(a.fiscalYear - 1, lang)}`, `You, ${fyLabel(a.fiscalYear - 1, lang)}`), values: [...last.levels.map((l) => l.rate), null], color: COLORS.lastYear });
  if (industry.some(Boolean))
    series.push({ name: tr(lang, "業界平均", "Industry average"), values: [...industry.map((x) => (x ? x.value / 100 : null)), null], color: COLORS.industry });
  if (avg.shown)
    series.push({
      name: tr(lang, `利用組織の平均(${avg.orgs}組織・匿名)`, `Organisations using this bot (${avg.orgs}, anonymous)`),
      values: [avg.levels[1], avg.levels[2], avg.levels[3], null],
      color: COLORS.deployment,
    });
  const levelChart: ChartSpec = {
    id: "levels",
    title: tr(lang, "レベル別の達成率", "Achievement rate per level"),
    categories: [...levels.map((l) => tr(lang, `レベル${l}`, `Level ${l}`)), tr(lang, `目標(Lv1〜${a.targetLevel})`, `Target (Lv1–${a.targetLevel})`)],
    series,
    max: 1,
    format: pct,
  };
  const areaChart: ChartSpec = {
    id: "areas",
    title: tr(lang, "分野別の達成率(当方の分類)", "Achievement rate per area (our grouping)"),
    categories: progress.areas.map((x) => x.name[lang]),
    series: [
      { name: tr(lang, `貴社 ${fyLabel(a.fiscalYear, lang)}`, `You, ${fyLabel(a.fiscalYear, lang)}`), values: progress.areas.map((x) => x.rate), color: COLORS.us },
      ...(last ? [{ name: tr(lang, `貴社 ${fyLabel(a.fiscalYear - 1, lang)}`, `You, ${fyLabel(a.fiscalYear - 1, lang)}`), values: last.areas.map((x) => x.rate), color: COLORS.lastYear }] : []),
    ],
    max: 1,
    format: pct,
  };

  const notes = [
    m.choices.formula(lang),
    last
      ? tr(lang, `前年度(${fyLabel(a.fiscalYear - 1, lang)})はガイドライン v${prev!.guidelineVersion} での回答です。`, `Last year (${fyLabel(a.fiscalYear - 1, lang)}) was answered on guideline v${prev!.guidelineVersion}.`)
      : tr(lang, `前年度(${fyLabel(a.fiscalYear - 1, lang)})の記録はこのボットにありません。`, `There is no record of ${fyLabel(a.fiscalYear - 1, lang)} in this bot.`),
    tr(
      lang,
      `レベル別の数字は、番号とレベルが分かっている項目だけを数えています(レベル1は全${progress.levels[0].officialItems}項目中${progress.levels[0].items}項目)。レベル未確認の${progress.unknownLevel.items}番号も回答できます。`,
      `Per-level figures count only the items whose number and level we know (${progress.levels[0].items} of Level 1's ${progress.levels[0].officialItems}). The ${progress.unknownLevel.items} numbers of unknown level can still be answered.`,
    ),
    industry.some(Boolean)
      ? industry
          .map((x, i) => (x ? tr(lang, `業界平均 レベル${i + 1}: ${x.value}%(${fyLabel(x.entry.fiscal_year, lang)}、出典: ${x.entry.source.title})`, `Industry average Level ${i + 1}: ${x.value}% (${fyLabel(x.entry.fiscal_year, lang)}, source: ${x.entry.source.title})`) : tr(lang, `業界平均 レベル${i + 1}: 未登録`, `Industry average Level ${i + 1}: not registered`)))
          .join(" / ")
      : tr(
          lang,
          "業界平均は未登録です(公表されたレベル別の平均値を入手できていないため、推測の数字は出しません。運用者が knowledge/benchmarks.yaml に出典と年度を添えて登録できます)。",
          "No industry average is registered (we do not have published per-level averages and do not make numbers up; an operator can add them with source and year in knowledge/benchmarks.yaml).",
        ),
    avg.shown
      ? tr(lang, `利用組織の平均は、${fyLabel(a.fiscalYear, lang)}に回答のある${avg.orgs}組織の匿名の平均です(${asOfLabel(asOf, lang)}、5分ごとに更新。貴社の数字は最新です)。`, `The deployment average is the anonymous mean of the ${avg.orgs} organisations with answers in ${fyLabel(a.fiscalYear, lang)} (${asOfLabel(asOf, lang)}, refreshed every 5 minutes; your own figures are current).`)
      : tr(
          lang,
          `利用組織の平均は、回答のある組織が${m.service.minOrgsForAverage}組織以上になると表示します(個社の数字が推測されないように)。`,
          `The average of the organisations using this bot appears once at least ${m.service.minOrgsForAverage} have answers (so that no single company's figures can be inferred).`,
        ),
  ];
  const latest = m.benchmarks.latest();
  if (latest?.facts.length) notes.push(tr(lang, `分かっていること(${latest.source.title}): `, `What is known (${latest.source.title}): `) + latest.facts.map((f) => f[lang]).join(" / "));

  return {
    a,
    progress,
    last,
    lastFy: a.fiscalYear - 1,
    gaps: gapList.slice(0, GAPS_SHOWN).map((g) => ({ no: g.no, title: kb.title(g.no, lang), level: g.level, status: m.choices.label(g.status, lang) })),
    gapCounts: { notAchieved, unanswered: gapList.length - notAchieved },
    levelChart,
    areaChart,
    notes,
  };
}

export function statusText(a: AssessmentRef, lang: Lang): string {
  return a.status === "submitted" ? tr(lang, "提出済み(回答は変更できません)", "submitted (answers are locked)") : tr(lang, "回答中", "open");
}

export function OverviewPage({ ctx, model, flash }: { ctx: PageCtx; model: OverviewModel; flash?: Flash[] }) {
  const { lang, caller } = ctx;
  const { a, progress } = model;
  const o = `/web/o/${caller.orgId}`;
  const admin = caller.roles.has("admin");
  return (
    <Layout title={tr(lang, "現状", "Where we stand")} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf} flash={flash}>
      <p class="lead">
        {tr(
          lang,
          `${fyLabel(a.fiscalYear, lang)}・ガイドライン v${a.guidelineVersion}・目標レベル${a.targetLevel}・${statusText(a, lang)}。回答 ${progress.all.answered}/${progress.all.items}項目。`,
          `${fyLabel(a.fiscalYear, lang)}, guideline v${a.guidelineVersion}, target Level ${a.targetLevel}, ${statusText(a, lang)}. ${progress.all.answered} of ${progress.all.items} items answered.`,
        )}
      </p>

      <section aria-labelledby="gaps-h">
        <h2 id="gaps-h">{tr(lang, "重点課題", "Gaps that matter first")}</h2>
        {model.gaps.length ? (
          <>
            <p>
              {tr(
                lang,
                `目標レベル${a.targetLevel}までの未達成 ${model.gapCounts.notAchieved}件・未回答 ${model.gapCounts.unanswered}件(レベル1から)。`,
                `Up to target Level ${a.targetLevel}: ${model.gapCounts.notAchieved} not achieved, ${model.gapCounts.unanswered} unanswered (Level 1 first).`,
              )}
            </p>
            <ol class="gaps">
              {model.gaps.map((g) => (
                <li>
                  <a href={`${o}/items/${g.no}`}>{`No.${g.no} ${g.title}`}</a> <span class="tag">{`Lv${g.level}`}</span> <span class="tag">{g.status}</span>
                </li>
              ))}
            </ol>
            <p>
              <a href={`${o}/sheet?gaps=1`}>{tr(lang, "重点課題をすべて表で見る", "See all gaps in the table")}</a>
            </p>
          </>
        ) : (
          <p>{tr(lang, `目標レベル${a.targetLevel}までの分かっている項目は、すべて達成か対象外です。`, `Every known item up to target Level ${a.targetLevel} is achieved or not applicable.`)}</p>
        )}
      </section>

      <section aria-labelledby="levels-h">
        <h2 id="levels-h">{model.levelChart.title}</h2>
        <BarChart spec={model.levelChart} />
        <ChartTable summary={tr(lang, "数値を表で見る", "See the figures as a table")} spec={model.levelChart} caption={tr(lang, "レベル別の達成率(数値)", "Achievement rate per level (figures)")} categoryHeader={tr(lang, "レベル", "Level")} />
        <table class="compact">
          <caption>{tr(lang, "レベル別の内訳", "Per level, in detail")}</caption>
          <thead>
            <tr>
              <th scope="col">{tr(lang, "レベル", "Level")}</th>
              <th scope="col">{tr(lang, "達成", "Achieved")}</th>
              <th scope="col">{tr(lang, "回答済み", "Answered")}</th>
              <th scope="col">{tr(lang, "対象外", "N/A")}</th>
              <th scope="col">{tr(lang, "未回答", "Unanswered")}</th>
            </tr>
          </thead>
          <tbody>
            {[...progress.levels.map((l) => ({ label: tr(lang, `レベル${l.level}`, `Level ${l.level}`), t: l })), { label: tr(lang, `全${progress.all.items}項目`, `All ${progress.all.items} items`), t: progress.all }].map((r) => (
              <tr>
                <th scope="row">{r.label}</th>
                <td class="num">{`${r.t.achieved}/${r.t.items - r.t.excluded}`}</td>
                <td class="num">{`${r.t.answered}/${r.t.items}`}</td>
                <td class="num">{r.t.excluded}</td>
                <td class="num">{r.t.unanswered}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ul class="notes">
          {model.notes.map((n) => (
            <li>{n}</li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="areas-h">
        <h2 id="areas-h">{model.areaChart.title}</h2>
        <BarChart spec={model.areaChart} />
        <ChartTable summary={tr(lang, "数値を表で見る", "See the figures as a table")} spec={model.areaChart} caption={tr(lang, "分野別の達成率(数値)", "Achievement rate per area (figures)")} categoryHeader={tr(lang, "分野", "Area")} />
      </section>

      {admin ? (
        <section aria-labelledby="admin-h">
          <h2 id="admin-h">{tr(lang, "管理者の操作", "Admin")}</h2>
          <form method="post" action={`${o}/target`} class="row">
            <Csrf token={ctx.csrf} />
            <label for="target">{tr(lang, "目標レベル", "Target level")}</label>
            <select id="target" name="level">
              {[1, 2, 3].map((l) => (
                <option value={String(l)} selected={l === a.targetLevel}>
                  {tr(lang, `レベル${l}`, `Level ${l}`)}
                </option>
              ))}
            </select>
            <button type="submit">{tr(lang, "目標を変更", "Change target")}</button>
          </form>
          <form method="post" action={`${o}/status`} class="row">
            <Csrf token={ctx.csrf} />
            <input type="hidden" name="action" value={a.status === "submitted" ? "reopen" : "submit"} />
            <button type="submit">{a.status === "submitted" ? tr(lang, "再開する(回答を変更できるようにする)", "Reopen (allow changes)") : tr(lang, "提出済みにする(回答をロック)", "Mark as submitted (lock answers)")}</button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}
