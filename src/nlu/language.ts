// Which language to answer in (issue 9): the person's, stored with them, changed only by a clear
// sentence in the other language or an explicit 「日本語で」 / "in English". Item numbers, acronyms
// (UTM, EDR, PC), status words (OK, NG, done) and URLs in Latin letters say nothing about it.
import type { Lang } from "../core/reply.ts";

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/g;
/** Words that are the same in a Japanese chat: answers, yes/no, item markers, units. */
const NEUTRAL = new Set(["no", "ok", "okay", "ng", "na", "n/a", "yes", "done", "fy", "lv", "level", "ver", "x", "y", "n", "vs", "etc", "pls", "thx"]);

/**
 * "ja" when the message is written in Japanese, "en" when it is a clear English sentence (two
 * real words or more), undefined when it does not tell. A person with no language yet is taken at
 * a single English word ("sessions"), since they have said nothing else so far.
 */
export function detectLang(text: string, opts: { known?: boolean } = {}): Lang | undefined {
  // links, file paths (/tmp/filled.csv, C:\\sheet.xlsx), file names and item numbers are no language
  const t = text
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\S*[\\/]\S*/g, " ")
    .replace(/\S+\.(?:csv|xlsx?|pdf|docx?|txt)\b/gi, " ")
    .replace(/\bno\.?\s*\d+/gi, " ");
  const japanese = (t.match(JAPANESE) ?? []).length;
  const words = (t.match(/[A-Za-z][A-Za-z'’-]*/g) ?? []).filter((w) => w.length >= 2 && !isAcronym(w) && !NEUTRAL.has(w.toLowerCase()));
  if (words.length >= 3 && japanese <= 6) return "en";
  if (japanese > 0) return "ja";
  if (words.length >= 2) return "en";
  if (words.length === 1 && !opts.known) return "en";
  return undefined;
}

/** UTM, EDR, VPN, PC, MFA, USB, ISMS, M365: names, not language. */
function isAcronym(w: string): boolean {
  return /^[A-Z0-9]{2,6}s?$/.test(w) || /^[A-Z][0-9A-Z]+$/.test(w);
}

const TO_JA = /^(日本語で|日本語でお願いします|日本語にして(ください)?|日本語に切り替え(て|る)?(ください)?|日本語に戻して(ください)?|日本語表示|in japanese|japanese( please)?|switch to japanese)$/i;
const TO_EN = /^(英語で|英語でお願いします|英語にして(ください)?|英語に切り替え(て|る)?(ください)?|in english|english( please)?|switch to english|reply in english|answer in english|english mode)$/i;

/** An explicit request to change the language, or undefined. */
export function readLanguageSwitch(normalized: string): Lang | undefined {
  const t = normalized.replace(/[?？!！。.、\s]+$/u, "");
  if (TO_JA.test(t)) return "ja";
  if (TO_EN.test(t)) return "en";
  return undefined;
}

/** A platform locale ("ja-JP", "en-US") as one of ours, or undefined. */
export function langOfLocale(locale: string | null | undefined): Lang | undefined {
  if (!locale) return undefined;
  if (/^ja\b/i.test(locale)) return "ja";
  if (/^en\b/i.test(locale)) return "en";
  return undefined;
}
