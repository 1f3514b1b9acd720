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
import { checkAnswer } from "../src/assessment/answer-rules.ts";
import {
  actorOf,
  answerButtons,
  answerControls,
  askToApply,
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
      /** several clauses of one message ("No.25 は達成、No.26 は未達成"), recorded together */
      parts: z
        .array(
          z
            .object({
              nos: z.array(z.number().int()).min(1).max(200),
              choice: z.string().min(1).max(40),
              note: z.string().max(MAX_TEXT_LENGTH).optional(),
              evidence: z.string().max(2000).regex(/^https?:\/\//).optional(),
            })
            .strict(),
        )
        .min(1)
        .max(20)
        .optional(),
      /** clauses of the same message whose meaning was not clear: asked back, not recorded */
      unclear: z
        .array(
          z
            .object({
              nos: z.array(z.number().int()).min(1).max(200),
              why: z.enum(["doubt", "ambiguous", "negated", "weak"]),
              statuses: z.array(z.string().max(40)).max(5),
            })
            .strict(),
        )
        .max(20)
        .optional(),
      /** asks back instead of recording: the meaning was not clear, or it is a question */
      ask: z.enum(["unsure", "status"]).optional(),
      why: z.enum(["doubt", "ambiguous", "negated", "weak"]).optional(),
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

    if (p.ask === "unsure") return askBack(ctx, p.nos ?? (ctx.state.lastItemNo ? [ctx.state.lastItemNo] : []), p.why ?? "ambiguous", p.statuses ?? []);
    if (p.parts) return recordParts(ctx, p.parts, p.unclear ?? []);

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

    // a button's label typed out is typed: no note prompt afterwards, as for any typed answer
    return recordAndReply(ctx, { nos, choice, note: p.note, evidence: p.evidence, walk, typed: p.typed ?? ctx.turn.input.kind === "text" });
  },
});

function parseAnswerFor(text: string, ctx: MatchContext): Record<string, unknown> | null {
  const r = parseAnswer(text, AnswerChoices.shared());
  if (!r) return null;
  if (r.kind === "status-query") return { nos: r.nos, ask: "status" };
  const bare = r.kind === "unsure" ? r.nos.length === 0 : r.parts.length === 1 && r.parts[0].nos.length === 0;
  if (bare) {
    // a bare status word is meant for the item on screen; with none, the handler asks which item
    // (a short word like 「はい」 or 「OK」 is then no answer at all)
    if (ctx.state.lastItemNo === undefined && r.kind === "unsure") return null;
    // the bot asked for a reason or a yes/no: "該当なし" or "はい" answers that, not the item (while
    // an optional note is awaited, a bare status is the next answer, as in the walk)
    const p = ctx.state.pending;
    if (p && p.kind !== PENDING.note && new Date(p.expiresAt).getTime() > ctx.now.getTime()) return null;
  }
  if (r.kind === "unsure") return { ...(r.nos.length ? { nos: r.nos } : {}), ask: "unsure", why: r.reason, statuses: r.statuses.slice(0, 5) };
  if (r.unclear?.length)
    return { parts: r.parts, unclear: r.unclear.map((u) => ({ nos: u.nos, why: u.reason, statuses: u.statuses.slice(0, 5) })), typed: true };
  if (r.parts.length > 1) return { parts: r.parts, typed: true };
  const [part] = r.parts;
  return {
    ...(part.nos.length ? { nos: part.nos } : {}),
    choice: part.choice,
    ...(part.note ? { note: part.note } : {}),
    ...(part.evidence ? { evidence: part.evidence } : {}),
    typed: true,
  };
}

type Why = "doubt" | "ambiguous" | "negated" | "weak";
type Part = { nos: number[]; choice: string; note?: string; evidence?: string };
type Unclear = { nos: number[]; why: Why; statuses: string[] };

/**
 * The message was about answering, but what to record is not clear: say so, record nothing, and
 * offer the choices as buttons for the items it named (or the one on screen).
 */
function askBack(ctx: IntentContext, nos: number[], why: Why, statuses: string[]): Reply {
  const m = mod(ctx);
  const { lang } = ctx;
  const { kb } = ctx.services;
  const known = [...new Set(nos)].filter((n) => kb.item(n)).slice(0, 20);
  const target = known.length ? nosText(known) : tr(lang, "この項目", "this item");
  const text = tr(
    lang,
    `${unclearReason(ctx, why, statuses)}${target}の回答は記録していません(何も変更していません)。記録する場合は下のボタンで選ぶか、「No.115は達成」のように送ってください。`,
    `${unclearReason(ctx, why, statuses)}I have not recorded anything for ${target} (nothing was changed). To record it, pick below or send e.g. "115 achieved".`,
  );
  const blocks: Block[] = [{ type: "text", text }];
  if (known.length === 1) blocks.push({ type: "choices", choices: answerButtons(m, known[0], lang) });
  return { text, blocks, private: true };
}

