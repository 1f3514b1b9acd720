// The message after the bot asked something about an answer: the optional note after a click
// ("メモがあれば送ってください(スキップ可)"), the reason 対象外 requires, or yes/no for a large change
// or an import. What it waits for lives in the conversation state (ConversationData.pending);
// item numbers, navigation and questions are left to the other intents.
import { z } from "zod";
import { defineIntent, type IntentContext, type MatchContext } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { findItemNumbers } from "../src/nlu/item-numbers.ts";
import { AssessmentError } from "../src/assessment/service.ts";
import { MAX_NOTE, splitNote } from "../src/assessment/parse-answer.ts";
import { actorOf, assessmentErrorText, BULK_CONFIRM, changeLines, clearPending, mod, noteTooLong, nosText, PENDING, PENDING_KINDS, sourceOf, textOnly, walkBlocks } from "../src/assessment/ui.ts";
import { MAX_TEXT_LENGTH } from "../src/core/pipeline.ts";
import { confirmBulk, recordAndReply } from "./record-answer.ts";
import type { AnswerChange } from "../src/assessment/service.ts";

const SKIP = /^(スキップ|すきっぷ|skip|なし|無し|ない|不要|いらない|結構です|no|none|no note|いいえ|特になし)$/i;
const CANCEL = /^(やめる|やめます|止める|キャンセル|中止|中断|取り消し|cancel|stop|abort|never ?mind)$/i;
/** Left to the other intents even while a note is awaited: moving around, not writing a note. */
const NAVIGATION = /^(次の項目|前の項目|次へ|前へ|次のページ|次|もっと|続き|続きから|next|previous|prev|next item|previous item|next page|more|resume|help|ヘルプ)$/i;

function expired(ctx: Pick<MatchContext, "state" | "now">): boolean {
  const p = ctx.state.pending;
  return !p || !PENDING_KINDS.includes(p.kind) || new Date(p.expiresAt).getTime() < ctx.now.getTime();
}

