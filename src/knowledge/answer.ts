// Answers a free-form question from the knowledge base: the FAQ entry, glossary term or item
// that search found, "did you mean" buttons when it is unsure, and a plain "that is outside what
// I cover" (with what the bot can do, and where to ask instead) when nothing covers the question:
// never a FAQ entry or an item presented as the answer to a question it does not answer. With the optional LLM, a short answer
// composed only from the retrieved entries comes first; the plain answer stays as the fallback.
import type { Block, Choice, Lang, Reply } from "../core/reply.ts";
import { tr } from "../core/reply.ts";
import type { Knowledge } from "./knowledge.ts";
import type { OffTopic } from "./off-topic.ts";
import type { SearchHit, Searcher } from "./search.ts";
import type { GroundedAnswerer, GroundingDoc } from "./llm.ts";
import { itemHeading, levelLabel, sectionLabel } from "./item-card.ts";
import { normalize } from "../nlu/normalize.ts";

export interface AnswerOutcome {
  reply: Reply;
  /** false when the bot could not answer (logged for the `unanswered` report) */
  answered: boolean;
  /** the item the answer is about, for follow-ups */
  itemNo?: number;
  /** what 👍/👎 refer to, e.g. "item:115", "faq:deadline", "none" */
  ref: string;
}

export interface AnswerDeps {
  kb: Knowledge;
  search: Searcher;
  llm?: GroundedAnswerer;
  /** who asks and when (the turn's time), for the LLM budget */
  asker?: { userId: string; now: Date };
}

const SUGGESTIONS = 3;

export async function answerQuestion(question: string, lang: Lang, deps: AnswerDeps): Promise<AnswerOutcome> {
  const { kb, search } = deps;
  const result = search.search(question, { limit: 6 });
  // an explicit number that does not exist ("No.999") is not a question search can answer
  const hits = result.hits.filter((h) => h.kind !== "item" || kb.item(h.no!)?.entry || kb.item(h.no!)?.official);
  if (hits.length === 0) return nothingFound(lang);
  // Out of scope is said plainly. When the question still names one of our item keywords or terms
  // outright (and no topic we do not cover), the closest entries are offered as "did you mean".
  if (result.outOfScope) {
    const close = !result.offTopic && namesKnownTerm(kb, question) ? hits.slice(0, SUGGESTIONS) : [];
    return nothingFound(lang, { topic: result.offTopic, close, kb });
  }

  const top = hits[0];
  const ref = `${top.kind}:${top.key}`;
  const grounded = deps.llm ? await deps.llm.answer(question, groundingDocs(kb, hits.slice(0, 4), lang), lang, deps.asker) : null;
  if (grounded) return llmAnswer(kb, grounded, hits, lang);

  if (!result.confident) return didYouMean(kb, hits, lang);
  if (top.kind === "faq") return faqAnswer(kb, top.key, hits, lang);
  if (top.kind === "term") return termAnswer(kb, top.key, hits, lang);
  return { ...itemAnswer(kb, top.no!, hits, lang), ref };
}

/** The question contains an item keyword or a glossary term written out whole. */
function namesKnownTerm(kb: Knowledge, question: string): boolean {
  const q = normalize(question);
  const long = (t: string) => (/^[\x00-\x7f]+$/.test(t) ? t.length >= 3 : t.length >= 2);
  for (const it of kb.items()) for (const k of it.entry?.keywords ?? []) if (long(k) && q.includes(normalize(k))) return true;
  for (const g of kb.glossary) for (const t of [g.term.ja, g.term.en, ...g.aliases]) if (long(t) && q.includes(normalize(t))) return true;
  return false;
}

function feedbackButtons(ref: string, lang: Lang): Choice[] {
  return [
    { label: tr(lang, "👍 役に立った", "👍 Helpful"), action: { intent: "feedback", params: { ref, helpful: true } } },
    { label: tr(lang, "👎 役に立たなかった", "👎 Not helpful"), action: { intent: "feedback", params: { ref, helpful: false } } },
  ];
}

function label(kb: Knowledge, h: SearchHit, lang: Lang): string {
  if (h.kind === "item") return itemHeading(kb, h.no!, lang);
  if (h.kind === "faq") return `FAQ: ${kb.faq.find((f) => f.id === h.key)?.question[lang] ?? h.key}`;
  const t = kb.glossary.find((g) => g.id === h.key);
  return `${tr(lang, "用語", "Term")}: ${t?.term[lang] ?? h.key}`;
}

function openAction(h: SearchHit) {
  if (h.kind === "item") return { intent: "show_item", params: { nos: [h.no!] } };
  if (h.kind === "faq") return { intent: "faq", params: { id: h.key } };
  return { intent: "glossary", params: { id: h.key } };
}

