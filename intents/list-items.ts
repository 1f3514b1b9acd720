// "レベル1の一覧" / "ID・認証の項目" / "list level 2": items by level or area, a page at a time
// (small enough for Slack's and Teams' message limits); "次のページ" continues.
import { z } from "zod";
import { defineIntent, type IntentContext } from "../src/core/intent.ts";
import { tr, type Block, type Choice, type Reply } from "../src/core/reply.ts";
import { itemHeading } from "../src/knowledge/item-card.ts";
import { normalize, stripChatNoise, toHiragana } from "../src/nlu/normalize.ts";
import type { Knowledge } from "../src/knowledge/knowledge.ts";

export const PAGE_SIZE = 10;

const LEVEL_WORDS = /(?:レベル|れべる|level|lv\.?)\s*([123])/i;
const LIST_WORDS = /(一覧|いちらん|リスト|項目(は|を|一覧)?|全部|すべて|list|items|show all)/i;

/** "ID・認証の項目", "バックアップの一覧", "malware items": an area named outright, then a list word. */
const AREA_LIST = /^(.{2,30}?)\s*(?:の|に関する|関係の|関連の)?\s*(?:項目|一覧|項目一覧|リスト|items|item list)(?:は|を見せて|を教えて|を表示)?$/;

function areaNamed(name: string, kb: Knowledge) {
  const key = (s: string) => toHiragana(normalize(s)).replace(/[・\s/]/g, "");
  const wanted = key(name.replace(/^(list|show)\s+/, ""));
  return kb.areas.find((a) => [a.name.ja, a.name.en, ...a.keywords].some((n) => key(n) === wanted));
}

export const listItems = defineIntent({
  name: "list_items",
  description: { ja: "レベルや分野ごとに項目を一覧する", en: "List items by level or area" },
  readOnly: true,
  examples: {
    ja: ["レベル1の一覧", "レベル2の項目", "項目一覧", "分野の一覧", "次のページ"],
    en: ["list level 1", "level 2 items", "list items", "list areas", "next page"],
  },
  llm: true,
  params: z
    .object({
      level: z.number().int().min(1).max(3).optional(),
      area: z.string().max(40).optional(),
      page: z.number().int().min(0).max(100).default(0),
    })
    .strict(),
  match(text, { normalized, state, kb }) {
    if (/^(次のページ|つぎのページ|次|もっと|続き|next page|more)$/.test(normalized) && state.lastList) {
      const [kind, key] = [state.lastList.kind, state.lastList.key];
      const base = kind === "level" ? { level: Number(key) } : kind === "area" ? { area: key } : {};
      return { ...base, page: state.lastList.page + 1 };
    }
    const level = LEVEL_WORDS.exec(normalized);
    if (level && LIST_WORDS.test(normalized.replace(LEVEL_WORDS, ""))) return { level: Number(level[1]) };
    if (/^(分野|領域|カテゴリ|area|areas|categories)(の)?(一覧|リスト|list)?$/.test(normalized)) return {};
    const named = AREA_LIST.exec(stripChatNoise(normalized));
    const area = named && kb ? areaNamed(named[1], kb) : undefined;
    if (area) return { area: area.id };
    return null;
  },
  extract(text, { normalized }) {
    const level = LEVEL_WORDS.exec(normalized);
    return level ? { level: Number(level[1]) } : {};
  },
  async handle({ level, area, page }, ctx): Promise<Reply> {
    const { kb } = ctx.services;
    const { lang } = ctx;
    if (level === undefined && area === undefined) return areaMenu(ctx);
    const items =
      level !== undefined ? kb.itemsOfLevel(level as 1 | 2 | 3) : kb.itemsOfArea(area!).filter((i) => i.status === "known");
    const areaInfo = area ? kb.area(area) : undefined;
    if (area && !areaInfo) return areaMenu(ctx);
    const title =
      level !== undefined
        ? tr(lang, `レベル${level}の項目`, `Level ${level} items`)
        : tr(lang, `${areaInfo!.name.ja}の項目`, `${areaInfo!.name.en} items`);
    const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
    const p = Math.min(page, pages - 1);
    const slice = items.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
    ctx.state.lastList = { kind: level !== undefined ? "level" : "area", key: String(level ?? area), page: p };

    const notes: string[] = [];
    if (level !== undefined) {
      const info = kb.levelInfo(level as 1 | 2 | 3);
      notes.push(
        tr(
          lang,
          `レベル${level}は全${info.items}項目。このナレッジベースで番号と内容が分かっているのはそのうち${items.length}項目です。残りは公式チェックシートを読み込むと表示されます。`,
          `Level ${level} has ${info.items} items; this knowledge base can describe ${items.length} of them. Load the official check sheet for the rest.`,
        ),
      );
    }
    const blocks: Block[] = [
      {
        type: "list",
        title: `${title} (${p + 1}/${pages})`,
        entries: slice.map((i) => ({ label: itemHeading(kb, i.no, lang), action: { intent: "show_item", params: { nos: [i.no] } } })),
        footer: notes.join("\n") || undefined,
      },
    ];
    const nav: Choice[] = [];
    const base = level !== undefined ? { level } : { area };
    if (p > 0) nav.push({ label: tr(lang, "← 前のページ", "← Previous"), action: { intent: "list_items", params: { ...base, page: p - 1 } } });
    if (p < pages - 1) nav.push({ label: tr(lang, "次のページ →", "Next →"), action: { intent: "list_items", params: { ...base, page: p + 1 } } });
    if (nav.length) blocks.push({ type: "choices", choices: nav });
    return { text: `${title} (${p + 1}/${pages})`, blocks };
  },
});

function areaMenu(ctx: IntentContext): Reply {
  const { kb } = ctx.services;
  const { lang } = ctx;
  const title = tr(lang, "分野(当方の分類)とレベル", "Areas (our grouping) and levels");
  const blocks: Block[] = [
    {
      type: "list",
      title,
      entries: [
        ...([1, 2, 3] as const).map((lv) => ({
          label: `${kb.levelInfo(lv).name[lang]}: ${kb.levelInfo(lv).items}${tr(lang, "項目", " items")}`,
          action: { intent: "list_items", params: { level: lv } },
        })),
        ...kb.areas.map((a) => ({
          label: `${a.name[lang]} (${kb.itemsOfArea(a.id).length})`,
          action: { intent: "list_items", params: { area: a.id } },
        })),
      ],
      footer: kb.meta.areas_note[lang],
    },
  ];
  return { text: title, blocks };
}

