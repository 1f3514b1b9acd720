// The pieces of replies the assessment intents share: answer buttons, the company's current
// answer on an item card, confirmations, the walk card, and polite texts for refusals. Neutral
// Reply blocks only; the adapters render them.
import type { IntentContext } from "../core/intent.ts";
import { tr, type Block, type Choice, type ItemCard, type Lang, type Reply } from "../core/reply.ts";
import { buildItemCard, itemHeading } from "../knowledge/item-card.ts";
import { UNANSWERED } from "./choices.ts";
import { formatJst } from "./fiscal-year.ts";
import type { AssessmentModule } from "./module.ts";
import type { Actor, AssessmentError, AssessmentRef, ChangeResult, CurrentAnswer, Source } from "./service.ts";
import type { WalkStep } from "./walk.ts";
import { askYesNo } from "../core/confirm.ts";

/** Pending questions in conversation state (ConversationData.pending) owned by the assessment intents. */
export const PENDING = {
  note: "answer-note",
  reason: "answer-reason",
  bulk: "answer-bulk",
  importConfirm: "import-confirm",
} as const;
export const PENDING_KINDS: string[] = Object.values(PENDING);

/** More items than this in one message are confirmed first ("No.1〜153 達成"). */
export const BULK_CONFIRM = 20;

export function mod(ctx: IntentContext): AssessmentModule {
  return ctx.services.assessment;
}

/** Always the caller's own organisation, from the verified platform identity. */
export function actorOf(ctx: IntentContext): Actor {
  return { userId: ctx.caller.userId, orgId: ctx.caller.orgId };
}

export function sourceOf(ctx: IntentContext): Source {
  return { channel: ctx.turn.platform, deliveryId: ctx.turn.deliveryId, at: ctx.now };
}

/** The bot's question (a note, a reason, a yes), answered by answer_followup in the next message. */
export function setPending(ctx: IntentContext, kind: string, data: Record<string, unknown>, minutes = 15): void {
  ctx.state.pending = { kind, data, expiresAt: new Date(ctx.now.getTime() + minutes * 60_000).toISOString(), answeredBy: "answer_followup" };
}

/** A yes/no question answered by answer_followup's confirm (the bulk change, the import). */
export function askToApply(ctx: IntentContext, kind: string, data: Record<string, unknown>): Choice[] {
  const { lang } = ctx;
  return askYesNo(ctx.state, ctx.now, {
    kind,
    data,
    yes: { label: tr(lang, "はい", "Yes"), action: { intent: "answer_followup", params: { confirm: true } }, style: "primary" },
    no: { label: tr(lang, "いいえ", "No"), action: { intent: "answer_followup", params: { confirm: false } } },
  });
}

export function clearPending(ctx: IntentContext): void {
  if (ctx.state.pending && PENDING_KINDS.includes(ctx.state.pending.kind)) delete ctx.state.pending;
}

/** A note over MAX_NOTE characters: refused with its length, nothing recorded (never cut silently). */
export function noteTooLong(length: number, max: number, lang: Lang): Reply {
  return textOnly(
    tr(
      lang,
      `メモは${max}文字までです(今回は${length}文字)。短くしてもう一度送ってください。何も変更していません。`,
      `A note can be at most ${max} characters (this one has ${length}). Please shorten it and send it again. Nothing was changed.`,
    ),
  );
}

/** "No.1〜3", "No.1, No.5, No.9", "No.1〜No.3 ほか" */
export function nosText(nos: number[]): string {
  const sorted = [...nos].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    runs.push(j > i + 1 ? `No.${sorted[i]}〜${sorted[j]}` : j === i + 1 ? `No.${sorted[i]}, No.${sorted[j]}` : `No.${sorted[i]}`);
    i = j + 1;
  }
  const text = runs.join(", ");
  return text.length > 80 ? text.slice(0, 77) + "…" : text;
}

/** 達成 / 未達成 / 対象外 buttons for one item (from the configured choices). */
export function answerButtons(m: AssessmentModule, no: number, lang: Lang, opts: { walk?: boolean } = {}): Choice[] {
  return m.choices.list.map((c) => ({
    label: c.label[lang],
    action: { intent: "record_answer", params: { nos: [no], choice: c.id, ...(opts.walk ? { walk: true } : {}) } },
    ...(c.counts_as_achieved ? { style: "primary" as const } : {}),
  }));
}

/** The company's current answer, as shown on an item card. */
export function describeAnswer(m: AssessmentModule, a: CurrentAnswer, names: Map<string, string>, lang: Lang): ItemCard["answer"] {
  const who = a.answeredById ? names.get(a.answeredById) : undefined;
  const detail = [
    a.note ? tr(lang, `メモ: ${a.note}`, `Note: ${a.note}`) : undefined,
    a.evidenceUrl ? tr(lang, `証跡: ${a.evidenceUrl}`, `Evidence: ${a.evidenceUrl}`) : undefined,
    tr(lang, `${who ?? "—"} / ${formatJst(a.answeredAt)}`, `${who ?? "—"} / ${formatJst(a.answeredAt)} JST`),
  ].filter(Boolean);
  return { label: tr(lang, `貴社の回答: ${m.choices.label(a.status, lang)}`, `Your answer: ${m.choices.label(a.status, lang)}`), detail: detail.join("\n") };
}

/**
 * For item cards (show_item and the walk): the answer buttons, plus the company's current answer
 * when there is one. A card with an answer is private (company data).
 */
