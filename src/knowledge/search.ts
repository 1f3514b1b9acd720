// The search index over the knowledge base: described items, FAQ and glossary terms, built once
// (on first use, LazySearchIndex) and read-only after. Why this method: notes/retrieval.md and
// `npx tsx scripts/retrieval-alternatives.ts` (fuse.js variants, Intl.Segmenter words and each
// feature below switched off, side by side); `npm run eval:retrieval` gives the figures.
// - BM25F over character bigrams (+ single kanji, okurigana-skipping kanji pairs) and stemmed
//   English words, title and keywords weighted x3 over the explanation (keywords carry much of
//   the accuracy), plus a bonus when a document's keyword is written out whole in the question.
// - Query side: chat noise removed (〜ってどうすればいい?), kana-only bigrams weighed low (they are
//   mostly particles), synonym groups from knowledge/synonyms.yaml counted at their best
//   alternative, and misspelt English words snapped to an indexed word.
// - Explicit item numbers (No.115, 115番, 項目115, item 124...) come first, whatever their status;
//   items with status "unknown" have no text and never come from content search.
// - Out of scope: a score threshold does not separate off-topic questions (notes/retrieval.md), so
//   we measure how much of the question's content words the knowledge base's vocabulary covers.
import { findItemNumbers } from "../nlu/item-numbers.ts";
import { normalize } from "../nlu/normalize.ts";
import { Bm25fIndex, FIELDS, searchDocs } from "./bm25f.ts";
import { loadOffTopic, OffTopicLexicon, type OffTopic, type OffTopicData } from "./off-topic.ts";
import { DefinitionIndex } from "./search-definitions.ts";
import { EntryCoverage } from "./search-focus.ts";
import { PhraseMatcher } from "./search-phrases.ts";
import type { Knowledge } from "./knowledge.ts";
import { katakanaWords, SearchVocabulary } from "./search-scope.ts";
import { foldText, isEnglishStopword, latinToken, segment, tokens, type TokenOptions } from "./search-text.ts";
import { Speller } from "./spell.ts";
import { loadSynonyms, SynonymTable, type SynonymGroups } from "./synonyms.ts";

export interface SearchHit {
  kind: "item" | "faq" | "term";
  /** "115" for items, the id for FAQ entries and glossary terms. */
  key: string;
  no?: number;
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Item numbers written explicitly in the query (findItemNumbers), in order; may be out of range. */
  itemNumbers: number[];
  /** The top hit is a clear answer: an explicit valid number, or a content hit well ahead of the next. */
  confident: boolean;
  /** Nothing in the knowledge base covers the question's content words. */
  outOfScope: boolean;
  /** The topic we do not cover that the question names (knowledge/off-topic.yaml), if any. */
  offTopic?: OffTopic;
  /**
   * How the scope was judged: the vocabulary's share of the question's content and its mass, the
   * best share one entry among the first five covers (entry), and the first hit's share (top).
   */
  scope: { share: number; mass: number; entry: number; top: number };
}

/** Every knob of the ranking, so that scripts can measure alternatives against the defaults. */
export interface SearchTuning {
  k1: number;
  b: number;
  fieldWeights: { title: number; keywords: number; asks: number; body: number };
  query: TokenOptions;
  /** Weight of the evidence that only comes from synonym expansion. */
  synonymWeight: number;
  /** "max": a synonym group adds its best alternative's score; "sum": every alternative adds up. */
  synonymMode: "max" | "sum";
  /** Weight of a document keyword written out whole in the question (x its idf). */
  phraseWeight: number;
  /** Weight of an indexed English word a misspelt query word was snapped to. */
  typoWeight: number;
  /** Remove chat noise (〜ってどうすればいい, 教えて) before tokenising. */
  stripNoise: boolean;
  /** Multiplier for FAQ and glossary scores next to items. */
  faqWeight: number;
  termWeight: number;
  /** Out of scope below this share of the question's content words covered by the vocabulary... */
  minCoverage: number;
  /** ...unless the covered words weigh at least this much (long questions full of our words). */
  onTopicMass: number;
  /** Confident when the top score is at least this and this many times the second... */
  confidentMinScore: number;
  confidentRatio: number;
  /** ...and the first hit itself covers at least this share of the question's content. */
  confidentMinCoverage: number;
  /** A question naming an anchor or a glossary term (knowledge/off-topic.yaml) is never out of scope for want of vocabulary. */
  anchorsRescue: boolean;
}

