// "提出済みにする" locks this year's answers (organisation admin): nothing changes until "再開".
// Both are recorded in the audit trail. Members are refused by the pipeline's role check.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { fyLabel } from "../src/assessment/fiscal-year.ts";
import { actorOf, mod, sourceOf, textOnly } from "../src/assessment/ui.ts";
import { UNANSWERED } from "../src/assessment/choices.ts";
import { askYesNo, DECLINE } from "../src/core/confirm.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const SUBMIT = /^(提出済みにする|提出済みにして|提出済み|提出済にする|提出しました|提出完了|回答を確定(する)?|ロックする|ロック|mark (it |the assessment |the sheet )?as submitted|submit( it| the assessment| the sheet| our answers)?|we submitted( it)?|submitted|lock( the assessment| answers)?)$/i;
const REOPEN = /^(再開|再開する|回答を再開|提出を取り消す|提出済みを取り消す|ロック解除|ロックを解除|reopen( the assessment)?|unlock( the assessment| answers)?)$/i;

export const lockAssessment = defineIntent({
  name: "lock_assessment",
  description: { ja: "自己評価を提出済みにする/再開する(管理者)", en: "Mark the assessment as submitted, or reopen it (admin)" },
  examples: { ja: ["提出済みにする", "再開"], en: ["mark as submitted", "reopen"] },
  params: z.object({ action: z.enum(["submit", "reopen"]), confirmed: z.boolean().optional() }).strict(),
  role: "admin",
  match(_text, { normalized }) {
    const t = normalized.replace(STRIP, "");
    if (SUBMIT.test(t)) return { action: "submit" };
    if (REOPEN.test(t)) return { action: "reopen" };
    return null;
  },
  async handle({ action, confirmed }, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { lang } = ctx;
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    const fy = fyLabel(a.fiscalYear, lang);
    // locking stops everyone's changes: asked first, like every other change of that weight
    if (action === "submit" && !confirmed && a.status !== "submitted") {
      const answers = await m.service.answers(a);
      const open = ctx.services.kb.items().filter((it) => (answers.get(it.no)?.status ?? UNANSWERED) === UNANSWERED).length;
      const question = tr(
        lang,
        `${fy}の自己評価を「提出済み」にして、回答を変更できないようにしますか?${open ? `(未回答が${open}項目あります)` : ""}`,
        `Mark the ${fy} assessment as submitted, so that answers can no longer change?${open ? ` (${open} items are unanswered)` : ""}`,
      );
      const choices = askYesNo(ctx.state, ctx.now, {
        kind: "lock-assessment",
        yes: { label: tr(lang, "提出済みにする", "Mark as submitted"), action: { intent: "lock_assessment", params: { action: "submit", confirmed: true } }, style: "primary" },
        no: { label: tr(lang, "やめる", "Not now"), action: DECLINE },
      });
      return { text: question, blocks: [{ type: "text", text: question }, { type: "choices", choices }], private: true };
    }
    const r = await m.service.setStatus(a, actorOf(ctx), sourceOf(ctx), action === "submit" ? "submitted" : "open");
    if (action === "submit")
      return textOnly(
        r.changed
          ? tr(lang, `${fy}の自己評価を「提出済み」にしました。以後、回答は変更できません(管理者が「再開」すると変更できます)。`, `${fy} assessment marked as submitted. Answers can no longer change (an admin can "reopen" it).`)
          : tr(lang, `${fy}の自己評価はすでに「提出済み」です。`, `The ${fy} assessment is already submitted.`),
        { private: true, extra: [{ type: "choices", choices: [{ label: tr(lang, "エクスポート", "Export"), action: { intent: "export_sheet", params: {} } }] }] },
      );
    return textOnly(
      r.changed
        ? tr(lang, `${fy}の自己評価を再開しました。回答を変更できます。`, `${fy} assessment reopened; answers can change again.`)
        : tr(lang, `${fy}の自己評価は提出済みではありません(回答中です)。順番回答の続きは「続きから」です。`, `The ${fy} assessment is not submitted (it is open). To continue a walk, say "resume".`),
      { private: true },
    );
  },
});