function others(kb: Knowledge, hits: SearchHit[], lang: Lang): Block[] {
  const rest = hits.slice(1, SUGGESTIONS);
  if (!rest.length) return [];
  return [
    {
      type: "choices",
      prompt: tr(lang, "ほかの候補:", "Other matches:"),
      choices: rest.map((h) => ({ label: label(kb, h, lang), action: openAction(h) })),
    },
  ];
}

export function itemAnswer(kb: Knowledge, no: number, hits: SearchHit[], lang: Lang): Omit<AnswerOutcome, "ref"> {
  const item = kb.item(no)!;
  const e = item.entry;
  if (!e) return officialOnlyAnswer(kb, no, hits, lang);
  const heading = itemHeading(kb, no, lang);
  const meta = [levelLabel(item.level, lang), kb.area(e.area)?.name[lang]].filter(Boolean).join(" / ");
  const text = `${heading}(${meta})\n${e.asks[lang]}`;
  const blocks: Block[] = [
    { type: "heading", text: heading },
    { type: "context", text: meta },
    { type: "fields", fields: [
      { label: sectionLabel("asks", lang), value: e.asks[lang] },
      { label: sectionLabel("achieved", lang), value: e.achieved_when[lang] },
    ] },
    {
      type: "choices",
      choices: [
        { label: tr(lang, `No.${no} の詳細(対策・証跡)`, `No.${no} in full (measures, evidence)`), action: { intent: "show_item", params: { nos: [no] } }, style: "primary" },
        ...feedbackButtons(`item:${no}`, lang),
      ],
    },
    ...others(kb, hits, lang),
    { type: "context", text: tr(lang, "説明は当チームの要約です。公式チェックシートで照合してください。", "Our own summary; check the official sheet.") },
  ];
  return { reply: { text, blocks }, answered: true, itemNo: no };
}

/** An item we have not described, found through the official wording the deployment imported. */
function officialOnlyAnswer(kb: Knowledge, no: number, hits: SearchHit[], lang: Lang): Omit<AnswerOutcome, "ref"> {
  const o = kb.item(no)!.official!;
  const heading = itemHeading(kb, no, lang);
  const body = [o.requirement, o.condition].filter(Boolean).join("\n");
  return {
    reply: {
      text: `${heading}\n${body}`,
      blocks: [
        { type: "heading", text: heading },
        { type: "text", text: body },
        { type: "context", text: tr(lang, `公式の文言(${o.sheet})`, `Official wording (${o.sheet})`) },
        { type: "choices", choices: [{ label: tr(lang, `No.${no} を開く`, `Open No.${no}`), action: { intent: "show_item", params: { nos: [no] } } }, ...feedbackButtons(`item:${no}`, lang)] },
        ...others(kb, hits, lang),
      ],
    },
    answered: true,
    itemNo: no,
  };
}

function faqAnswer(kb: Knowledge, id: string, hits: SearchHit[], lang: Lang): AnswerOutcome {
  const f = kb.faq.find((x) => x.id === id)!;
  return { reply: faqReply(kb, f, lang, hits), answered: true, ref: `faq:${id}`, itemNo: f.related[0] };
}

export function faqReply(kb: Knowledge, f: Knowledge["faq"][number], lang: Lang, hits: SearchHit[] = []): Reply {
  const blocks: Block[] = [
    { type: "heading", text: f.question[lang] },
    { type: "text", text: f.answer[lang] },
  ];
  if (f.uncertainty) blocks.push({ type: "context", text: `${tr(lang, "不確かな点", "Unsure")}: ${f.uncertainty[lang]}` });
  const related: Choice[] = f.related.slice(0, 5).map((n) => ({ label: itemHeading(kb, n, lang), action: { intent: "show_item", params: { nos: [n] } } }));
  blocks.push({ type: "choices", choices: [...related, ...feedbackButtons(`faq:${f.id}`, lang)] });
  blocks.push(...others(kb, hits, lang));
  return { text: `${f.question[lang]}\n${f.answer[lang]}`, blocks };
}

function termAnswer(kb: Knowledge, id: string, hits: SearchHit[], lang: Lang): AnswerOutcome {
  const t = kb.glossary.find((x) => x.id === id)!;
  return { reply: termReply(kb, t, lang, hits), answered: true, ref: `term:${id}`, itemNo: t.related[0] };
}

export function termReply(kb: Knowledge, t: Knowledge["glossary"][number], lang: Lang, hits: SearchHit[] = []): Reply {
  const title = `${t.term.ja} / ${t.term.en}`;
  const blocks: Block[] = [
    { type: "heading", text: title },
    { type: "text", text: t.definition[lang] },
  ];
  const related: Choice[] = t.related.slice(0, 5).map((n) => ({ label: itemHeading(kb, n, lang), action: { intent: "show_item", params: { nos: [n] } } }));
  if (related.length) blocks.push({ type: "choices", prompt: tr(lang, "関連する項目:", "Related items:"), choices: related });
  blocks.push({ type: "choices", choices: feedbackButtons(`term:${t.id}`, lang) });
  blocks.push(...others(kb, hits, lang));
  return { text: `${title}\n${t.definition[lang]}`, blocks };
}