export const DEFAULT_TUNING: SearchTuning = {
  k1: 1.2,
  b: 0.75,
  fieldWeights: { title: 3, keywords: 3, asks: 1, body: 0.3 },
  query: { hiraWeight: 0.3, kanjiWeight: 0.3, skipWeight: 1, dropStopwords: true },
  synonymWeight: 0.6,
  synonymMode: "max",
  typoWeight: 0.8,
  phraseWeight: 1,
  stripNoise: true,
  faqWeight: 1,
  termWeight: 1,
  minCoverage: 0.7,
  onTopicMass: 6,
  confidentMinScore: 5,
  confidentRatio: 1.3,
  confidentMinCoverage: 0.6,
  anchorsRescue: true,
};

interface Query {
  /** The question folded, for whole-keyword matches. */
  folded: string;
  /** The question's own tokens (and snapped typos), with their weights. */
  base: Map<string, number>;
  /** Per synonym group the question touches: the tokens of each alternative term. */
  groups: Map<string, number>[][];
}

const MAX_QUERY_LENGTH = 500;

/** Chat phrasing that says nothing about the topic; removed from queries before tokenising. */
const NOISE = new RegExp(
  [
    "って(?:どう|何|なに|なん)", "どうすれば(?:いい|よい)", "どうしたら(?:いい|よい)", "すれば(?:いい|よい)", "したら(?:いい|よい)",
    "(?:し|やら|つくら|作ら|決め|とら|取ら)?(?:ないと|なきゃ)(?:ダメ|だめ|いけない|まずい)", "(?:ダメ|だめ|まずい|大丈夫)(?:ですか|なの|なのか)?",
    "いけない(?:の|んですか)?", "必要(?:ある|あります|ですか|がある|なの)", "教えて(?:ください|下さい)?", "知りたい(?:です)?",
    "について", "とは", "ってなに", "って何", "何ですか", "なんですか", "ですか", "ますか", "でしょうか", "ください", "ってこと",
    "詳しく", "項目", "チェックシート", "のこと", "みたいな", "とか", "やつ", "ってある", "あったっけ",
  ].join("|"),
  "g",
);

/** What callers of the search need: the index, or one built on first use (LazySearchIndex). */
export type Searcher = Pick<SearchIndex, "search">;

/**
 * The index built on first use rather than at start-up (building it is the largest part of a
 * start after loading the code): the service is ready sooner, `npm start` answering "No.1" never
 * builds it, and main.ts builds it right after start so that the first question finds it ready.
 */
export class LazySearchIndex implements Searcher {
  private index?: SearchIndex;

  constructor(private readonly build: () => SearchIndex) {}

  get built(): boolean {
    return this.index !== undefined;
  }

  search(query: string, opts?: { limit?: number }): SearchResult {
    return this.get().search(query, opts);
  }

  /** Builds the index now, unless it is built already. */
  warm(): void {
    this.get();
  }

  private get(): SearchIndex {
    return (this.index ??= this.build());
  }
}

export class SearchIndex {
  private readonly index: Bm25fIndex;
  private readonly phrases: PhraseMatcher;
  private readonly speller: Speller;
  private readonly synonyms: SynonymTable;
  private readonly vocab: SearchVocabulary;
  private readonly entries: EntryCoverage;
  private readonly offTopic: OffTopicLexicon;
  private readonly definitions: DefinitionIndex;
  private readonly docIndex = new Map<string, number>();
  private readonly tuning: SearchTuning;

