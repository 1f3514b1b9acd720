// "No.115" / "115番は?" / "What does item 124 require?": the item card; several numbers give a
// short list. Follow-ups use the last item shown: "その達成条件は?", "次の項目", "関連する項目は?".
import { z } from "zod";
import { defineIntent, type IntentContext, type MatchContext } from "../src/core/intent.ts";
import { tr, type Block, type Choice, type Reply } from "../src/core/reply.ts";
import { findItemNumbers } from "../src/nlu/item-numbers.ts";
import {
  buildItemCard,
  itemHeading,
  itemSectionText,
  neighbours,
  sectionLabel,
  type ItemSection,
} from "../src/knowledge/item-card.ts";
import { answerControls } from "../src/assessment/ui.ts";

const SECTIONS = ["asks", "achieved", "why", "measures", "evidence", "related"] as const;

/** Words that turn a message about an item into recording an answer: left to the record intent. */
const RECORDING =
  /(未達成|達成(?!条件|基準|とみな|の条件|状態|する(には|ため)|率)|対象外(?!とは|って|の意味)|未回答|\bachieved\b(?! when)|not applicable|\bn\/a\b|\bmark\b|記録して|回答する|履歴|history)/i;

const SECTION_PATTERNS: [ItemSection, RegExp][] = [
  ["achieved", /(達成条件|達成基準|達成とみな|何をすれば達成|どうなれば|what counts|achieved when|criteria)/i],
  ["measures", /(対策(例|の例|は|を)|何をすれば|どうすれば|やること|how (do|can) (i|we)|measures?)/i],
  ["evidence", /(証跡|エビデンス|証拠|根拠資料|evidence|proof)/i],
  ["related", /(関連(する|の)?項目|関係する項目|related)/i],
  ["why", /(なぜ|何のため|重要な理由|why)/i],
];

function followUpSection(normalized: string): ItemSection | undefined {
  for (const [s, re] of SECTION_PATTERNS) if (re.test(normalized)) return s;
  return undefined;
}

export const showItem = defineIntent({
  name: "show_item",
  description: { ja: "指定した番号の項目を説明する", en: "Explain the check-sheet item with this number" },
  readOnly: true,
  examples: {
    ja: ["No.115", "115番は？", "項目124って何？", "次の項目", "前の項目", "その達成条件は？"],
    en: ["item 115", "what does item 124 require", "next item", "previous item"],
  },
  llm: true,
  params: z
    .object({
      nos: z.array(z.number().int()).min(1).max(200),
      section: z.enum(SECTIONS).optional(),
    })
    .strict(),
  match(text, ctx) {
    if (RECORDING.test(ctx.normalized)) return null;
    return matchItem(text, ctx);
  },
  // picked by a fuzzy match on the examples ("その達成条件は"): read the same way
  extract: (text, ctx) => matchItem(text, ctx),
  async handle({ nos, section }, ctx): Promise<Reply> {
    const { kb } = ctx.services;
    const { lang } = ctx;
    const valid = nos.filter((n) => kb.item(n));
    const invalid = nos.filter((n) => !kb.item(n));
    if (valid.length === 0) return outOfRange(invalid, ctx);
    if (valid.length > 1) return listOf(valid, invalid, ctx);
    const no = valid[0];
    ctx.state.lastItemNo = no;
    if (section) {
      const body = itemSectionText(kb, no, section, lang);
      const heading = `${itemHeading(kb, no, lang)} — ${sectionLabel(section, lang)}`;
      return { text: `${heading}\n${body}`, blocks: [{ type: "heading", text: heading }, { type: "text", text: body }, { type: "choices", choices: navigation(no, ctx) }] };
    }
    // the company's answer buttons, and its current answer when there is one (private data)
    const answer = await answerControls(ctx, no);
    const card = buildItemCard(kb, no, lang, [...answer.actions, ...navigation(no, ctx)])!;
    card.answer = answer.answer;
    const blocks: Block[] = [{ type: "item", card }];
    const item = kb.item(no)!;
    if (item.status === "unknown") {
      const near = neighbours(kb, no);
      if (near.length)
        blocks.push({
          type: "choices",
          prompt: tr(lang, "近くの番号で内容が分かっている項目:", "Nearby items we can explain:"),
          choices: near.map((n) => ({ label: `No.${n} ${kb.title(n, lang)}`, action: { intent: "show_item", params: { nos: [n] } } })),
        });
    }
    return { text: itemHeading(kb, no, lang), blocks, ...(answer.answer ? { private: true } : {}) };
  },
});

