// Snaps a misspelt English word to an indexed one ("authentcation" -> "authentication"). A
// deletion index (SymSpell, one edit) finds the candidates without scanning the vocabulary, which
// keeps an unknown word well under a tenth of a millisecond.
export class Speller {
  private readonly byDeletion = new Map<string, string[]>();
  private readonly words: Set<string>;

  /** `rank` orders candidates at the same distance: lower wins (e.g. rarer words lose). */
  constructor(words: Iterable<string>, private readonly rank: (w: string) => number = () => 0) {
    this.words = new Set(words);
    for (const w of this.words) for (const d of deletions(w)) push(this.byDeletion, d, w);
  }

  /** The known word one edit away (insert, delete, substitute, swap), or undefined. */
  correct(word: string, minLength = 5): string | undefined {
    if (this.words.has(word)) return word;
    if (word.length < minLength) return undefined;
    const cands = new Set<string>(this.byDeletion.get(word) ?? []);
    for (const d of deletions(word)) {
      if (this.words.has(d)) cands.add(d);
      for (const w of this.byDeletion.get(d) ?? []) cands.add(w);
    }
    let best: string | undefined;
    for (const c of cands) {
      if (editDistance(word, c, 1) > 1) continue;
      if (best === undefined || this.rank(c) < this.rank(best)) best = c;
    }
    return best;
  }
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

function deletions(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

/** Damerau-Levenshtein (adjacent swaps count 1), giving up above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
}
