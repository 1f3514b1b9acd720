// Out-of-scope detection. notes/retrieval.md found that a score threshold does not separate
// "not in the checklist" questions from real ones: a question about lunch still shares a kana
// bigram or two with some item. What separates them is whether the question's content words
// (runs of kanji, runs of katakana, English words) are words the knowledge base uses:
// - a kanji run is cut into known kanji pairs (定期報告 = 定期 + 報告; 休日出勤 = 休日 + ?),
// - a katakana run must be made of katakana words the knowledge base uses (ランチ shares both its
//   bigrams with ランサム and ブランチ, but is no word of ours),
// - an English word must be indexed (or a typo of an indexed word),
// and words the knowledge base uses everywhere (方法, 確認, 会社) weigh less than rare ones, so
// that "経費精算の方法" is judged on 経費精算.
import { latinToken, isEnglishStopword, segment, type FoldedChar, type Script } from "./search-text.ts";

interface ContentTerm {
  text: string;
  latin: boolean;
  script?: Script;
}

export interface VocabularySource {
  /** Every indexed token with its inverse document frequency. */
  idf: Map<string, number>;
  /** Largest idf in the index (a token in one document). */
  maxIdf: number;
  /** Katakana words (folded) used anywhere in the knowledge base or the synonyms. */
  kataWords: Set<string>;
  /** Tokens of the synonyms table (kanji pairs, English words): known even when no document uses them. */
  synonymTokens: Set<string>;
  /** Typo snapper for English words. */
  nearLatin: (token: string) => string | undefined;
}

export class SearchVocabulary {
  private readonly kataJoined: string;

  constructor(private readonly src: VocabularySource) {
    this.kataJoined = "|" + [...src.kataWords].join("|") + "|";
  }

  /** Share (0..1) of the question's content the vocabulary covers, rare words weighing more. */
  coverage(content: string): number {
    return this.measure(content).share;
  }

  /** share: as coverage(); mass: the covered weight itself (long questions have more). */
  measure(content: string): { share: number; mass: number } {
    const terms = contentTerms(content);
    if (terms.length === 0) return { share: 1, mass: 0 };
    let sum = 0;
    let covered = 0;
    for (const t of terms) {
      const { credit, specificity } = this.covers(t);
      const len = t.latin ? 2 : t.text.length === 1 ? 0.5 : Math.min(t.text.length, 4);
      // what we do not know is specific by definition; what we know counts as much as it is rare
      const w = len * (credit > 0 ? specificity : 1);
      sum += w;
      covered += w * credit;
    }
    return { share: covered / sum, mass: covered };
  }

  /** How much of a term is known (0..1), and how specific the known part is (0.25..1). */
  covers(t: ContentTerm): { credit: number; specificity: number } {
    const spec = (tokens: string[]) => {
      const idfs = tokens.map((x) => this.src.idf.get(x)).filter((x): x is number => x !== undefined);
      if (idfs.length === 0) return 1;
      return Math.max(0.25, Math.min(1, idfs.reduce((a, b) => a + b, 0) / idfs.length / this.src.maxIdf));
    };
    if (t.latin) {
      const tok = latinToken(t.text);
      if (this.src.synonymTokens.has(tok) && !this.src.idf.has(tok)) return { credit: 1, specificity: 1 };
      const known = this.src.idf.has(tok) ? tok : this.src.nearLatin(tok);
      return known ? { credit: 1, specificity: spec([known]) } : { credit: 0, specificity: 1 };
    }
    if (t.script === "kata") return { credit: this.kataCredit(t.text), specificity: spec(bigrams(t.text)) };
    if (t.text.length === 1) return { credit: this.known(t.text) ? 1 : 0, specificity: spec([t.text]) };
    return this.kanjiCredit(t.text, spec);
  }

  /**
   * Share of a kanji run inside known kanji pairs (委員会 = 委員 + 員会; 休日出勤 = 休日 + ?); a
   * kanji known only on its own counts a quarter.
   */
  private kanjiCredit(s: string, spec: (t: string[]) => number): { credit: number; specificity: number } {
    const covered = new Array<boolean>(s.length).fill(false);
    const pairs: string[] = [];
    for (let i = 0; i + 1 < s.length; i++) {
      const p = s.slice(i, i + 2);
      if (this.known(p)) {
        covered[i] = covered[i + 1] = true;
        pairs.push(p);
      }
    }
    let credit = 0;
    for (let i = 0; i < s.length; i++) credit += covered[i] ? 1 : this.known(s[i]) ? 0.25 : 0;
    return { credit: credit / s.length, specificity: pairs.length ? spec(pairs) : 1 };
  }

  private known(token: string): boolean {
    return this.src.idf.has(token) || this.src.synonymTokens.has(token);
  }

  /** Share of a katakana run made of katakana words we use (whole words, or 3+ letters of one). */
  private kataCredit(s: string): number {
    const known = (p: string) => this.src.kataWords.has(p) || (p.length >= 3 && this.kataJoined.includes(p));
    const best = new Array<number>(s.length + 1).fill(0);
    for (let i = 1; i <= s.length; i++) {
      best[i] = best[i - 1];
      for (let j = Math.max(0, i - 12); j <= i - 2; j++) if (known(s.slice(j, i))) best[i] = Math.max(best[i], best[j] + (i - j));
    }
    return best[s.length] / s.length;
  }
}

function bigrams(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2));
  return out;
}

/** Katakana words of a text, folded (as the index spells them). */
export function katakanaWords(text: string): string[] {
  const out: string[] = [];
  for (const run of segment(text).ja) for (const part of splitByScript(run)) if (part[0].s === "kata" && part.length >= 2) out.push(part.map((c) => c.c).join(""));
  return out;
}

/** Runs of kanji, runs of katakana and English words; hiragana only when there is nothing else. */
export function contentTerms(content: string): ContentTerm[] {
  const { ja, latin } = segment(content);
  const out: ContentTerm[] = [];
  const hira: ContentTerm[] = [];
  for (const run of ja) {
    for (const part of splitByScript(run)) {
      const text = part.map((c) => c.c).join("");
      if (part[0].s === "hira") {
        if (text.length >= 3) hira.push({ text, latin: false, script: "kata" });
      } else out.push({ text, latin: false, script: part[0].s });
    }
  }
  for (const w of latin) if (!isEnglishStopword(w) && !/^\d+$/.test(w)) out.push({ text: w, latin: true });
  return out.length > 0 ? out : hira;
}

function splitByScript(run: FoldedChar[]): FoldedChar[][] {
  const parts: FoldedChar[][] = [];
  for (const c of run) {
    const last = parts.at(-1);
    if (last && last[0].s === c.s) last.push(c);
    else parts.push([c]);
  }
  return parts;
}
