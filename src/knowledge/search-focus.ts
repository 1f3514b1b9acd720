// Does one entry of the knowledge base cover the question? The vocabulary test (search-scope.ts)
// asks whether the question's words are words we use ANYWHERE; an off-topic question is often
// made of such words spread over unrelated entries (退職金の計算方法: 退職 from the leavers item,
// 計算方法 from the achievement-rate FAQ). Here the same coverage is measured against one entry
// at a time, with the synonyms of the words the entry uses counted as its words too. Search uses
// it to hold back confidence when the first hit covers little of what was asked.
import { SearchVocabulary } from "./search-scope.ts";
import { katakanaWords } from "./search-scope.ts";
import { tokens } from "./search-text.ts";

export interface EntryWords {
  /** Every token of the entry. */
  tokens: Set<string>;
  /** Its katakana words, folded. */
  kataWords: Set<string>;
}

export class EntryCoverage {
  /** Built on first use: a question only ever looks at its first few hits. */
  private readonly vocabs: (SearchVocabulary | undefined)[];
  private readonly groups: { toks: string[]; kata: string[] }[][];

  constructor(
    private readonly entries: EntryWords[],
    private readonly idf: Map<string, number>,
    private readonly maxIdf: number,
    synonymGroups: string[][],
    private readonly nearLatin: (t: string) => string | undefined,
  ) {
    this.groups = synonymGroups.map((g) => g.map((raw) => ({ toks: [...tokens(raw).keys()], kata: katakanaWords(raw) })));
    this.vocabs = new Array(entries.length);
  }

  /** Share (0..1) of the question's content that entry `i` covers, rare words weighing more. */
  share(i: number, content: string): number {
    return (this.vocabs[i] ??= this.vocabulary(this.entries[i])).measure(content).share;
  }

  private vocabulary(e: EntryWords): SearchVocabulary {
    const own = new Map<string, number>();
    for (const t of e.tokens) own.set(t, this.idf.get(t) ?? this.maxIdf);
    const kataWords = new Set(e.kataWords);
    const synonymTokens = new Set<string>();
    // a synonym term "is in" an entry when all its tokens are (cheap, and close enough here)
    for (const g of this.groups) {
      if (!g.some((term) => term.toks.length > 0 && term.toks.every((t) => e.tokens.has(t)))) continue;
      for (const term of g) {
        for (const w of term.kata) kataWords.add(w);
        for (const t of term.toks) if (!own.has(t)) synonymTokens.add(t);
      }
    }
    return new SearchVocabulary({
      idf: own,
      maxIdf: this.maxIdf,
      kataWords,
      synonymTokens,
      nearLatin: (t) => {
        const n = this.nearLatin(t);
        return n && own.has(n) ? n : undefined;
      },
    });
  }
}
