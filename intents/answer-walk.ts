// The guided walk: "レベル1を順番に回答" / "answer level 1 in order" shows the next unanswered item
// of the level (then of the rest of the target level) with the answer buttons, skip and stop;
// after each answer the next item comes. "続きから" / "resume" picks up where this person stopped,
// in any conversation: the position is stored per user (AnswerWalk), not per conversation.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { actorOf, clearPending, mod, textOnly, walkBlocks } from "../src/assessment/ui.ts";
import type { Level } from "../src/assessment/progress.ts";

/** any number, so 「レベル4を順番に回答」 is told the levels are 1〜3 instead of walking Level 1 */
const LEVEL = /(?:レベル|れべる|level|lv\.?)\s*(\d{1,2})/i;
const START_JA = /(順番に|順に|順番で|ひとつずつ|一つずつ|1つずつ|1問ずつ|一問ずつ|上から)(回答|答え|こたえ|入力|チェック)|(回答|入力)(を)?(始め|はじめ|開始|スタート)/;
const START_EN = /\b(answer|go through|walk( me)? through|fill in|work through)\b.*\b(in order|one by one|one at a time|step by step)\b|\b(start|begin) answering\b|\bwalk( me)? through level\b/i;
const RESUME = /^(続き|続きから|つづき|つづきから|続きを回答|回答の続き|続きから回答|順番回答の続き|続けて|resume|continue|continue answering|keep going)$/i;
/** 「再開」 resumes a walk in a conversation that had one; elsewhere it is the admin's reopen. */
const RESUME_IN_WALK = /^(再開|再開する|順番回答を再開)$/;
const STOP = /^(中断|中断する|一時中断|やめる|やめます|やめたい|止める|とめる|止めて|終わり|終わる|終了|終了する|ストップ|stop|pause|quit|quit walk|end)$/i;
/** In a walk, moving on means skipping the item on screen: 「次」 is not the list of areas. */
const SKIP = /^(スキップ|すきっぷ|飛ばす|とばす|飛ばして|パス|次|次へ|つぎ|次の項目|skip|pass|next|next item)$/i;

export const answerWalk = defineIntent({
  name: "answer_walk",
  description: { ja: "未回答の項目を順番に回答する", en: "Answer the unanswered items one at a time" },
  examples: {
    ja: ["レベル1を順番に回答", "順番に回答する", "続きから", "未回答を順番に"],
    en: ["answer level 1 in order", "resume", "walk me through level 2"],
  },
  params: z
    .object({
      action: z.enum(["start", "resume", "skip", "stop"]),
      /** checked in the handler (1〜3), so an unknown level gets an answer in words */
      level: z.number().int().optional(),
      no: z.number().int().min(1).max(1000).optional(),
      /** start again from the top, forgetting what was skipped */
      reset: z.boolean().optional(),
    })
    .strict(),
  match(text, { normalized, state }) {
    const t = normalized.replace(/[?？!！。.、\s]+$/u, "");
    if (RESUME.test(t) || ((state.walking === true || state.walkPaused === true) && RESUME_IN_WALK.test(t))) return { action: "resume" };
    // in a walk, skip and stop steer the walk, even right after an answer whose optional note the
    // bot asked for (the note is dropped); the reason 対象外 needs is cancelled by its own button
    if (state.walking === true && STOP.test(t)) return { action: "stop" };
    if (state.walking === true && SKIP.test(t) && state.lastItemNo) return { action: "skip", no: state.lastItemNo };
    if (START_JA.test(t) || START_EN.test(t) || /^(未回答|未回答の項目)を?(順番に|順に|ひとつずつ)/.test(t)) {
      const lv = LEVEL.exec(t);
      return { action: "start", ...(lv ? { level: Number(lv[1]) } : {}) };
    }
    return null;
  },
  async handle(p, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { lang } = ctx;
    const actor = actorOf(ctx);
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    clearPending(ctx);
    if (p.action === "stop") {
      const w = await m.walk.stop(actor);
      ctx.state.walking = false;
      // 「再開」 here now means the walk, not the admin's reopen
      if (w) ctx.state.walkPaused = true;
      const at = w?.currentNo ? tr(lang, `No.${w.currentNo} から`, ` from No.${w.currentNo}`) : "";
      const text = w
        ? tr(lang, `順番回答を中断しました。「続きから」でいつでも(別の会話からでも)${at}再開できます。`, `Walk paused. Say "resume" any time, in any conversation, to continue${at}.`)
        : tr(lang, "順番回答はしていません。「レベル1を順番に回答」で始められます。", 'No walk in progress. Say "answer level 1 in order" to start one.');
      return textOnly(text);
    }
    if (p.level !== undefined && (p.level < 1 || p.level > 3))
      return textOnly(tr(lang, "レベルは 1〜3 です(例:「レベル1を順番に回答」)。", 'Levels are 1 to 3 (e.g. "answer level 1 in order").'));
    const answers = await m.service.answers(a);
    let step;
    if (p.action === "start") {
      const level = (p.level ?? 1) as Level;
      step = await m.walk.start(actor, a, level, answers, { reset: p.reset });
    } else if (p.action === "skip") {
      step = p.no ? await m.walk.skip(actor, a, p.no, answers) : null;
    } else {
      step = await m.walk.resume(actor, a, answers);
    }
    if (!step)
      return textOnly(
        tr(lang, "続きの順番回答はありません。「レベル1を順番に回答」で始められます。", 'There is no walk to continue. Say "answer level 1 in order" to start one.'),
        { extra: [{ type: "choices", choices: [{ label: tr(lang, "レベル1を順番に回答", "Answer Level 1 in order"), action: { intent: "answer_walk", params: { action: "start", level: 1 } } }] }] },
      );
    delete ctx.state.walkPaused;
    const blocks = await walkBlocks(ctx, step, a);
    const intro =
      p.action === "skip"
        ? tr(lang, `No.${p.no} をスキップしました(あとで「続きから」で戻れます)。`, `Skipped No.${p.no} (you can come back to it later).`)
        : p.action === "resume"
          ? tr(lang, `中断したところ(No.${step.next ?? "—"})から再開します。`, `Picking up where you stopped (No.${step.next ?? "—"}).`)
          : tr(lang, `レベル${step.walk.level}の未回答の項目を順番にお見せします。`, `Here are the unanswered Level ${step.walk.level} items, one at a time.`);
    return { text: intro, blocks: [{ type: "text", text: intro }, ...blocks], private: true };
  },
});
