// Text to search tokens, for Japanese without spaces and for English, with no dictionary.
// notes/retrieval.md measured character bigrams (+ single kanji) under BM25 above morphological
// analysers, so that is what we index. Folding makes the spelling variants people type meet the
// spelling in the knowledge base: full width (NFKC), katakana/hiragana, long vowels (サーバー =
// サーバ), small kana (ウィルス = ウイルス), ヶ/か, and okurigana (持ち出し = 持出し, via bigrams
// that skip one kana between two kanji).
import { normalize } from "../nlu/normalize.ts";

/** Where a folded character came from: the query side weighs kana-only bigrams lower. */
export type Script = "hira" | "kata" | "kanji";

export interface FoldedChar {
  c: string;
  s: Script;
}

const SMALL_KANA: Record<string, string> = {
  ぁ: "あ", ぃ: "い", ぅ: "う", ぇ: "え", ぉ: "お", ゃ: "や", ゅ: "ゆ", ょ: "よ", ゎ: "わ", ゕ: "か", ゖ: "け",
};

const isHira = (cp: number) => cp >= 0x3041 && cp <= 0x309f;
const isKata = (cp: number) => cp >= 0x30a1 && cp <= 0x30fa;
const isKanji = (cp: number) => (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || cp === 0x3005;

/**
 * Splits normalised text into runs of Japanese characters (folded, with their original script)
 * and Latin words. Everything else (spaces, punctuation, symbols) separates runs.
 */
export function segment(text: string): { ja: FoldedChar[][]; latin: string[]; pieces: string[] } {
  const t = normalize(text)
    .replace(/[ヶヵ]/g, "か")
    // 年一回 = 年1回: the knowledge base writes counts in digits
    .replace(/[一二三四五六七八九十](?=[回度年月日週人台件か名社つ個])/g, (k) => String("〇一二三四五六七八九十".indexOf(k)));
  const ja: FoldedChar[][] = [];
  const latin: string[] = [];
  const pieces: string[] = [];
  let run: FoldedChar[] = [];
  let word = "";
  const endRun = () => {
    if (run.length) {
      ja.push(run);
      pieces.push(run.map((x) => x.c).join(""));
    }
    run = [];
  };
  const endWord = () => {
    if (word) {
      latin.push(word);
      pieces.push(word);
    }
    word = "";
  };
  for (const ch of t) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39)) {
      endRun();
      word += ch;
      continue;
    }
    endWord();
    if (ch === "ー" || (ch === "-" && run.length > 0)) {
      // long vowel mark: dropped, so サーバー and サーバ fold together
      continue;
    }
    if (isKata(cp)) {
      const h = String.fromCharCode(cp - 0x60);
      run.push({ c: SMALL_KANA[h] ?? h, s: "kata" });
    } else if (isHira(cp)) {
      run.push({ c: SMALL_KANA[ch] ?? ch, s: "hira" });
    } else if (isKanji(cp)) {
      // 々 repeats the previous kanji (各々 = 各各)
      run.push({ c: cp === 0x3005 && run.length ? run[run.length - 1].c : ch, s: "kanji" });
    } else endRun();
  }
  endRun();
  endWord();
  return { ja, latin, pieces };
}

/** Folded text of a string, for substring tests (synonym matching): runs and words in order, one space apart. */
export function foldText(text: string): string {
  return segment(text).pieces.join(" ");
}

const EN_STOP = new Set(
  ("a an the of for to do does did we i you our my your it its is are was be been being what which who whom how " +
    "when where why in on at by with and or not no yes should can could would will must need needs have has had " +
    "this that these those there their they them about any some please tell me us as from into than then so if " +
    "item items question mean means require requires required ask asks").split(" "),
);

/** A light English stemmer: enough to meet "logs"/"log", "restored"/"restore", "policies"/"policy". */
export function stem(w: string): string {
  if (w.length <= 3 || /\d/.test(w)) return w;
  let s = w;
  if (s.endsWith("ies") && s.length > 4) s = s.slice(0, -3) + "y";
  else if (s.endsWith("sses")) s = s.slice(0, -2);
  else if (s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us") && !s.endsWith("is")) s = s.slice(0, -1);
  if (s.endsWith("ing") && s.length > 5) s = s.slice(0, -3);
  else if (s.endsWith("ed") && s.length > 4) s = s.slice(0, -2);
  if (s.endsWith("e") && s.length > 4) s = s.slice(0, -1);
  if (s.length > 4 && /([bdfgkmnprt])\1$/.test(s)) s = s.slice(0, -1);
  return s;
}

export function isEnglishStopword(w: string): boolean {
  return EN_STOP.has(w);
}

export interface TokenOptions {
  /** Weight of a bigram whose two characters were both written in hiragana (query side). */
  hiraWeight: number;
  /** Weight of single-kanji tokens. */
  kanjiWeight: number;
  /** Weight of okurigana-skipping kanji bigrams (持ち出し -> 持出). */
  skipWeight: number;
  /** Drop English stop words (query side). */
  dropStopwords: boolean;
}

export const DOC_TOKENS: TokenOptions = { hiraWeight: 1, kanjiWeight: 1, skipWeight: 1, dropStopwords: false };

/** Particles between two kanji join words (室の鍵), they are not okurigana (持ち出し). */
const PARTICLES = new Set(["の", "を", "が", "は", "に", "で", "と", "も", "へ", "や"]);

/** Latin tokens are prefixed so that "pc" never meets a kana bigram. */
export const latinToken = (w: string) => "_" + stem(w);

/** Adds the tokens of a text to `out` (token -> weight summed). */
export function addTokens(text: string, out: Map<string, number>, o: TokenOptions): void {
  const add = (t: string, w: number) => {
    if (w > 0) out.set(t, (out.get(t) ?? 0) + w);
  };
  const { ja, latin } = segment(text);
  for (const run of ja) {
    if (run.length === 1) add(run[0].c, run[0].s === "hira" ? o.hiraWeight : 1);
    for (let i = 0; i < run.length; i++) {
      const a = run[i];
      if (a.s === "kanji" && run.length > 1) add(a.c, o.kanjiWeight);
      if (i + 1 < run.length) {
        const b = run[i + 1];
        add(a.c + b.c, a.s === "hira" && b.s === "hira" ? o.hiraWeight : 1);
        // okurigana: kanji + one hiragana + kanji also gives the kanji pair
        if (a.s === "kanji" && b.s === "hira" && !PARTICLES.has(b.c) && i + 2 < run.length && run[i + 2].s === "kanji") {
          add(a.c + run[i + 2].c, o.skipWeight);
        }
      }
    }
  }
  for (const w of latin) {
    if (o.dropStopwords && EN_STOP.has(w)) continue;
    add(latinToken(w), 1);
  }
}

export function tokens(text: string, o: TokenOptions = DOC_TOKENS): Map<string, number> {
  const out = new Map<string, number>();
  addTokens(text, out, o);
  return out;
}