/** Why a message (or one clause of it) was not recorded, as the start of a sentence. */
function unclearReason(ctx: IntentContext, why: Why, statuses: string[]): string {
  const m = mod(ctx);
  const { lang } = ctx;
  const labels = statuses.map((s) => `「${m.choices.label(s, lang)}」`).join(tr(lang, "と", " and "));
  return (
    why === "doubt"
      ? tr(lang, "「かも」「たぶん」「分からない」のような言葉があり、", "The message sounds unsure (maybe, probably, not sure), so ")
      : why === "negated"
        ? tr(lang, `${labels || "その回答"}を打ち消す言い方で、代わりにどれにするかが書かれていないため、`, `It says what the answer is not${labels ? ` (${labels})` : ""}, but not what it is, so `)
        : why === "weak"
          ? tr(lang, "「はい」のような短い返事だけでは回答として記録してよいか分からないため、", 'A short word like "yes" may not be meant as an answer, so ')
          : tr(lang, `${labels || "複数の回答"}が書かれていて、`, `The message has ${labels || "more than one answer"}, so `)
  );
}

/**
 * Several clauses of one message, recorded together in one change (one undo). A clause that is not
 * clear, or a 対象外 without its reason, is left out and asked back about; everything else is
 * checked first, and an invalid item or a broken answer records nothing at all.
 */
async function recordParts(ctx: IntentContext, parts: Part[], unclear: Unclear[]): Promise<Reply> {
  const m = mod(ctx);
  const { lang } = ctx;
  const { kb } = ctx.services;
  const all = parts.flatMap((x) => x.nos);
  const invalid = [...new Set([...all, ...unclear.flatMap((u) => u.nos)])].filter((n) => !kb.item(n));
  if (invalid.length)
    return textOnly(
      tr(
        lang,
        `${invalid.map((n) => `No.${n}`).join(", ")} という項目はありません。チェックシートの項目は No.1〜No.${kb.totalItems} です。何も変更していません。`,
        `There is no item ${invalid.map((n) => `No.${n}`).join(", ")}; the check sheet has No.1 to No.${kb.totalItems}. Nothing was changed.`,
      ),
    );
  if (new Set(all).size !== all.length)
    return textOnly(tr(lang, "同じ項目に別々の回答が書かれていました。何も変更していません。1件ずつ送ってください。", "The same item has two answers in that message. Nothing was changed. Please send them one at a time."));
  if (all.length > BULK_CONFIRM)
    return textOnly(tr(lang, `一度に記録できるのは${BULK_CONFIRM}項目までです。何も変更していません。`, `Up to ${BULK_CONFIRM} items can be recorded at once. Nothing was changed.`));
  // the same rules as every other way of answering (src/assessment/answer-rules.ts)
  const needReason: Part[] = [];
  for (const x of parts) {
    const problem = x.nos.flatMap((no) => checkAnswer(kb, m.choices, { no, choice: x.choice, note: x.note, evidence: x.evidence }))[0];
    if (!problem) continue;
    if (problem.code === "note_too_long") return noteTooLong(problem.length, problem.max, lang);
    if (problem.code !== "reason_required") return textOnly(tr(lang, "その回答は記録できませんでした。何も変更していません。", "That answer cannot be recorded. Nothing was changed."));
    needReason.push(x);
  }
  const clear = parts.filter((x) => !needReason.includes(x));
  // two reasons to ask for, or nothing left to record: ask for the whole message again
  if (needReason.length > 1 || (needReason.length && !clear.length)) {
    const x = needReason[0];
    const label = m.choices.label(x.choice, lang);
    return textOnly(
      tr(
        lang,
        `${nosText(x.nos)} を「${label}」にするには理由が必要です。何も変更していません。「No.${x.nos[0]} ${label} 理由: …」のように理由と一緒に送ってください。`,
        `"${label}" needs a reason for ${nosText(x.nos)}. Nothing was changed. Please send it with the reason, e.g. "${x.nos[0]} not applicable: …".`,
      ),
    );
  }
  if (!clear.length) return askBack(ctx, unclear.flatMap((u) => u.nos), unclear[0]?.why ?? "ambiguous", unclear[0]?.statuses ?? []);

  clearPending(ctx);
  let result;
  try {
    result = await m.service.recordCurrent(
      ctx.caller.orgId,
      ctx.now,
      actorOf(ctx),
      sourceOf(ctx),
      clear.flatMap((x) => x.nos.map((no) => ({ no, status: x.choice, ...(x.note ? { note: x.note } : {}), ...(x.evidence ? { evidence: x.evidence } : {}) }))),
    );
  } catch (e) {
    if (e instanceof AssessmentError) return textOnly(assessmentErrorText(e, lang), { private: true });
    throw e;
  }
  ctx.state.walking = false;
  const head = clear.map((x) => tr(lang, `${nosText(x.nos)} を「${m.choices.label(x.choice, lang)}」`, `${nosText(x.nos)} to "${m.choices.label(x.choice, lang)}"`)).join(tr(lang, "、", ", "));
  let text = tr(lang, `${head}にしました。`, `Set ${head}.`);
  const blocks: Block[] = [
    { type: "text", text },
    { type: "context", text: changeLines(m, result.results, lang) },
  ];
  const undo: Choice = { label: tr(lang, "元に戻す", "Undo"), action: { intent: "undo_answer", params: { changeId: result.changeId } } };
  const choices: Choice[] = [undo, { label: tr(lang, "進捗を見る", "Progress"), action: { intent: "show_progress", params: {} } }];

  // what was left out: the reason still to come (the next message), or the unclear clauses
  const [missing] = needReason;
  if (missing) {
    const label = m.choices.label(missing.choice, lang);
    setPending(ctx, PENDING.reason, { nos: missing.nos, choice: missing.choice, walk: false, evidence: missing.evidence }, 30);
    const ask = tr(
      lang,
      `${nosText(missing.nos)} を「${label}」にするには理由が必要なので、まだ記録していません。次のメッセージで理由を送ってください(例: 該当するシステムがないため)。`,
      `"${label}" needs a reason for ${nosText(missing.nos)}, so it is not recorded yet. Please send the reason in your next message.`,
    );
    text += "\n" + ask;
    blocks.push({ type: "text", text: ask });
    choices.unshift({ label: tr(lang, "やめる", "Cancel"), action: { intent: "answer_followup", params: { cancel: true } } });
  }
  for (const u of unclear) {
    const ask = tr(
      lang,
      `${unclearReason(ctx, u.why, u.statuses)}${nosText(u.nos)} は記録していません。記録する場合は「No.${u.nos[0]}は達成」のように送ってください。`,
      `${unclearReason(ctx, u.why, u.statuses)}${nosText(u.nos)} is not recorded. To record it, send e.g. "${u.nos[0]} achieved".`,
    );
    text += "\n" + ask;
    blocks.push({ type: "text", text: ask });
  }
  // with one unclear item left, its answer buttons come first
  if (!missing && unclear.length === 1 && unclear[0].nos.length === 1) {
    ctx.state.lastItemNo = unclear[0].nos[0];
    blocks.push({ type: "choices", choices: answerButtons(m, unclear[0].nos[0], lang) });
  }
  blocks.push({ type: "choices", choices });
  return { text, blocks, private: true };
}