export const answerFollowup = defineIntent({
  name: "answer_followup",
  description: { ja: "回答へのメモ・理由・確認を受け取る", en: "Take the note, reason or confirmation the bot asked for" },
  examples: { ja: [], en: [] },
  params: z
    .object({
      /** up to a message's length: a note or reason over MAX_NOTE is refused in words */
      text: z.string().min(1).max(MAX_TEXT_LENGTH).optional(),
      skip: z.literal(true).optional(),
      cancel: z.literal(true).optional(),
      confirm: z.boolean().optional(),
    })
    .strict(),
  match(text, ctx) {
    if (expired(ctx)) return null;
    const t = ctx.normalized.replace(/[?？!！。.、\s]+$/u, "");
    if (!t) return null;
    const kind = ctx.state.pending!.kind;
    // yes/no questions are answered through src/core/confirm.ts: typed はい is its button
    if (kind === PENDING.bulk || kind === PENDING.importConfirm) return null;
    if (CANCEL.test(t)) return { cancel: true };
    if (SKIP.test(t)) return kind === PENDING.note ? { skip: true } : { cancel: true }; // a reason cannot be skipped
    if (NAVIGATION.test(t)) return null;
    // a question, or little more than an item number, is not a note
    if (/[?？]\s*$/.test(text)) return null;
    const refs = findItemNumbers(text);
    if (refs.numbers.length && t.replace(/[\d\s.,、~\-no番項目#は]/gi, "").length <= 4) return null;
    return { text: text.trim() };
  },
  async handle(p, ctx): Promise<Reply> {
    const { lang } = ctx;
    if (expired(ctx))
      return textOnly(tr(lang, "お待ちしていた内容は期限が切れたか、すでに処理済みです。何も変更していません。", "Whatever I was waiting for has expired or is already done. Nothing was changed."));
    const pending = ctx.state.pending!;
    const data = pending.data as Record<string, unknown>;
    if (p.cancel || p.confirm === false) {
      clearPending(ctx);
      return textOnly(tr(lang, "取りやめました。何も変更していません。", "Cancelled. Nothing was changed."));
    }
    // a note or reason too long is refused and the question stays open for a shorter one
    const written = (pending.kind === PENDING.note || pending.kind === PENDING.reason) && p.text ? splitNote(p.text).note : undefined;
    if (written && written.length > MAX_NOTE) return noteTooLong(written.length, MAX_NOTE, lang);
    switch (pending.kind) {
      case PENDING.note:
        return note(ctx, data, p.skip ? undefined : p.text);
      case PENDING.reason: {
        if (!p.text) return textOnly(tr(lang, "理由を文章で送ってください(「やめる」で取りやめ)。", 'Please type the reason ("cancel" to stop).'));
        const { note: reason, evidence } = splitNote(p.text);
        if (!reason) return textOnly(tr(lang, "理由を文章で送ってください(「やめる」で取りやめ)。", 'Please type the reason ("cancel" to stop).'));
        // 「No.1〜153 対象外」 asked for the reason first; a change that large still needs its yes
        const nos = data.nos as number[];
        if (nos.length > BULK_CONFIRM)
          return confirmBulk(ctx, { nos, choice: String(data.choice), note: reason, evidence: (data.evidence as string | undefined) ?? evidence });
        return recordAndReply(ctx, {
          nos: data.nos as number[],
          choice: String(data.choice),
          note: reason,
          evidence: (data.evidence as string | undefined) ?? evidence,
          walk: Boolean(data.walk),
          typed: true,
        });
      }
      case PENDING.bulk:
        if (p.confirm !== true) return textOnly(tr(lang, "「はい」か「いいえ」で答えてください。", 'Please answer "yes" or "no".'));
        return recordAndReply(ctx, {
          nos: data.nos as number[],
          choice: String(data.choice),
          note: data.note as string | undefined,
          evidence: data.evidence as string | undefined,
          walk: false,
          typed: true,
        });
      case PENDING.importConfirm:
        if (p.confirm !== true) return textOnly(tr(lang, "「はい」か「いいえ」で答えてください。", 'Please answer "yes" or "no".'));
        return applyImport(ctx, data);
      default:
        return textOnly(tr(lang, "何も変更していません。", "Nothing was changed."));
    }
  },
});

async function note(ctx: IntentContext, data: Record<string, unknown>, text: string | undefined): Promise<Reply> {
  const m = mod(ctx);
  const { lang } = ctx;
  clearPending(ctx);
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  const walking = ctx.state.walking === true;
  const nextCard = async () => {
    if (!walking) return [];
    const step = await m.walk.resume(actorOf(ctx), a, await m.service.answers(a));
    return step ? await walkBlocks(ctx, step, a) : [];
  };
  if (!text) return { text: tr(lang, "メモなしで記録しました。", "Recorded without a note."), blocks: [{ type: "text", text: tr(lang, "メモなしで記録しました。", "Recorded without a note.") }, ...(await nextCard())], private: true };
  // the pending answer belongs to this year's assessment of this organisation, or it is stale
  if (data.assessmentId !== a.id) return textOnly(tr(lang, "メモを付ける回答が見つかりませんでした。何も変更していません。", "I could not find the answer to add the note to. Nothing was changed."));
  const { note: body, evidence } = splitNote(text);
  const nos = (data.nos as number[]).filter((n) => Number.isInteger(n));
  const changes: AnswerChange[] = nos.map((no) => ({ no, ...(body ? { note: body } : {}), ...(evidence ? { evidence } : {}) }));
  try {
    const r = await m.service.record(a, actorOf(ctx), sourceOf(ctx), changes, { kind: "note", changeId: String(data.changeId) });
    const head = tr(lang, `${nosText(nos)} にメモを記録しました。`, `Note added to ${nosText(nos)}.`);
    return {
      text: head,
      blocks: [
        { type: "text", text: head },
        { type: "context", text: changeLines(m, r.results, lang) },
        // the next card's answer buttons first: their numbers never move (1 is always 達成)
        ...(await nextCard()),
        { type: "choices", choices: [{ label: tr(lang, "元に戻す", "Undo"), action: { intent: "undo_answer", params: { changeId: r.changeId } } }] },
      ],
      private: true,
    };
  } catch (e) {
    if (e instanceof AssessmentError) return textOnly(assessmentErrorText(e, lang), { private: true });
    throw e;
  }
}

async function applyImport(ctx: IntentContext, data: Record<string, unknown>): Promise<Reply> {
  const m = mod(ctx);
  const { lang } = ctx;
  clearPending(ctx);
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  if (data.assessmentId !== a.id) return textOnly(tr(lang, "取り込みの確認が古くなりました。もう一度インポートしてください。何も変更していません。", "That import preview is out of date; please import again. Nothing was changed."));
  const changes = (data.changes as AnswerChange[]).filter((c) => Number.isInteger(c.no) && ctx.services.kb.item(c.no) && (c.status === undefined || m.choices.isStatus(c.status)));
  try {
    const r = await m.service.record(a, actorOf(ctx), sourceOf(ctx), changes, { kind: "import" });
    const head = tr(lang, `${r.results.length}件を取り込みました。`, `Imported ${r.results.length} answers.`);
    return {
      text: head,
      blocks: [
        { type: "text", text: head },
        { type: "context", text: changeLines(m, r.results, lang) },
        {
          type: "choices",
          choices: [
            { label: tr(lang, "元に戻す", "Undo"), action: { intent: "undo_answer", params: { changeId: r.changeId } } },
            { label: tr(lang, "進捗を見る", "Progress"), action: { intent: "show_progress", params: {} } },
          ],
        },
      ],
      private: true,
    };
  } catch (e) {
    if (e instanceof AssessmentError) return textOnly(assessmentErrorText(e, lang), { private: true });
    throw e;
  }
}
