// The secretariat's view across the deployment, anonymous by construction: how many
// organisations are where, how achievement rates are spread per level (only with at least 5
// organisations answering, like the anonymous average; never a company's name next to its
// figures), and the questions the bot could not answer (texts only, never who asked).
import { tr, type Lang } from "../../core/reply.ts";
import { fyLabel } from "../../assessment/fiscal-year.ts";
import { BANDS, type RateDistribution, type StatusCounts } from "../../assessment/aggregate.ts";
import { asOfLabel } from "../../assessment/aggregate-cache.ts";
import { unansweredQuestions, type UnansweredQuestion } from "../../knowledge/question-log.ts";
import { formatJst } from "../../assessment/fiscal-year.ts";
import { BarChart, ChartTable, COLORS, type ChartSpec } from "../charts.tsx";
import { Layout } from "../page.tsx";
import type { PageCtx, WebDeps } from "../context.ts";

export interface ProgressModel {
  fiscalYear: number;
  counts: StatusCounts;
  dist: RateDistribution;
  minOrgs: number;
  /** when the figures were counted (they are kept a few minutes) */
  asOf: Date;
  charts: ChartSpec[];
  rollout: Awaited<ReturnType<WebDeps["services"]["suppliers"]["overview"]>>;
}

function bandLabel(i: number): string {
  return i === BANDS - 1 ? `${i * 10}–100%` : `${i * 10}–${i * 10 + 9}%`;
}

export async function loadProgress(deps: WebDeps, ctx: PageCtx): Promise<ProgressModel> {
  const m = deps.services.assessment;
  const { lang } = ctx;
  const fiscalYear = m.service.fiscalYear(ctx.now);
  const minOrgs = m.service.minOrgsForAverage;
  const [counts, dist, rollout] = await Promise.all([
    m.service.recentStatusCounts(fiscalYear, ctx.now),
    m.service.recentDistribution(fiscalYear, ctx.now),
    // one aggregate over the invitations (counts only), read afresh
    deps.services.suppliers.overview(ctx.now),
  ]);
  const asOf = new Date(Math.min(counts.asOf.getTime(), dist.asOf.getTime()));
  const charts: ChartSpec[] = dist.value.shown
    ? ([1, 2, 3] as const).map((l) => {
        const values = dist.value.levels[l];
        return {
          id: `dist-${l}`,
          title: tr(lang, `レベル${l}の達成率の分布(組織数)`, `Level ${l}: organisations by achievement rate`),
          categories: values.map((_, i) => bandLabel(i)),
          series: [{ name: tr(lang, "組織数", "Organisations"), values, color: COLORS.us }],
          max: Math.max(1, ...values),
          format: (v: number | null) => (v === null ? "—" : String(Math.round(v))),
        };
      })
    : [];
  return { fiscalYear, counts: counts.value, dist: dist.value, minOrgs, asOf, charts, rollout };
}

