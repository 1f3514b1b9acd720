// "No.115の履歴" / "history of 115": the audit trail of one item of this year's assessment, newest
// first: who, when, old → new, from which channel. Only the caller's organisation.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { findItemNumbers } from "../src/nlu/item-numbers.ts";
import { formatJst, fyLabel } from "../src/assessment/fiscal-year.ts";
import { mod, textOnly } from "../src/assessment/ui.ts";
import { itemHeading } from "../src/knowledge/item-card.ts";

const HISTORY = /(履歴|変更履歴|変更の記録|経緯|監査ログ|history|audit( trail| log)?|changelog|who changed)/i;
const KIND: Record<string, [string, string]> = {
  set: ["回答", "answer"],
  note: ["メモ", "note"],
  undo: ["元に戻す", "undo"],
  import: ["インポート", "import"],
  "carry-over": ["昨年度から引継ぎ", "carried over"],
};
const CHANNEL: Record<string, string> = { slack: "Slack", teams: "Teams", console: "Console", script: "Script", web: "Web" };

export const answerHistory = defineIntent({
  name: "answer_history",
  description: { ja: "項目の回答の変更履歴を表示する", en: "Show the change history of an item's answer" },
  readOnly: true,
  examples: { ja: ["No.115の履歴", "115の変更履歴"], en: ["history of 115", "who changed item 115"] },
  params: z.object({ no: z.number().int() }).strict(),
  match(text, { normalized }) {
    if (!HISTORY.test(normalized)) return null;
    const nos = findItemNumbers(text, { loose: true }).numbers;
    return nos.length === 1 ? { no: nos[0] } : null;
  },
  async handle({ no }, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { kb } = ctx.services;
    const { lang } = ctx;
    if (!kb.item(no))
      return textOnly(tr(lang, `No.${no} という項目はありません(No.1〜No.${kb.totalItems})。`, `There is no item No.${no} (No.1 to No.${kb.totalItems}).`));
    ctx.state.lastItemNo = no;
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    const { events, more } = await m.service.history(a, no);
    const title = tr(lang, `${itemHeading(kb, no, lang)} の変更履歴(${fyLabel(a.fiscalYear, lang)})`, `${itemHeading(kb, no, lang)}: history (${fyLabel(a.fiscalYear, lang)})`);
    if (!events.length)
      return textOnly(tr(lang, `No.${no} は${fyLabel(a.fiscalYear, lang)}はまだ誰も回答していません。`, `Nobody has answered No.${no} in ${fyLabel(a.fiscalYear, lang)} yet.`), { private: true });
    const entries = events.map((e) => {
      const [ja, en] = KIND[e.kind] ?? [e.kind, e.kind];
      const change = `${m.choices.label(e.oldStatus, lang)} → ${m.choices.label(e.newStatus, lang)}`;
      const noteChanged = (e.newNote ?? "") !== (e.oldNote ?? "");
      const note = noteChanged ? (e.newNote ? tr(lang, ` / メモ: ${e.newNote}`, ` / note: ${e.newNote}`) : tr(lang, " / メモ削除", " / note removed")) : "";
      const who =
        e.actorName ??
        (e.actorId ? tr(lang, "(不明)", "(unknown)") : e.channel === "script" ? tr(lang, "(運用者)", "(operator)") : tr(lang, "(システム)", "(system)"));
      return {
        label: `${formatJst(e.at)} ${who}: ${change}${note}`,
        detail: `${tr(lang, ja, en)} / ${CHANNEL[e.channel] ?? e.channel}`,
      };
    });
    return {
      text: title,
      blocks: [
        {
          type: "list",
          title,
          entries,
          footer: [
            more ? tr(lang, "新しい20件を表示しています。", "Showing the 20 newest.") : undefined,
            tr(lang, "時刻は日本時間。履歴は追記のみで、消えたり書き換わったりしません。", "Times in JST. The history is append-only: nothing in it is ever changed or deleted."),
          ]
            .filter(Boolean)
            .join("\n"),
        },
      ],
      private: true,
    };
  },
});
