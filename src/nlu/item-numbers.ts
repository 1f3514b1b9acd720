// Finds check-sheet item numbers in a message, in every way people write them:
// No.115, no115, №115, ＮＯ．１１５, 115番, 項目115, #115, item 115, No.1〜3, No.1-3, 1,2,3番,
// and a bare "115" when the message is little more than the number.
import { normalize } from "./normalize.ts";

export interface ItemRefs {
  /** Distinct numbers in the order written (ranges expanded). May be out of range: callers check. */
  numbers: number[];
  /** A range or list was written ("No.1〜3", "115と116"). */
  multiple: boolean;
}

const MAX_RANGE = 160;
/**
 * Up to 6 digits, read whole: "No.999999" is reported as itself, not as No.9999 (and "12345番" not
 * as No.2345); a longer run of digits is not an item number at all.
 */
const NUM = String.raw`(\d{1,6})(?!\d)`;
const SEP = String.raw`\s*(?:~|-|–|—|から|to|through)\s*(?:no\.?\s*)?`;
const LIST = String.raw`\s*(?:,|、|と|and|&|/)\s*(?:no\.?\s*)?`;
/** After the first number: an optional range, then list entries that may each be a range ("1〜3, 5〜7"). */
const TAIL = String.raw`((?:` + SEP + NUM + String.raw`)?(?:` + LIST + NUM + String.raw`(?:` + SEP + NUM + String.raw`)?)*)`;

/** After a marker a minus sign belongs to the number: 「No.-1」 is reported as no such item, not read as No.1. */
const PREFIXED = new RegExp(
  String.raw`(?:\bno(?![a-z])\.?|№|項目(?:番号)?|item(?:\s*(?:no\.?|number|#))?|#)\s*` + String.raw`(-?\d{1,6})(?!\d)` + TAIL,
  "gi",
);
/** 「115番」. Not 「153項目」: after a number 項目 counts items (「153項目全部」), it names none. */
const SUFFIXED = new RegExp(String.raw`(?<!\d)` + NUM + TAIL + String.raw`\s*番(?!目の?回)`, "g");
/** A number standing on its own (not 第3回, 3日, FY2026, レベル1, v2.3, 5S), with an optional range or list. */
const LOOSE = new RegExp(
  String.raw`(?<![\d.a-z第]|レベル|lv\s?|level\s?)` +
    NUM +
    TAIL +
    String.raw`(?![\d.a-z]|\s*(?:回|日|時|分|年|月|%|人|件|歳|円|版|つ|個|名|社|点|h\b|d\b|m\b))`,
  "gi",
);

const STEP = new RegExp(String.raw`(` + SEP + String.raw`|` + LIST + String.raw`)(\d{1,6})`, "gi");
const IS_RANGE = new RegExp("^" + SEP + "$", "i");

/** The numbers of one match: each list entry in turn, each range expanded (a huge or backwards one is its two ends). */
function expand(first: string, rest: string | undefined): number[] {
  const out = [Number(first)];
  if (!rest) return out;
  for (const m of rest.matchAll(STEP)) {
    const n = Number(m[2]);
    const a = out[out.length - 1];
    if (IS_RANGE.test(m[1]) && n >= a && n - a <= MAX_RANGE) for (let i = a + 1; i <= n; i++) out.push(i);
    else out.push(n);
  }
  return out;
}

/**
 * Item numbers written with a marker (No., 番, 項目, #, item). With `loose`, also numbers standing
 * on their own ("115 未達成", "mark 124 as achieved"): callers use it where the rest of the
 * message says it is about items. A message that is little more than a number ("115", "115は？",
 * "115と116") is always read loosely.
 */
export function findItemNumbers(text: string, opts: { loose?: boolean } = {}): ItemRefs {
  const t = normalize(text);
  const found: number[] = [];
  let multiple = false;
  const leftover = t.replace(/[\d\s,、~と\-.?？!！。]/g, "").replace(/^no/, "");
  const nearlyBare = leftover.length <= 6 && /\d/.test(t) && !/(回|日|時|分|年|月|%|人|件|歳|円|レベル|lv|level|版|fy)/.test(t);
  const patterns = opts.loose || nearlyBare ? [PREFIXED, SUFFIXED, LOOSE] : [PREFIXED, SUFFIXED];
  for (const re of patterns) {
    re.lastIndex = 0;
    for (const m of t.matchAll(re)) {
      const nums = expand(m[1], m[2]);
      if (nums.length > 1) multiple = true;
      found.push(...nums);
    }
    // the loose pattern only adds numbers when the marked ones found none
    if (re === SUFFIXED && found.length > 0) break;
  }
  const numbers = [...new Set(found)];
  return { numbers, multiple: multiple || numbers.length > 1 };
}
