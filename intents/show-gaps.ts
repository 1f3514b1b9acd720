// "重点課題" / "gaps": the unanswered and not-achieved items of the target level (Level 1 up to
// it), Level 1 first, each a button to its card. "レベル1の未達成" narrows it to one level.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { fyLabel } from "../src/assessment/fiscal-year.ts";
import { UNANSWERED } from "../src/assessment/choices.ts";
import { mod } from "../src/assessment/ui.ts";
import { itemHeading } from "../src/knowledge/item-card.ts";

const STRIP = /[?？!！。.、\s]+$/u;
const JA = /^(レベル|lv\.?|level)?\s*([123])?\s*の?\s*(重点課題|課題|ギャップ|未達成の項目|未達成項目|未達成|未回答の項目|未回答項目|未回答|残りの項目|残り|足りない項目|やるべき項目|やること|できていない項目)(の?一覧)?(は|を)?(どれ|何|なに)?(ですか)?(見せて|教えて|表示|表示して)?(ください)?$/i;
const EN = /^(show (me )?)?(the |our )?(level ([123]) )?(gaps|open items|unanswered items|not achieved items|what('s| is) (missing|left)|to-?do)( (for|of) level ([123]))?( please)?$/i;
const LIMIT = 30;

export const showGaps = defineIntent({
  name: "show_gaps",
  description: { ja: "重点課題(目標レベルまでの未回答・未達成の項目)を表示する", en: "Show the gaps: unanswered and not achieved items up to the target level" },
  readOnly: true,
  examples: { ja: ["重点課題", "未達成の項目", "レベル1の未達成"], en: ["gaps", "what is missing", "unanswered items"] },
  params: z.object({ level: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional() }).strict(),
  match(_text, { normalized }) {
    const t = normalized.replace(STRIP, "");
    const ja = JA.exec(t);
    if (ja) return ja[2] ? { level: Number(ja[2]) } : {};
    const en = EN.exec(t);
    if (en) return en[5] || en[11] ? { level: Number(en[5] ?? en[11]) } : {};
    return null;
  },
  async handle({ level }, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { kb } = ctx.services;
    const { lang } = ctx;
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    const { gaps, answers } = await m.service.gaps(a);
    const shown = level ? gaps.filter((g) => g.level === level) : gaps;
    const scope = level ? tr(lang, `レベル${level}`, `Level ${level}`) : tr(lang, `目標レベル${a.targetLevel}まで`, `up to target Level ${a.targetLevel}`);
    const title = tr(lang, `重点課題(${fyLabel(a.fiscalYear, lang)}・${scope}、レベル1から)`, `Gaps (${fyLabel(a.fiscalYear, lang)}, ${scope}, Level 1 first)`);
    const notAchieved = shown.filter((g) => g.status !== UNANSWERED).length;
    const unanswered = shown.length - notAchieved;
    const unknownOpen = kb.items().filter((i) => i.level === undefined && (answers.get(i.no)?.status ?? UNANSWERED) === UNANSWERED).length;
    const footer = [
      tr(lang, `未達成 ${notAchieved}件・未回答 ${unanswered}件`, `${notAchieved} not achieved, ${unanswered} unanswered`),
      shown.length > LIMIT ? tr(lang, `先頭の${LIMIT}件を表示しています。`, `Showing the first ${LIMIT}.`) : undefined,
      tr(
        lang,
        `番号とレベルが分かっている項目だけが対象です。レベル未確認の番号のうち未回答は${unknownOpen}件あります。`,
        `Only items whose number and level are known are listed; ${unknownOpen} numbers of unknown level are also unanswered.`,
      ),
    ]
      .filter(Boolean)
      .join("\n");
    if (!shown.length) {
      const text = tr(lang, `${scope}の重点課題はありません。分かっている項目はすべて達成か対象外です。`, `No gaps ${scope}: every known item is achieved or not applicable.`);
      return { text, blocks: [{ type: "text", text }, { type: "context", text: footer }], private: true };
    }
    return {
      text: title,
      blocks: [
        {
          type: "list",
          title,
          entries: shown.slice(0, LIMIT).map((g) => ({
            label: itemHeading(kb, g.no, lang),
            detail: `${tr(lang, `Lv${g.level}`, `Lv${g.level}`)} · ${m.choices.label(g.status, lang)}`,
            action: { intent: "show_item", params: { nos: [g.no] } },
          })),
          footer,
        },
        {
          type: "choices",
          choices: [{ label: tr(lang, "未回答を順番に回答", "Answer the unanswered in order"), action: { intent: "answer_walk", params: { action: "start", level: level ?? 1 } } }],
        },
      ],
      private: true,
    };
  },
});
