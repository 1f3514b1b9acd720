// Recording the company's answer to items: free text ("No.115は達成", "115 未達成 EDR未導入のため",
// "No.1〜3 達成", "mark 124 as achieved", "124 対象外 理由: 該当システムなし") and the answer buttons on
// item cards. Anything unclear asks back and changes nothing: two different statuses, a number
// that is not an item, 対象外 without a reason (asked for, then completed by the next message).
import { z } from "zod";
import { defineIntent, type IntentContext, type MatchContext } from "../src/core/intent.ts";
import { MAX_TEXT_LENGTH } from "../src/core/pipeline.ts";
import { tr, type Block, type Choice, type Reply } from "../src/core/reply.ts";
import { AssessmentError } from "../src/assessment/service.ts";
import { MAX_NOTE, parseAnswer } from "../src/assessment/parse-answer.ts";
import { AnswerChoices, UNANSWERED } from "../src/assessment/choices.ts";
import {
  actorOf,
  answerControls,
  assessmentErrorText,
  BULK_CONFIRM,
  changeLines,
  clearPending,
  mod,
  nosText,
  noteTooLong,
  PENDING,
  setPending,
  sourceOf,
  textOnly,
  walkBlocks,
} from "../src/assessment/ui.ts";
import { buildItemCard, itemHeading } from "../src/knowledge/item-card.ts";

/** Short words that also mean yes/no elsewhere: never taken as an answer without an item number. */
const WEAK_BARE = /^(はい|いいえ|yes|no|y|n|x|ok|ng|na|done|met|済み|できている|できています|できていない|できていません)$/i;

