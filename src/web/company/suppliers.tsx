// 「取引先」: the buyer's suppliers on one page, the same as 「取引先の状況」 in chat (state, due date,
// last activity, the figures each supplier consents to share, its own suppliers as counts), the
// ones needing attention first, with totals and the xlsx / csv export. Read-only: inviting,
// reminding and consenting happen in chat, where the codes and the buttons are.
import { tr } from "../../core/reply.ts";
import { pct } from "../../assessment/progress.ts";
import type { Rollout } from "../../suppliers/service.ts";
import { day, scopeLabel, stateLabel } from "../../suppliers/replies.ts";
import { CSV_MIME, rolloutCsv, rolloutXlsx, XLSX_MIME } from "../../suppliers/export.ts";
import { Layout } from "../page.tsx";
import type { PageCtx, WebDeps } from "../context.ts";

export async function loadSuppliers(deps: WebDeps, ctx: PageCtx): Promise<Rollout> {
  return deps.services.suppliers.rollout(ctx.caller.orgId, ctx.now);
}

export async function suppliersFile(deps: WebDeps, ctx: PageCtx, format: "xlsx" | "csv"): Promise<{ name: string; mime: string; data: Buffer }> {
  const r = await loadSuppliers(deps, ctx);
  const name = `suppliers-${day(ctx.now)}.${format}`;
  return format === "xlsx" ? { name, mime: XLSX_MIME, data: await rolloutXlsx(r, ctx.lang, ctx.now) } : { name, mime: CSV_MIME, data: rolloutCsv(r, ctx.lang) };
}

export function SuppliersPage({ ctx, model }: { ctx: PageCtx; model: Rollout }) {
  const { lang, caller } = ctx;
  const o = `/web/o/${caller.orgId}`;
  const t = model.totals;
  return (
    <Layout title={tr(lang, "取引先", "Suppliers")} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf}>
      <p class="lead">
        {tr(
          lang,
          "依頼した取引先の状況です(対応が必要な順)。数字は、その取引先が貴社への共有に同意している間だけ表示されます。依頼・リマインドはチャットで「取引先に自己評価を依頼」「未着手の取引先にリマインド」。",
          'The suppliers you invited, those needing attention first. Figures show only while a supplier consents to share them with you. Invite and remind in chat: "invite a supplier", "remind suppliers".',
        )}
      </p>
      <dl class="figures">
        <dt>{tr(lang, "依頼した取引先", "Invited")}</dt>
        <dd>{t.all}</dd>
        {(["submitted", "answering", "joined", "invited", "declined", "expired"] as const).map((k) => (
          <>
            <dt>{stateLabel(k, lang)}</dt>
            <dd>{t[k]}</dd>
          </>
        ))}
        <dt>{tr(lang, "レベル1をすべて達成", "Level 1 complete")}</dt>
        <dd>{t.lv1Complete}</dd>
        <dt>{tr(lang, "レベル2まですべて達成", "Level 2 complete")}</dt>
        <dd>{t.lv2Complete}</dd>
      </dl>
      <p>
        <a href={`${o}/suppliers.xlsx`}>{tr(lang, "Excelで出力", "Export as Excel")}</a> · <a href={`${o}/suppliers.csv`}>{tr(lang, "CSVで出力", "Export as CSV")}</a>
      </p>
      {model.rows.length ? (
        <div class="table-wrap" role="region" aria-label={tr(lang, "取引先の一覧", "Suppliers")} tabindex={0}>
          <table>
            <caption>{tr(lang, "取引先の一覧", "Suppliers")}</caption>
            <thead>
              <tr>
                <th scope="col">{tr(lang, "取引先", "Supplier")}</th>
                <th scope="col">{tr(lang, "状態", "State")}</th>
                <th scope="col">{tr(lang, "期限", "Due")}</th>
                <th scope="col">{tr(lang, "共有", "Shared")}</th>
                <th scope="col">{tr(lang, "レベル1", "Level 1")}</th>
                <th scope="col">{tr(lang, "レベル2", "Level 2")}</th>
                <th scope="col">{tr(lang, "その先の取引先", "Its suppliers")}</th>
                <th scope="col">{tr(lang, "最終の動き", "Last activity")}</th>
                <th scope="col">{tr(lang, "リマインド", "Reminded")}</th>
              </tr>
            </thead>
            <tbody>
              {model.rows.map((r) => (
                <tr>
                  <th scope="row">{r.name}</th>
                  <td>
                    {stateLabel(r.state, lang)}
                    {r.withdrawn ? tr(lang, "(共有停止)", " (withdrawn)") : ""}
                    {r.overdue ? <strong>{tr(lang, " 期限超過", " overdue")}</strong> : null}
                  </td>
                  <td>{day(r.dueDate)}</td>
                  <td>{r.scope ? scopeLabel(r.scope, lang) : tr(lang, "なし", "none")}</td>
                  {[0, 1].map((i) => {
                    const l = r.shared?.levels[i];
                    return <td>{l ? tr(lang, `回答 ${l.answered}/${l.items}・${pct(l.rate)}`, `${l.answered}/${l.items} · ${pct(l.rate)}`) : "—"}</td>;
                  })}
                  <td>{r.chain ? tr(lang, `招待${r.chain.invited}・参加${r.chain.joined}・提出${r.chain.submitted}`, `${r.chain.invited} invited · ${r.chain.joined} joined · ${r.chain.submitted} submitted`) : "—"}</td>
                  <td>{day(r.lastActivity)}</td>
                  <td>{r.remindersOff ? tr(lang, "停止中", "stopped") : day(r.lastRemindedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{tr(lang, "まだ取引先に依頼していません。", "No supplier has been invited yet.")}</p>
      )}
    </Layout>
  );
}