  constructor(
    private readonly kb: Knowledge,
    opts: { synonyms?: SynonymGroups; offTopic?: OffTopicData; tuning?: Partial<SearchTuning> } = {},
  ) {
    this.tuning = { ...DEFAULT_TUNING, ...opts.tuning };
    this.synonyms = new SynonymTable(opts.synonyms ?? loadSynonyms());
    const docs = searchDocs(kb);
    this.index = new Bm25fIndex(docs, this.tuning);
    this.phrases = new PhraseMatcher(docs, (d) => d.fields.keywords.split(" / "));
    const idf = this.index.idf;
    // rarer words lose ties: a typo more likely hides a common word
    this.speller = new Speller([...idf.keys()].filter((t) => t.startsWith("_")), (w) => idf.get(w)!);

    const kataWords = new Set<string>();
    const docKata = docs.map((d) => new Set(FIELDS.flatMap((f) => katakanaWords(d.fields[f]))));
    for (const ws of docKata) for (const w of ws) kataWords.add(w);
    const synonymTokens = new Set<string>();
    for (const g of this.synonyms.rawTerms()) {
      for (const w of katakanaWords(g)) kataWords.add(w);
      for (const t of tokens(g).keys()) synonymTokens.add(t);
    }
    this.vocab = new SearchVocabulary({ idf, maxIdf: this.index.maxIdf, kataWords, synonymTokens, nearLatin: (t) => this.speller.correct(t, 6) });
    this.entries = new EntryCoverage(
      docs.map((_, i) => ({ tokens: this.index.docTokens[i], kataWords: docKata[i] })),
      idf,
      this.index.maxIdf,
      this.synonyms.rawGroups(),
      (t) => this.speller.correct(t, 6),
    );
    docs.forEach((d, i) => this.docIndex.set(`${d.kind}:${d.key}`, i));
    // glossary terms tie a question to us; numbered aliases (レベル3, Tier1) are too ambiguous
    const glossaryAnchors = kb.glossary.flatMap((g) => [g.term.ja, g.term.en, ...g.aliases]).filter((t) => t.length >= 3 && !/\d/.test(t));
    this.offTopic = new OffTopicLexicon(opts.offTopic ?? loadOffTopic(), glossaryAnchors);
    this.definitions = new DefinitionIndex(kb);
  }

  search(query: string, opts: { limit?: number } = {}): SearchResult {
    const limit = opts.limit ?? 10;
    // a chat message longer than this is pasted text, not a question; keep the cost bounded
    query = query.slice(0, MAX_QUERY_LENGTH);
    const itemNumbers = findItemNumbers(query).numbers;
    const valid = itemNumbers.filter((n) => n >= 1 && n <= this.kb.totalItems && this.kb.item(n));
    const content = this.contentText(query, itemNumbers);
    const q = this.queryTokens(content);
    const scored = this.score(q);

    const hits: SearchHit[] = [];
    const top = scored[0]?.score ?? 0;
    // explicit numbers first, in the order written, above every content hit
    valid.forEach((no, i) => hits.push({ kind: "item", key: String(no), no, score: top + 100 - i }));
    // "EDRって何?": the glossary term that defines the subject, ahead of the items that use it
    const defined = valid.length === 0 ? this.definitions.termFor(query) : undefined;
    if (defined) hits.push({ kind: "term", key: defined, score: top + 50 });
    for (const h of scored) {
      if (hits.length >= limit) break;
      if (h.kind === "item" && valid.includes(h.no!)) continue;
      if (h.kind === "term" && h.key === defined) continue;
      hits.push(h);
    }
    hits.length = Math.min(hits.length, limit);

    const { share, mass } = this.vocab.measure(content);
    const shares = scored.slice(0, 5).map((h) => this.entries.share(this.docIndex.get(`${h.kind}:${h.key}`)!, content));
    const scope = { share, mass, entry: Math.max(0, ...shares), top: shares[0] ?? 0 };
    // a question naming an item number is about the check sheet, even a number that does not exist
    const offTopic = itemNumbers.length === 0 ? this.offTopic.topicOf(query) : undefined;
    const outOfScope =
      itemNumbers.length === 0 &&
      !defined &&
      (scored.length === 0 || offTopic !== undefined || (this.isOffTopic(scope) && !(this.tuning.anchorsRescue && this.offTopic.anchored(query))));
    const second = scored[1]?.score ?? 0;
    const confident =
      valid.length > 0 ||
      defined !== undefined ||
      (!outOfScope &&
        top >= this.tuning.confidentMinScore &&
        top >= this.tuning.confidentRatio * second &&
        scope.top >= this.tuning.confidentMinCoverage);
    return { hits, itemNumbers, confident, outOfScope, ...(offTopic ? { offTopic } : {}), scope };
  }

