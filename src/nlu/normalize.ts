// Text normalisation shared by the recogniser and search: full-width to half-width (NFKC),
// lower case, one kind of space, and the punctuation people add at the end of chat messages.
export function normalize(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u3000\s]+/g, " ")
    .replace(/[〜～]/g, "~")
    .trim();
}

/** Drops trailing 「?」「。」「!」 and polite endings that carry no meaning for matching. */
export function stripChatNoise(text: string): string {
  return text.replace(/[?？!！。.、,\s]+$/u, "").trim();
}

/** Katakana to hiragana, so ウイルス and ういるす compare equal. */
export function toHiragana(text: string): string {
  return text.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}
