// What people send is cleaned once, where it enters: the pipeline (messages, button values) and
// the spreadsheet reader (imported cells). Invisible characters pasted from web pages and PDFs
// (zero-width spaces, word joiners, BOMs, bidi overrides) would split "No.1​15" into No.1 while
// the person sees No.115; control characters (NUL above all) are refused by PostgreSQL in text
// and would fail the whole turn. Tabs and line breaks stay; so do emoji joined with ZWJ.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const INVISIBLE = /[\u00AD\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
/** A zero-width joiner that does not join two pictographs (👨‍💻 keeps its own). */
const LONE_ZWJ = /(?<!\p{Extended_Pictographic}\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

export function cleanText(text: string): string {
  // lone surrogates (a cut emoji) become U+FFFD instead of reaching the database driver
  const wellFormed = (text as { toWellFormed?: () => string }).toWellFormed?.() ?? text;
  return wellFormed.replace(CONTROL, "").replace(INVISIBLE, "").replace(LONE_ZWJ, "");
}

/** Every string inside a (button) payload, cleaned; other values as they are. */
export function cleanValues<T>(value: T, depth = 0): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => cleanValues(v, depth + 1)) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanValues(v, depth + 1)])) as T;
}