  /**
   * Off topic: little of the question's content is knowledge-base vocabulary. A long question
   * that uses many of our words is on topic even when it also says a lot else.
   */
  private isOffTopic({ share, mass }: SearchResult["scope"]): boolean {
    return share < this.tuning.minCoverage && mass < this.tuning.onTopicMass;
  }

  /** The part of the question that is about content: without item numbers and chat noise. */
  private contentText(query: string, numbers: number[]): string {
    let t = normalize(query);
    if (numbers.length > 0) {
      t = t
        .replace(/(?:\bno(?![a-z])\.?|№|#|項目(?:番号)?|item(?:\s*(?:no\.?|number|#))?)\s*\d{1,4}/g, " ")
        .replace(/\d{1,4}\s*(?:番|項目)/g, " ")
        .replace(/\d{1,4}/g, (m) => (numbers.includes(Number(m)) ? " " : m));
    }
    // a count of people or companies (従業員30人, 50社) is no item number and no search word
    t = t.replace(/\d+\s*(?=(?:人|名|社|拠点|工場|台|店舗)(?![a-z]))/g, " ");
    if (this.tuning.stripNoise) t = t.replace(NOISE, " ");
    return t;
  }

  private queryTokens(content: string): Query {
    const o = this.tuning.query;
    const base = tokens(content, o);
    // English words not in the index: snap to the nearest indexed word (typos)
    for (const w of segment(content).latin) {
      if (isEnglishStopword(w)) continue;
      const t = latinToken(w);
      if (this.index.has(t)) continue;
      const near = this.speller.correct(t, 6);
      if (near) base.set(near, Math.max(base.get(near) ?? 0, this.tuning.typoWeight));
    }
    // each alternative spelling is a small query of its own; tokens the question already has are
    // left out so that a synonym adds evidence only where the question's own words found none
    const groups = this.synonyms.expand(foldText(content)).map((g) =>
      g.alternatives
        .map((text) => {
          const m = tokens(text, o);
          for (const t of base.keys()) m.delete(t);
          return m;
        })
        .filter((m) => m.size > 0),
    );
    return { base, groups, folded: foldText(content) };
  }

  private score(q: Query): SearchHit[] {
    const { faqWeight, termWeight, synonymWeight, synonymMode } = this.tuning;
    const docs = this.index.docs;
    const acc = new Float64Array(docs.length);
    this.index.accumulate(q.base, acc, 1);
    if (this.tuning.phraseWeight > 0) this.phrases.accumulate(q.folded, acc, this.tuning.phraseWeight);
    if (synonymWeight > 0) {
      const alt = new Float64Array(docs.length);
      for (const group of q.groups) {
        if (synonymMode === "sum") {
          for (const m of group) this.index.accumulate(m, acc, synonymWeight);
          continue;
        }
        // a group counts as much as its best-matching alternative in each document, so a group
        // of ten ways to say "executive" does not outweigh the question's own words
        const best = new Float64Array(docs.length);
        for (const m of group) {
          alt.fill(0);
          this.index.accumulate(m, alt, 1);
          for (let i = 0; i < alt.length; i++) if (alt[i] > best[i]) best[i] = alt[i];
        }
        for (let i = 0; i < best.length; i++) acc[i] += synonymWeight * best[i];
      }
    }
    const out: SearchHit[] = [];
    acc.forEach((s, i) => {
      if (s <= 0) return;
      const d = docs[i];
      const score = s * (d.kind === "faq" ? faqWeight : d.kind === "term" ? termWeight : 1);
      out.push(d.no !== undefined ? { kind: d.kind, key: d.key, no: d.no, score } : { kind: d.kind, key: d.key, score });
    });
    return out.sort((a, b) => b.score - a.score);
  }
}