/** "No.1〜153 達成": more than BULK_CONFIRM items are recorded only after a yes (answer_followup). */
export function confirmBulk(ctx: IntentContext, r: { nos: number[]; choice: string; note?: string; evidence?: string }): Reply {
  const m = mod(ctx);
  const { lang } = ctx;
  const choices = askToApply(ctx, PENDING.bulk, { nos: r.nos, choice: r.choice, note: r.note, evidence: r.evidence });
  const text = tr(
    lang,
    `${r.nos.length}項目(${nosText(r.nos)})を「${m.choices.label(r.choice, lang)}」にします。よろしいですか?`,
    `This sets ${r.nos.length} items (${nosText(r.nos)}) to "${m.choices.label(r.choice, lang)}". Go ahead?`,
  );
  return {
    text,
    blocks: [
      { type: "text", text },
      { type: "choices", choices },
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
  let result;
  try {
    result = await m.service.recordCurrent(
      ctx.caller.orgId,
      ctx.now,
      actorOf(ctx),
      sourceOf(ctx),
      r.nos.map((no) => ({ no, status: r.choice, ...(r.note ? { note: r.note } : {}), ...(r.evidence ? { evidence: r.evidence } : {}) })),
    );
  } catch (e) {
    if (e instanceof AssessmentError) return textOnly(assessmentErrorText(e, lang), { private: true });
    throw e;
  }
  const a = result.assessment;
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
    // the next card's answer buttons come first, so 「1」 is always 達成 (in the terminal too)
    if (step) blocks.push({ type: "divider" }, ...(await walkBlocks(ctx, step, a)));
    blocks.push({ type: "choices", choices: [undo] });
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