function didYouMean(kb: Knowledge, hits: SearchHit[], lang: Lang): AnswerOutcome {
  const text = tr(lang, "はっきり一つに絞れませんでした。次のどれのことでしょうか?", "I am not sure which one you mean. Is it one of these?");
  return {
    reply: {
      text,
      blocks: [
        { type: "text", text },
        { type: "choices", choices: hits.slice(0, SUGGESTIONS).map((h) => ({ label: label(kb, h, lang), action: openAction(h) })) },
      ],
    },
    answered: true,
    ref: "did-you-mean",
  };
}

/**
 * "That is outside what I cover": what the bot can do instead, where to ask when the question
 * names a topic we do not cover, and "did you mean" buttons only for entries that are close.
 */
export function nothingFound(lang: Lang, opts: { topic?: OffTopic; close?: SearchHit[]; kb?: Knowledge } = {}): AnswerOutcome {
  const { topic, close = [], kb } = opts;
  const lines = [
    tr(lang, "すみません、その質問に合う内容は、このボットの知識ベースにはありませんでした(お答えできる範囲の外です)。", "Sorry, that is outside what I cover: nothing in this bot's knowledge base answers it."),
    ...(topic ? [tr(lang, `${topic.label.ja}のことは、${topic.where.ja}に確認してください。`, `For ${topic.label.en}, please ask ${topic.where.en}.`)] : []),
    tr(
      lang,
      "お手伝いできるのは自工会/部工会のサイバーセキュリティ自己評価のことです: チェックシートの項目の説明(「No.115」「バックアップの項目は?」)、用語の説明、提出や締め切りなどのよくある質問、回答の記録と進捗、相談会の予定と予約(「相談会の予定は?」)。",
      "What I can help with is the JAMA/JAPIA cybersecurity self-assessment: explaining check-sheet items (\"No.115\", \"which item covers backups?\"), terms, common questions such as deadlines and submission, recording your answers and progress, and the consultation sessions (\"sessions\").",
    ),
  ];
  const text = lines.join("\n");
  const blocks: Block[] = [{ type: "text", text }];
  if (close.length && kb) {
    blocks.push({ type: "choices", prompt: tr(lang, "もしかして:", "Did you mean:"), choices: close.map((h) => ({ label: label(kb, h, lang), action: openAction(h) })) });
  }
  blocks.push({
    type: "choices",
    choices: [
      { label: tr(lang, "よくある質問", "FAQ"), action: { intent: "faq", params: {} } },
      { label: tr(lang, "使い方", "Help"), action: { intent: "help", params: {} } },
    ],
  });
  return { reply: { text, blocks }, answered: false, ref: "none" };
}

function groundingDocs(kb: Knowledge, hits: SearchHit[], lang: Lang): GroundingDoc[] {
  return hits.map((h) => {
    if (h.kind === "item") {
      const it = kb.item(h.no!)!;
      const e = it.entry;
      const official = [it.official?.requirement, it.official?.condition].filter(Boolean).join("\n");
      return {
        no: h.no,
        label: `No.${h.no}`,
        title: e?.title[lang] ?? kb.title(h.no!, lang),
        text: [official, ...(e ? [e.asks[lang], e.achieved_when[lang], ...e.measures[lang], ...e.evidence[lang]] : [])].filter(Boolean).join("\n"),
      };
    }
    if (h.kind === "faq") {
      const f = kb.faq.find((x) => x.id === h.key)!;
      return { label: "FAQ", title: f.question[lang], text: f.answer[lang] };
    }
    const t = kb.glossary.find((x) => x.id === h.key)!;
    return { label: "Glossary", title: t.term[lang], text: t.definition[lang] };
  });
}

function llmAnswer(kb: Knowledge, g: { text: string; cited: number[] }, hits: SearchHit[], lang: Lang): AnswerOutcome {
  const ref = `llm:${g.cited.join(",")}`;
  return {
    reply: {
      text: g.text,
      blocks: [
        { type: "text", text: g.text },
        {
          type: "choices",
          choices: [
            ...g.cited.slice(0, 4).map((n) => ({ label: itemHeading(kb, n, lang), action: { intent: "show_item", params: { nos: [n] } } })),
            ...feedbackButtons(ref, lang),
          ],
        },
        {
          type: "context",
          text: tr(
            lang,
            "AIがこのボットの知識ベース(引用した項目)だけをもとに作成した回答です。公式チェックシートで照合してください。",
            "Drafted by AI from this bot's knowledge base only (the cited items). Check the official sheet.",
          ),
        },
      ],
    },
    answered: true,
    itemNo: g.cited[0] ?? hits[0]?.no,
    ref,
  };
}
