// 「チェックシート」: all 153 items in one table, filtered by level, area and answer (or the gaps
// up to the target level), each a link to its page with the explanation and the answer form.
import { tr } from "../../core/reply.ts";
import { formatJst, fyLabel } from "../../assessment/fiscal-year.ts";
import { findGaps, type Level } from "../../assessment/progress.ts";
import { AssessmentService, type AssessmentRef } from "../../assessment/service.ts";
import { UNANSWERED } from "../../assessment/choices.ts";
import { Layout } from "../page.tsx";
import type { PageCtx, WebDeps } from "../context.ts";

export interface SheetFilter {
  level: "" | "1" | "2" | "3" | "unknown";
  area: string;
  status: string;
  gaps: boolean;
}

export interface SheetRow {
  no: number;
  title: string;
  level?: number;
  area?: string;
  status: string;
  statusLabel: string;
  note: string;
  who: string;
  when?: Date;
}

export interface SheetModel {
  a: AssessmentRef;
  filter: SheetFilter;
  rows: SheetRow[];
  total: number;
  areas: { id: string; name: string }[];
  choices: { id: string; label: string }[];
}

/** Reads the filter from the query string; anything unknown means "all". */
export function readFilter(q: Record<string, unknown>, known: { areas: Set<string>; statuses: Set<string> }): SheetFilter {
  const s = (k: string) => (typeof q[k] === "string" ? (q[k] as string) : "");
  const level = s("level");
  return {
    level: level === "1" || level === "2" || level === "3" || level === "unknown" ? level : "",
    area: known.areas.has(s("area")) ? s("area") : "",
    status: known.statuses.has(s("status")) ? s("status") : "",
    gaps: s("gaps") === "1",
  };
}

export async function loadSheet(deps: WebDeps, ctx: PageCtx, query: Record<string, unknown>): Promise<SheetModel> {
  const { kb } = deps.services;
  const m = deps.services.assessment;
  const { lang } = ctx;
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  const answers = await m.service.answers(a);
  const filter = readFilter(query, { areas: new Set(kb.areas.map((x) => x.id)), statuses: new Set([...m.choices.ids(), UNANSWERED]) });
  const gapNos = filter.gaps ? new Set(findGaps(kb, m.choices, AssessmentService.statuses(answers), a.targetLevel as Level).map((g) => g.no)) : undefined;
  const names = await m.service.names(ctx.caller.orgId, [...answers.values()].map((x) => x.answeredById));
  const rows: SheetRow[] = [];
  for (const item of kb.items()) {
    const ans = answers.get(item.no);
    const status = ans && m.choices.isStatus(ans.status) ? ans.status : UNANSWERED;
    if (filter.level === "unknown" ? item.level !== undefined : filter.level && String(item.level) !== filter.level) continue;
    if (filter.area && item.entry?.area !== filter.area) continue;
    if (filter.status && status !== filter.status) continue;
    if (gapNos && !gapNos.has(item.no)) continue;
    const area = kb.area(item.entry?.area);
    rows.push({
      no: item.no,
      title: kb.title(item.no, lang),
      level: item.level,
      area: area?.name[lang],
      status,
      statusLabel: m.choices.label(status, lang),
      note: ans?.note ?? "",
      who: status !== UNANSWERED && ans?.answeredById ? (names.get(ans.answeredById) ?? "") : "",
      when: status !== UNANSWERED ? ans?.answeredAt : undefined,
    });
  }
  return {
    a,
    filter,
    rows,
    total: kb.totalItems,
    areas: kb.areas.map((x) => ({ id: x.id, name: x.name[lang] })),
    choices: [...m.choices.list.map((c) => ({ id: c.id, label: c.label[lang] })), { id: UNANSWERED, label: m.choices.label(UNANSWERED, lang) }],
  };
}

const NOTE_SHOWN = 60;

