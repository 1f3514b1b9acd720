// 「変更履歴」: who changed what, when, from which channel, for the whole assessment of this
// fiscal year, newest first, 50 at a time. Append-only: nothing here can be edited.
import { tr } from "../../core/reply.ts";
import { formatJst, fyLabel } from "../../assessment/fiscal-year.ts";
import { recentChanges, type ChangeEntry } from "../../assessment/history.ts";
import type { AssessmentRef } from "../../assessment/service.ts";
import { Layout } from "../page.tsx";
import type { PageCtx, WebDeps } from "../context.ts";
import { CHANNEL_LABELS, KIND_LABELS } from "./item.tsx";

const PAGE = 50;

export interface HistoryModel {
  a: AssessmentRef;
  entries: (ChangeEntry & { change: string; kindLabel: string })[];
  next?: bigint;
}

export async function loadHistory(deps: WebDeps, ctx: PageCtx, before: string | undefined): Promise<HistoryModel> {
  const m = deps.services.assessment;
  const { lang } = ctx;
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  const cursor = before && /^\d{1,19}$/.test(before) ? BigInt(before) : undefined;
  const { entries, next } = await recentChanges(deps.services.db, a, { limit: PAGE, before: cursor });
  return {
    a,
    next,
    entries: entries.map((e) => ({
      ...e,
      kindLabel: tr(lang, ...(KIND_LABELS[e.kind] ?? [e.kind, e.kind])),
      change:
        e.itemNo === 0
          ? e.kind === "target"
            ? tr(lang, `目標レベル ${e.oldStatus ?? "—"} → ${e.newStatus}`, `target level ${e.oldStatus ?? "—"} → ${e.newStatus}`)
            : `${e.oldStatus === "submitted" ? tr(lang, "提出済み", "submitted") : tr(lang, "回答中", "open")} → ${e.newStatus === "submitted" ? tr(lang, "提出済み", "submitted") : tr(lang, "回答中", "open")}`
          : `${m.choices.label(e.oldStatus, lang)} → ${m.choices.label(e.newStatus, lang)}`,
    })),
  };
}

export function HistoryPage({ ctx, model }: { ctx: PageCtx; model: HistoryModel }) {
  const { lang, caller } = ctx;
  const o = `/web/o/${caller.orgId}`;
  return (
    <Layout title={tr(lang, "変更履歴", "History")} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf}>
      <p class="lead">
        {tr(
          lang,
          `${fyLabel(model.a.fiscalYear, lang)}の回答の変更すべて(新しい順、日本時間)。チャットでも Web でも、変更はここに追記され、消えたり書き換わったりしません。`,
          `Every change of ${fyLabel(model.a.fiscalYear, lang)}'s answers (newest first, JST). Changes from chat and from the web are appended here and never changed or deleted.`,
        )}
      </p>
      {model.entries.length ? (
        <div class="table-wrap" role="region" aria-label={tr(lang, "変更履歴", "History")} tabindex={0}>
          <table>
            <caption>{tr(lang, "変更履歴", "History")}</caption>
            <thead>
              <tr>
                <th scope="col">{tr(lang, "日時", "When")}</th>
                <th scope="col">{tr(lang, "項目", "Item")}</th>
                <th scope="col">{tr(lang, "誰が", "Who")}</th>
                <th scope="col">{tr(lang, "変更", "Change")}</th>
                <th scope="col">{tr(lang, "種類", "Kind")}</th>
                <th scope="col">{tr(lang, "経路", "Via")}</th>
              </tr>
            </thead>
            <tbody>
              {model.entries.map((e) => (
                <tr>
                  <td>{formatJst(e.at)}</td>
                  <td>{e.itemNo ? <a href={`${o}/items/${e.itemNo}`}>{`No.${e.itemNo}`}</a> : tr(lang, "(全体)", "(whole sheet)")}</td>
                  <td>{e.actorName ?? (e.actorId ? tr(lang, "(不明)", "(unknown)") : tr(lang, "(システム)", "(system)"))}</td>
                  <td>
                    {e.change}
                    {(e.newNote ?? "") !== (e.oldNote ?? "") ? <span class="small">{e.newNote ? tr(lang, ` / メモ: ${e.newNote}`, ` / note: ${e.newNote}`) : tr(lang, " / メモ削除", " / note removed")}</span> : null}
                  </td>
                  <td>{e.kindLabel}</td>
                  <td>{CHANNEL_LABELS[e.channel] ?? e.channel}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{tr(lang, "まだ変更はありません。", "No changes yet.")}</p>
      )}
      {model.next !== undefined ? (
        <p>
          <a href={`${o}/history?before=${model.next}`}>{tr(lang, "さらに古い変更", "Older changes")}</a>
        </p>
      ) : null}
    </Layout>
  );
}