export async function answerControls(ctx: IntentContext, no: number, opts: { walk?: boolean } = {}): Promise<{ answer?: ItemCard["answer"]; actions: Choice[] }> {
  const m = mod(ctx);
  const actions = answerButtons(m, no, ctx.lang, opts);
  const a = await m.service.forYear(ctx.caller.orgId, m.service.fiscalYear(ctx.now), ctx.services.kb.version, false);
  const cur = a ? await m.service.answer(a, no) : null;
  if (!cur || cur.status === UNANSWERED) return { actions };
  const names = await m.service.names(ctx.caller.orgId, [cur.answeredById]);
  return { answer: describeAnswer(m, cur, names, ctx.lang), actions };
}

/** One line per changed item: "No.115: 未回答 → 達成". */
export function changeLines(m: AssessmentModule, results: ChangeResult[], lang: Lang, max = 10): string {
  const lines = results
    .slice(0, max)
    .map((r) => `No.${r.no}: ${m.choices.label(r.oldStatus, lang)} → ${m.choices.label(r.newStatus, lang)}${r.newNote ? tr(lang, `(メモ: ${r.newNote})`, ` (note: ${r.newNote})`) : ""}`);
  if (results.length > max) lines.push(tr(lang, `ほか${results.length - max}件`, `and ${results.length - max} more`));
  return lines.join("\n");
}

export function assessmentErrorText(e: AssessmentError, lang: Lang): string {
  switch (e.code) {
    case "locked":
      return tr(
        lang,
        "この年度の自己評価は「提出済み」のため、回答を変更できません。何も変更していません。組織の管理者が「再開」すると変更できるようになります。",
        "This year's assessment is marked as submitted, so answers cannot change. Nothing was changed. An organisation admin can \"reopen\" it.",
      );
    case "nothing_to_undo":
      return tr(lang, "元に戻せるあなたの変更が見つかりませんでした。何も変更していません。", "I found no change of yours to undo. Nothing was changed.");
    case "already_undone":
      return tr(lang, "その変更はすでに元に戻してあります。何も変更していません。", "That change has already been undone. Nothing was changed.");
    case "undo_conflict": {
      const nos = (e.detail.nos as number[] | undefined) ?? [];
      return tr(
        lang,
        `${nosText(nos)} はその後ほかの変更があったため、元に戻していません(上書きを防ぐため)。何も変更していません。「No.${nos[0]}の履歴」で経緯を確認できます。`,
        `${nosText(nos)} changed again after that, so I did not undo it (to avoid overwriting). Nothing was changed. "history of ${nos[0]}" shows what happened.`,
      );
    }
    case "bad_status":
      return tr(lang, "その回答の選択肢はありません。何も変更していません。", "That is not one of the answer choices. Nothing was changed.");
    case "not_found":
    default:
      return tr(lang, "対象が見つかりませんでした。何も変更していません。", "I could not find that. Nothing was changed.");
  }
}

export function textOnly(text: string, opts: { private?: boolean; extra?: Block[] } = {}): Reply {
  return { text, blocks: [{ type: "text", text }, ...(opts.extra ?? [])], ...(opts.private ? { private: true } : {}) };
}

/** The walk's card: the item, the answer buttons, skip and stop, and where the walk stands. */
export async function walkBlocks(ctx: IntentContext, step: WalkStep, a: AssessmentRef): Promise<Block[]> {
  const { kb } = ctx.services;
  const { lang } = ctx;
  const m = mod(ctx);
  if (step.next === null) {
    ctx.state.walking = false;
    const unknown = kb.items().filter((i) => i.level === undefined).length;
    const skipped = step.walk.skipped.length;
    const text = tr(
      lang,
      `順番回答はここまでです。レベル${step.walk.level}と目標レベル${a.targetLevel}までの、番号とレベルが分かっている項目はすべて回答済み${skipped ? `(スキップした${skipped}項目を除く)` : ""}です。` +
        `\nレベルが未確認の${unknown}項目(当ナレッジベースに未登録)は、「No.8は達成」のように番号で回答できます。`,
      `That is the end of the walk: every item of Level ${step.walk.level} and of the target level ${a.targetLevel} whose number and level we know is answered${skipped ? ` (except ${skipped} skipped)` : ""}.` +
        `\nThe ${unknown} numbers of unknown level (not in this knowledge base yet) can be answered by number, e.g. "8 achieved".`,
    );
    const choices: Choice[] = [{ label: tr(lang, "進捗を見る", "Show progress"), action: { intent: "show_progress", params: {} } }];
    if (skipped)
      choices.unshift({ label: tr(lang, "スキップした項目に戻る", "Back to skipped items"), action: { intent: "answer_walk", params: { action: "start", level: step.walk.level, reset: true } } });
    return [{ type: "text", text }, { type: "choices", choices }];
  }
  const no = step.next;
  ctx.state.lastItemNo = no;
  ctx.state.walking = true;
  const controls = await answerControls(ctx, no, { walk: true });
  const card = buildItemCard(kb, no, lang, [
    ...controls.actions,
    { label: tr(lang, "この項目をスキップ", "Skip this item"), action: { intent: "answer_walk", params: { action: "skip", no } } },
    { label: tr(lang, "中断", "Stop"), action: { intent: "answer_walk", params: { action: "stop" } } },
  ])!;
  card.answer = controls.answer;
  const where = tr(
    lang,
    `順番回答: ${step.position}/${step.total}(レベル${step.walk.level}から目標レベル${a.targetLevel}まで、未回答 ${step.remaining}項目)`,
    `Walk: ${step.position}/${step.total} (Level ${step.walk.level}, then up to target level ${a.targetLevel}; ${step.remaining} unanswered)`,
  );
  void m;
  return [{ type: "context", text: where }, { type: "item", card }];
}

export function heading(kbTitle: (no: number) => string, no: number): string {
  return `No.${no} ${kbTitle(no)}`;
}

export { itemHeading };