export function ProgressPage({ ctx, model }: { ctx: PageCtx; model: ProgressModel }) {
  const { lang, caller } = ctx;
  const c = model.counts;
  const fy = fyLabel(model.fiscalYear, lang);
  return (
    <Layout title={tr(lang, "全体の進捗", "Overall progress")} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf}>
      <p class="lead">
        {tr(lang, `${fy}、この環境を使う全組織の集計です(匿名・${asOfLabel(model.asOf, lang)}・5分ごとに更新)。会社名と回答を結び付けて表示することはありません。`, `${fy}, across every organisation using this deployment (anonymous, ${asOfLabel(model.asOf, lang)}, refreshed every 5 minutes). No company's name is ever shown next to its answers.`)}
      </p>
      <section aria-labelledby="counts-h">
        <h2 id="counts-h">{tr(lang, "状態別の組織数", "Organisations by state")}</h2>
        <table class="compact">
          <caption>{tr(lang, `${fy}の自己評価の状態`, `State of the ${fy} self-assessment`)}</caption>
          <tbody>
            <tr>
              <th scope="row">{tr(lang, "ボットを使った組織", "Organisations using the bot")}</th>
              <td class="num">{c.organisations}</td>
            </tr>
            <tr>
              <th scope="row">{tr(lang, "未着手(回答なし)", "Not started (no answer)")}</th>
              <td class="num">{c.notStarted}</td>
            </tr>
            <tr>
              <th scope="row">{tr(lang, "回答中", "Answering")}</th>
              <td class="num">{c.answering}</td>
            </tr>
            <tr>
              <th scope="row">{tr(lang, "提出済み", "Submitted")}</th>
              <td class="num">{c.submitted}</td>
            </tr>
          </tbody>
        </table>
      </section>
      <section aria-labelledby="dist-h">
        <h2 id="dist-h">{tr(lang, "レベル別の達成率の分布", "Spread of achievement rates per level")}</h2>
        {model.dist.shown ? (
          <>
            <p>{tr(lang, `回答のある${model.dist.orgs}組織の、10ポイントごとの組織数です。`, `Organisations per 10-point band, of the ${model.dist.orgs} with answers.`)}</p>
            {model.charts.map((spec) => (
              <>
                <h3>{spec.title}</h3>
                <BarChart spec={spec} />
                <ChartTable summary={tr(lang, "数値を表で見る", "See the figures as a table")} spec={spec} caption={spec.title} categoryHeader={tr(lang, "達成率", "Achievement rate")} />
              </>
            ))}
          </>
        ) : (
          <p>
            {tr(
              lang,
              `回答のある組織が${model.dist.orgs}組織で、${model.minOrgs}組織未満のため分布は表示しません(個社の数字が推測されないように)。`,
              `Only ${model.dist.orgs} organisations have answers, fewer than ${model.minOrgs}, so no spread is shown (it could reveal a single company's figures).`,
            )}
          </p>
        )}
      </section>
      <section aria-labelledby="reach-h">
        <h2 id="reach-h">{tr(lang, "取引先への展開", "Supplier roll-out reach")}</h2>
        <p>{tr(lang, "企業が取引先に出した自己評価の依頼の集計です(件数のみ。社名や回答は含みません)。", "Requests companies sent to their suppliers (counts only: no company names or answers).")}</p>
        <table class="compact">
          <caption>{tr(lang, "取引先への依頼", "Requests to suppliers")}</caption>
          <tbody>
            {(
              [
                [tr(lang, "依頼した企業", "Companies that sent requests"), model.rollout.buyers],
                [tr(lang, "依頼", "Requests"), model.rollout.invitations],
                [tr(lang, "参加(コード入力)", "Joined (code used)"), model.rollout.joined],
                [tr(lang, "共有に同意", "Consent to share"), model.rollout.consenting],
                [tr(lang, "うち提出済み", "of which submitted"), model.rollout.submitted],
                ...model.rollout.tiers.map((n, i): [string, number] => [tr(lang, `${i + 1}次取引先に届いた企業`, `Companies reached at tier ${i + 1}`), n]),
              ] as [string, number][]
            ).map(([k, v]) => (
              <tr>
                <th scope="row">{k}</th>
                <td class="num">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}

export async function loadQuestions(deps: WebDeps): Promise<UnansweredQuestion[]> {
  return unansweredQuestions(deps.services.db, {}, 100);
}

export function QuestionsPage({ ctx, rows }: { ctx: PageCtx; rows: UnansweredQuestion[] }) {
  const { lang, caller } = ctx;
  return (
    <Layout title={tr(lang, "答えられなかった質問", "Questions the bot could not answer")} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf}>
      <p class="lead">{tr(lang, "全組織の質問のうち、ボットが答えられなかったもの(多い順、質問文のみ。誰が聞いたかは表示しません)。ナレッジベースを補う手がかりです。", "Questions from every organisation that the bot could not answer (most frequent first; the text only, never who asked). Hints for what the knowledge base lacks.")}</p>
      {rows.length ? <QuestionsTable lang={lang} rows={rows} /> : <p>{tr(lang, "答えられなかった質問はまだありません。", "No unanswered questions so far.")}</p>}
    </Layout>
  );
}

function QuestionsTable({ lang, rows }: { lang: Lang; rows: UnansweredQuestion[] }) {
  return (
    <div class="table-wrap" role="region" aria-label={tr(lang, "答えられなかった質問", "Unanswered questions")} tabindex={0}>
      <table>
        <caption>{tr(lang, "多い順(最大100件)", "Most frequent first (up to 100)")}</caption>
        <thead>
          <tr>
            <th scope="col">{tr(lang, "回数", "Times")}</th>
            <th scope="col">{tr(lang, "質問(正規化済み)", "Question (normalised)")}</th>
            <th scope="col">{tr(lang, "最後に聞かれた日時", "Last asked")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td class="num">{r.count}</td>
              <td>{r.text}</td>
              <td>{r.lastAskedAt ? formatJst(r.lastAskedAt) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