export function SheetPage({ ctx, model }: { ctx: PageCtx; model: SheetModel }) {
  const { lang, caller } = ctx;
  const o = `/web/o/${caller.orgId}`;
  const f = model.filter;
  const filtered = Boolean(f.level || f.area || f.status || f.gaps);
  return (
    <Layout title={tr(lang, "チェックシート", "Check sheet")} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf}>
      <p class="lead">
        {tr(lang, `${fyLabel(model.a.fiscalYear, lang)}・目標レベル${model.a.targetLevel}。番号を選ぶと説明と回答フォームが開きます。`, `${fyLabel(model.a.fiscalYear, lang)}, target Level ${model.a.targetLevel}. Choose a number for its explanation and the answer form.`)}
      </p>
      <form method="get" action={`${o}/sheet`} class="filters" aria-label={tr(lang, "絞り込み", "Filter")}>
        <div>
          <label for="f-level">{tr(lang, "レベル", "Level")}</label>
          <select id="f-level" name="level">
            <option value="">{tr(lang, "すべて", "All")}</option>
            {(["1", "2", "3"] as const).map((l) => (
              <option value={l} selected={f.level === l}>
                {tr(lang, `レベル${l}`, `Level ${l}`)}
              </option>
            ))}
            <option value="unknown" selected={f.level === "unknown"}>
              {tr(lang, "レベル未確認", "Level unknown")}
            </option>
          </select>
        </div>
        <div>
          <label for="f-area">{tr(lang, "分野", "Area")}</label>
          <select id="f-area" name="area">
            <option value="">{tr(lang, "すべて", "All")}</option>
            {model.areas.map((x) => (
              <option value={x.id} selected={f.area === x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-status">{tr(lang, "回答", "Answer")}</label>
          <select id="f-status" name="status">
            <option value="">{tr(lang, "すべて", "All")}</option>
            {model.choices.map((c) => (
              <option value={c.id} selected={f.status === c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div class="check">
          <input type="checkbox" id="f-gaps" name="gaps" value="1" checked={f.gaps} />
          <label for="f-gaps">{tr(lang, "重点課題だけ", "Gaps only")}</label>
        </div>
        <button type="submit">{tr(lang, "絞り込む", "Filter")}</button>
        {filtered ? <a href={`${o}/sheet`}>{tr(lang, "条件を外す", "Clear")}</a> : null}
      </form>
      <p role="status">{tr(lang, `${model.rows.length}件 / 全${model.total}項目`, `${model.rows.length} of ${model.total} items`)}</p>
      <div class="table-wrap" role="region" aria-label={tr(lang, "チェックシートの表", "Check sheet table")} tabindex={0}>
        <table class="sheet">
          <caption>{tr(lang, "チェックシート(番号順)", "Check sheet (by number)")}</caption>
          <thead>
            <tr>
              <th scope="col">No.</th>
              <th scope="col">{tr(lang, "項目", "Item")}</th>
              <th scope="col">{tr(lang, "レベル", "Level")}</th>
              <th scope="col">{tr(lang, "分野", "Area")}</th>
              <th scope="col">{tr(lang, "回答", "Answer")}</th>
              <th scope="col">{tr(lang, "メモ・理由", "Note / reason")}</th>
              <th scope="col">{tr(lang, "回答者・日時", "By, when")}</th>
            </tr>
          </thead>
          <tbody>
            {model.rows.map((r) => (
              <tr>
                <th scope="row">
                  <a href={`${o}/items/${r.no}`}>{`No.${r.no}`}</a>
                </th>
                <td>{r.title}</td>
                <td>{r.level ? `Lv${r.level}` : "—"}</td>
                <td>{r.area ?? "—"}</td>
                <td>
                  <span class={`status s-${r.status}`}>{r.statusLabel}</span>
                </td>
                <td>{r.note.length > NOTE_SHOWN ? r.note.slice(0, NOTE_SHOWN - 1) + "…" : r.note}</td>
                <td>{r.when ? `${r.who || "—"} ${formatJst(r.when)}` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