export const recordAnswer = defineIntent({
  name: "record_answer",
  description: { ja: "項目の回答(達成・未達成・対象外)を記録する", en: "Record the answer to an item (achieved, not achieved, not applicable)" },
  examples: {
    ja: ["No.115は達成", "115 未達成 EDR未導入のため", "No.1〜3 達成", "124 対象外 理由: 該当システムなし"],
    en: ["mark 124 as achieved", "115 not achieved", "124 not applicable: no such system"],
  },
  params: z
    .object({
      /** omitted: the item on screen (the walk's item, or the last card shown) */
      nos: z.array(z.number().int()).min(1).max(200).optional(),
      choice: z.string().min(1).max(40).optional(),
      /** up to a message's length: a note over MAX_NOTE is refused in words by the handler */
      note: z.string().max(MAX_TEXT_LENGTH).optional(),
      evidence: z.string().max(2000).regex(/^https?:\/\//).optional(),
      /** continue the guided walk after recording */
      walk: z.boolean().optional(),
      /** typed, not clicked: no note prompt afterwards */
      typed: z.boolean().optional(),
      /** asks back instead of recording */
      ask: z.enum(["ambiguous", "status"]).optional(),
      statuses: z.array(z.string().max(40)).max(5).optional(),
      /** confirmed a large change ("No.1〜153 達成") */
      confirmed: z.boolean().optional(),
    })
    .strict(),
  match: (text, ctx) => parseAnswerFor(text, ctx),
  async handle(p, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { lang } = ctx;
    const { kb } = ctx.services;

    if (p.ask === "ambiguous") {
      const labels = (p.statuses ?? []).map((s) => `「${m.choices.label(s, lang)}」`).join(tr(lang, "と", " and "));
      return textOnly(
        tr(
          lang,
          `${labels}の両方が書かれていて、どちらで記録すればよいか分かりませんでした。何も変更していません。\n1件ずつ「No.115は達成」のように送ってください(メモは「理由:」のあとに書けます)。`,
          `The message has both ${labels}, so I am not sure which to record. Nothing was changed.\nPlease send one at a time, e.g. "115 achieved" (a note can follow "note:").`,
        ),
      );
    }

    // which items
    let nos = p.nos;
    let walk = p.walk ?? false;
    if (!nos) {
      const ctxNo = ctx.state.lastItemNo;
      if (!ctxNo)
        return textOnly(
          tr(
            lang,
            "どの項目の回答か分かりませんでした。何も変更していません。「No.115は達成」のように番号と一緒に送ってください。",
            'I could not tell which item that answer is for. Nothing was changed. Please include the number, e.g. "115 achieved".',
          ),
        );
      nos = [ctxNo];
      const a = await m.service.current(ctx.caller.orgId, ctx.now);
      if (await m.walk.isCurrent(actorOf(ctx), a, ctxNo)) walk = true;
    }
    nos = [...new Set(nos)];
    const invalid = nos.filter((n) => !kb.item(n));
    if (invalid.length)
      return textOnly(
        tr(
          lang,
          `${invalid.map((n) => `No.${n}`).join(", ")} という項目はありません。チェックシートの項目は No.1〜No.${kb.totalItems} です。何も変更していません。`,
          `There is no item ${invalid.map((n) => `No.${n}`).join(", ")}; the check sheet has No.1 to No.${kb.totalItems}. Nothing was changed.`,
        ),
      );

    if (p.ask === "status") return statusOf(nos, ctx);

    if (p.note && p.note.length > MAX_NOTE) return noteTooLong(p.note.length, MAX_NOTE, lang);

    const choice = p.choice;
    if (!choice || !m.choices.isStatus(choice))
      return textOnly(tr(lang, "その回答の選択肢はありません。何も変更していません。", "That is not one of the answer choices. Nothing was changed."));

    // 対象外 needs a reason: ask for it, keep the rest pending, record nothing yet
    if (choice !== UNANSWERED && m.choices.requiresReason(choice) && !p.note?.trim()) {
      setPending(ctx, PENDING.reason, { nos, choice, walk, evidence: p.evidence }, 30);
      const label = m.choices.label(choice, lang);
      return {
        text: tr(lang, `${nosText(nos)} を「${label}」にする理由を送ってください。`, `Please send the reason why ${nosText(nos)} is "${label}".`),
        blocks: [
          {
            type: "text",
            text: tr(
              lang,
              `${nosText(nos)} を「${label}」にするには理由が必要です。次のメッセージで理由を送ってください(例: 該当するシステムがないため)。まだ何も記録していません。`,
              `"${label}" needs a reason for ${nosText(nos)}. Please send the reason in your next message (e.g. "we have no such system"). Nothing is recorded yet.`,
            ),
          },
          { type: "choices", choices: [{ label: tr(lang, "やめる", "Cancel"), action: { intent: "answer_followup", params: { cancel: true } } }] },
        ],
        private: true,
      };
    }

    if (nos.length > BULK_CONFIRM && !p.confirmed) return confirmBulk(ctx, { nos, choice, note: p.note, evidence: p.evidence });

    return recordAndReply(ctx, { nos, choice, note: p.note, evidence: p.evidence, walk, typed: p.typed ?? false });
  },
});

function parseAnswerFor(text: string, ctx: MatchContext): Record<string, unknown> | null {
  const r = parseAnswer(text, AnswerChoices.shared());
  if (!r) return null;
  if (r.kind === "ambiguous") return { ...(r.nos.length ? { nos: r.nos } : {}), ask: "ambiguous", statuses: r.statuses };
  if (r.kind === "status-query") return { nos: r.nos, ask: "status" };
  if (r.nos.length === 0) {
    // a bare status word: only a clear one, and only when an item is on screen
    // (without its trailing punctuation: "no." and "x." are as weak as "no" and "x")
    const word = (text.trim().split(/[\s、,。:：]/)[0] ?? "").replace(/[.!！?？。]+$/u, "");
    if (WEAK_BARE.test(word.trim()) || ctx.state.lastItemNo === undefined) return null;
    // the bot asked for a reason: "該当なし" is that reason, not a new answer
    const p = ctx.state.pending;
    if (p && p.kind === PENDING.reason && new Date(p.expiresAt).getTime() > ctx.now.getTime()) return null;
  }
  return {
    ...(r.nos.length ? { nos: r.nos } : {}),
    choice: r.choice,
    ...(r.note ? { note: r.note } : {}),
    ...(r.evidence ? { evidence: r.evidence } : {}),
    typed: true,
  };
}

/** "No.1〜153 達成": more than BULK_CONFIRM items are recorded only after a yes (answer_followup). */
export function confirmBulk(ctx: IntentContext, r: { nos: number[]; choice: string; note?: string; evidence?: string }): Reply {
  const m = mod(ctx);
  const { lang } = ctx;
  setPending(ctx, PENDING.bulk, { nos: r.nos, choice: r.choice, note: r.note, evidence: r.evidence });
  const text = tr(
    lang,
    `${r.nos.length}項目(${nosText(r.nos)})を「${m.choices.label(r.choice, lang)}」にします。よろしいですか?`,
    `This sets ${r.nos.length} items (${nosText(r.nos)}) to "${m.choices.label(r.choice, lang)}". Go ahead?`,
  );
  return {
    text,
    blocks: [
      { type: "text", text },
      {
        type: "choices",
        choices: [
          { label: tr(lang, "はい", "Yes"), action: { intent: "answer_followup", params: { confirm: true } }, style: "primary" },
          { label: tr(lang, "いいえ", "No"), action: { intent: "answer_followup", params: { confirm: false } } },
        ],
      },
    ],
    private: true,
  };
}

/** Records, then replies: what changed, undo, a note prompt after a click, the walk's next item. */
export async function recordAndReply(
  ctx: IntentContext,
  r: { nos: number[]; choice: string; note?: string; evidence?: string; walk: boolean; typed: boolean },
): Promise<Reply> {
  const m = mod(ctx);
  const { lang } = ctx;
  clearPending(ctx);
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  let result;
  try {
    result = await m.service.record(a, actorOf(ctx), sourceOf(ctx), r.nos.map((no) => ({ no, status: r.choice, ...(r.note ? { note: r.note } : {}), ...(r.evidence ? { evidence: r.evidence } : {}) })));
  } catch (e) {
    if (e instanceof AssessmentError) return textOnly(assessmentErrorText(e, lang), { private: true });
    throw e;
  }
  const label = m.choices.label(r.choice, lang);
  if (r.nos.length === 1) ctx.state.lastItemNo = r.nos[0];
  const head = tr(lang, `${nosText(r.nos)} を「${label}」にしました。`, `${nosText(r.nos)} set to "${label}".`);
  const blocks: Block[] = [{ type: "text", text: head }, { type: "context", text: changeLines(m, result.results, lang) }];
  const undo: Choice = { label: tr(lang, "元に戻す", "Undo"), action: { intent: "undo_answer", params: { changeId: result.changeId } } };

  // after a click, ask for an optional note; the next message becomes the note
  const askNote = !r.typed && !r.note && r.choice !== UNANSWERED;
  if (askNote) setPending(ctx, PENDING.note, { assessmentId: a.id, changeId: result.changeId, nos: r.nos }, 15);

  if (r.walk) {
    const step = await m.walk.resume(actorOf(ctx), a, (await m.service.answers(a)));
    if (askNote) blocks.push({ type: "context", text: tr(lang, "メモがあれば送ってください(スキップ可)。次の回答ボタンを押すとメモなしで進みます。", "Send a note if you like (optional); pressing the next answer button moves on without one.") });
    blocks.push({ type: "choices", choices: [undo] });
    if (step) blocks.push({ type: "divider" }, ...(await walkBlocks(ctx, step, a)));
    return { text: head, blocks, private: true };
  }
  ctx.state.walking = false;
  const choices: Choice[] = [undo];
  if (askNote) {
    blocks.push({ type: "text", text: tr(lang, "メモがあれば送ってください(スキップ可)", "Send a note if you like (you can skip)") });
    choices.unshift({ label: tr(lang, "スキップ", "Skip"), action: { intent: "answer_followup", params: { skip: true } } });
  }
  choices.push({ label: tr(lang, "進捗を見る", "Progress"), action: { intent: "show_progress", params: {} } });
  blocks.push({ type: "choices", choices });
  return { text: head, blocks, private: true };
}

/** "No.115は達成?": the company's current answer, on the item's card. */
async function statusOf(nos: number[], ctx: IntentContext): Promise<Reply> {
  const { kb } = ctx.services;
  const { lang } = ctx;
  const blocks: Block[] = [];
  for (const no of nos.slice(0, 5)) {
    const controls = await answerControls(ctx, no);
    if (nos.length === 1) {
      const card = buildItemCard(kb, no, lang, controls.actions)!;
      card.answer = controls.answer ?? { label: tr(lang, `貴社の回答: ${mod(ctx).choices.label(UNANSWERED, lang)}`, `Your answer: ${mod(ctx).choices.label(UNANSWERED, lang)}`) };
      blocks.push({ type: "item", card });
      ctx.state.lastItemNo = no;
    } else {
      blocks.push({ type: "text", text: `${itemHeading(kb, no, lang)}: ${controls.answer?.label ?? tr(lang, "未回答", "Unanswered")}` });
    }
  }
  return { text: nosText(nos), blocks, private: true };
}