function matchItem(text: string, { normalized, state }: MatchContext): Record<string, unknown> | null {
  const refs = findItemNumbers(text);
  const section = followUpSection(normalized);
  if (refs.numbers.length > 0) return section ? { nos: refs.numbers, section } : { nos: refs.numbers };
  const last = state.lastItemNo;
  if (last === undefined) return null;
  if (/^(次の項目|次の番号|つぎの項目|次へ|next item|next)$/.test(normalized)) return { nos: [last + 1] };
  if (/^(前の項目|前の番号|ひとつ前|前へ|previous item|previous|prev)$/.test(normalized)) return { nos: [last - 1] };
  // "その達成条件は?" is about the item on screen only when it names nothing else: a question with its
  // own topic (「ランサムウェア対策は?」) is a new question for the knowledge base
  if (section && isBareFollowUp(normalized, section)) return { nos: [last], section };
  return null;
}

/** Words of a follow-up that name no topic: demonstratives, particles, "tell me". */
const FOLLOW_UP_FILLER =
  /(この項目|その項目|この番号|それ|これ|その|この|じゃあ|では|ちなみに|具体的な|具体的に|具体例|例|の|は|を|が|って|も|とは|教えて(ください)?|知りたい|ください|何|なに|ですか|でしょうか|ある|あります|必要|重要|大切|大事|なの|か|for this( item)?|for it|this item|this|it|the|what|are|is|about|tell me|please|examples?|of|[\s?？!！。.、,])/gi;

function isBareFollowUp(normalized: string, section: ItemSection): boolean {
  const [, re] = SECTION_PATTERNS.find(([s]) => s === section)!;
  return normalized.replace(re, "").replace(FOLLOW_UP_FILLER, "").length <= 1;
}

function navigation(no: number, ctx: IntentContext): Choice[] {
  const { kb } = ctx.services;
  const out: Choice[] = [];
  if (no > 1) out.push({ label: tr(ctx.lang, `← No.${no - 1}`, `← No.${no - 1}`), action: { intent: "show_item", params: { nos: [no - 1] } } });
  if (no < kb.totalItems) out.push({ label: tr(ctx.lang, `No.${no + 1} →`, `No.${no + 1} →`), action: { intent: "show_item", params: { nos: [no + 1] } } });
  return out;
}

function outOfRange(nos: number[], ctx: IntentContext): Reply {
  const total = ctx.services.kb.totalItems;
  const list = nos.map((n) => `No.${n}`).join(", ");
  const text = tr(
    ctx.lang,
    `${list} という項目はありません。チェックシートの項目は No.1〜No.${total} です(ガイドライン v${ctx.services.kb.version})。`,
    `There is no item ${list}. The check sheet has items No.1 to No.${total} (guideline v${ctx.services.kb.version}).`,
  );
  return { text, blocks: [{ type: "text", text }] };
}

const LIST_LIMIT = 20;

function listOf(nos: number[], invalid: number[], ctx: IntentContext): Reply {
  const { kb } = ctx.services;
  const shown = nos.slice(0, LIST_LIMIT);
  const title = tr(ctx.lang, `${nos.length}件の項目`, `${nos.length} items`);
  const blocks: Block[] = [
    {
      type: "list",
      title,
      entries: shown.map((n) => ({
        label: itemHeading(kb, n, ctx.lang),
        action: { intent: "show_item", params: { nos: [n] } },
      })),
      footer:
        nos.length > LIST_LIMIT
          ? tr(ctx.lang, `ほか${nos.length - LIST_LIMIT}件は番号を絞って聞いてください。`, `${nos.length - LIST_LIMIT} more: ask for fewer numbers.`)
          : undefined,
    },
  ];
  if (invalid.length)
    blocks.push({ type: "context", text: tr(ctx.lang, `存在しない番号: ${invalid.join(", ")}`, `No such item: ${invalid.join(", ")}`) });
  return { text: title, blocks };
}
