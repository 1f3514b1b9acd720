// 「取引先の状況」 / "supplier status" (any member of the buyer): every invited supplier with its
// state, due date, last activity and, only while it consents, its shared figures; the ones that
// need attention first; totals (Lv1 / Lv2 complete). 「取引先の状況をエクスポート」 gives the same as
// .xlsx and .csv. One supplier's detail (a button) shows answers per item only when that supplier
// chose to share them. Everything is looked up within the caller's organisation.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Block, type FileAttachment, type Reply } from "../src/core/reply.ts";
import { pct } from "../src/assessment/progress.ts";
import { UNANSWERED } from "../src/assessment/choices.ts";
import { rolloutLine, scopeLabel, stateLabel, day } from "../src/suppliers/replies.ts";
import { CSV_MIME, rolloutCsv, rolloutXlsx, XLSX_MIME } from "../src/suppliers/export.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const SHOW = /^(取引先(の)?(状況|進捗|一覧|回答状況|自己評価の状況)|取引先は(どう|どんな感じ)|サプライヤー(の)?(状況|進捗|一覧)|supplier(s)? (status|progress|overview)|(show |how are )?(my |our )?suppliers( doing)?)(を見せて|を見る|を表示|を教えて)?$/i;
const EXPORT = /^(取引先(の)?(状況|一覧)(を)?(エクスポート|出力|ダウンロード|excel|エクセル|csv)(して)?|export (the )?suppliers?( status| list)?|download (the )?suppliers?( status| list)?)$/i;
const SHOWN = 20;

export const supplierStatus = defineIntent({
  name: "supplier_status",
  description: { ja: "依頼した取引先の状況を見る・出力する", en: "See or export where your suppliers stand" },
  examples: { ja: ["取引先の状況", "取引先の進捗"], en: ["supplier status", "how are our suppliers doing"] },
  params: z.object({ format: z.enum(["xlsx", "csv", "both"]).optional(), id: z.string().uuid().optional() }).strict(),
  personal: true,
  readOnly: true,
  match(_t, { normalized }) {
    const t = normalized.replace(STRIP, "");
    if (EXPORT.test(t)) return { format: /csv/.test(t) ? "csv" : /(excel|エクセル|xlsx)/.test(t) ? "xlsx" : "both" };
    return SHOW.test(t) ? {} : null;
  },
  async handle({ format, id }, ctx): Promise<Reply> {
    const { lang } = ctx;
    const s = ctx.services.suppliers;
    if (id) return detail(id, ctx);
    const r = await s.rollout(ctx.caller.orgId, ctx.now);
    if (!r.rows.length) {
      const text = tr(lang, "まだ取引先に依頼していません。組織の管理者が「取引先に自己評価を依頼 (会社名)」で始められます。", 'No supplier has been invited yet. An organisation admin can start with "invite a supplier (name)".');
      return { text, blocks: [{ type: "text", text }], private: true };
    }
    const t = r.totals;
    const head = tr(
      lang,
      `取引先 ${t.all}社: 提出済み ${t.submitted}・回答中 ${t.answering}・参加済み ${t.joined}・招待中 ${t.invited}・辞退 ${t.declined}・期限切れ ${t.expired}。レベル1達成 ${t.lv1Complete}社、レベル2まで達成 ${t.lv2Complete}社。`,
      `${t.all} suppliers: ${t.submitted} submitted, ${t.answering} answering, ${t.joined} joined, ${t.invited} invited, ${t.declined} declined, ${t.expired} expired. Level 1 complete: ${t.lv1Complete}; Level 2 complete: ${t.lv2Complete}.`,
    );
    if (format) {
      const files: FileAttachment[] = [];
      const base = `suppliers-${day(ctx.now)}`;
      if (format !== "csv") files.push({ name: `${base}.xlsx`, mime: XLSX_MIME, data: await rolloutXlsx(r, lang, ctx.now), title: tr(lang, "取引先の状況 (Excel)", "Suppliers (Excel)") });
      if (format !== "xlsx") files.push({ name: `${base}.csv`, mime: CSV_MIME, data: rolloutCsv(r, lang), title: tr(lang, "取引先の状況 (CSV)", "Suppliers (CSV)") });
      return { text: head, blocks: [{ type: "text", text: head }, ...files.map((file): Block => ({ type: "file", file }))], private: true };
    }
    const shown = r.rows.slice(0, SHOWN);
    const blocks: Block[] = [
      { type: "text", text: head },
      {
        type: "list",
        title: tr(lang, "対応が必要な順", "Needing attention first"),
        entries: shown.map((row) => ({ ...rolloutLine(row, lang), action: { intent: "supplier_status", params: { id: row.id } } })),
        footer:
          (r.rows.length > SHOWN ? tr(lang, `ほか${r.rows.length - SHOWN}社は「取引先の状況をエクスポート」で。`, `${r.rows.length - SHOWN} more in "export suppliers".`) + "\n" : "") +
          tr(lang, "数字は取引先が共有に同意している間だけ表示されます。", "Figures show only while a supplier consents to share them."),
      },
      {
        type: "choices",
        choices: [
          { label: tr(lang, "エクスポート", "Export"), action: { intent: "supplier_status", params: { format: "both" } } },
          ...(t.remindable ? [{ label: tr(lang, `未提出の${t.remindable}社にリマインド`, `Remind ${t.remindable} not submitted`), action: { intent: "supplier_remind", params: {} } }] : []),
        ],
      },
    ];
    return { text: head, blocks, private: true };
  },
});

async function detail(id: string, ctx: Parameters<(typeof supplierStatus)["handle"]>[1]): Promise<Reply> {
  const { lang } = ctx;
  const s = ctx.services.suppliers;
  const row = await s.rolloutRow(ctx.caller.orgId, id, ctx.now);
  if (!row) {
    const text = tr(lang, "その取引先は貴社の依頼先として見つかりませんでした。", "That supplier was not found among your company's invitations.");
    return { text, blocks: [{ type: "text", text }], private: true };
  }
  const line = rolloutLine(row, lang);
  const blocks: Block[] = [{ type: "heading", text: row.name }, { type: "text", text: `${stateLabel(row.state, lang)} — ${line.detail}` }];
  if (row.shared) {
    blocks.push({
      type: "progress",
      title: tr(lang, `共有範囲: ${scopeLabel(row.scope!, lang)}`, `Shared: ${scopeLabel(row.scope!, lang)}`),
      rows: row.shared.levels.map((l) => ({ label: tr(lang, `レベル${l.level}`, `Level ${l.level}`), done: l.achieved, total: l.items - l.excluded, rate: l.rate ?? undefined, detail: tr(lang, `回答 ${l.answered}/${l.items}・達成率 ${pct(l.rate)}`, `${l.answered}/${l.items} answered, ${pct(l.rate)}`) })),
    });
    const items = row.scope === "items" ? await s.sharedItems(ctx.caller.orgId, id, ctx.now) : null;
    if (items) {
      const choices = ctx.services.assessment.choices;
      const open = ctx.services.kb
        .itemsUpToLevel(2)
        .filter((it) => {
          const st = items.answers.get(it.no) ?? UNANSWERED;
          return st === UNANSWERED || !(choices.countsAsAchieved(st) || choices.excluded(st));
        })
        .map((it) => `No.${it.no}`);
      blocks.push({ type: "text", text: tr(lang, `レベル1・2の未達成・未回答: ${open.length ? open.join(", ") : "なし"}`, `Level 1–2 not achieved or unanswered: ${open.length ? open.join(", ") : "none"}`) });
    }
  } else {
    blocks.push({ type: "context", text: tr(lang, "この取引先は数字を共有していません(同意前、辞退、または停止)。", "This supplier shares no figures (no consent yet, declined or withdrawn).") });
  }
  return { text: row.name, blocks, private: true };
}
