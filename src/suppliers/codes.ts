// Invitation codes: short enough to read aloud and type, too many to guess. Ten characters from
// Crockford's base-32 alphabet (digits and capitals without I, L, O, U, so nothing looks like
// something else), shown as two groups of five: "7KQ3M-XT9BR". 32^10 ≈ 10^15 codes; with at most
// a few wrong tries per person and per organisation an hour (see ATTEMPTS), guessing one of a
// deployment's live codes would take longer than any code lives. Only the SHA-256 of a code is
// stored, as for the web console's sign-in links.
import { createHash, randomInt } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CODE_LENGTH = 10;

/** Wrong codes allowed per hour: per person, and per organisation (all its people together). */
export const ATTEMPTS = { perUser: 5, perOrg: 20, windowMs: 3_600_000 } as const;

/** How long a code can be used after it is issued. */
export const CODE_DAYS = 30;

export function generateCode(): string {
  let s = "";
  for (let i = 0; i < CODE_LENGTH; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return formatCode(s);
}

export function formatCode(raw: string): string {
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

/**
 * The code as typed, made canonical: upper case, separators and spaces out, and the letters people
 * confuse read as Crockford reads them (O → 0, I and L → 1). Null when it cannot be a code.
 */
export function normalizeCode(typed: string): string | null {
  const s = typed
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\s\-‐‑–—－ー_.]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (s.length !== CODE_LENGTH) return null;
  for (const ch of s) if (!ALPHABET.includes(ch)) return null;
  return s;
}

export function hashCode(canonical: string): string {
  return createHash("sha256").update(`supplier-invite:${canonical}`).digest("hex");
}

/**
 * Finds a code in a message: "ABCDE-FGHJK" alone, or after a word that says it is a code
 * (招待コード, 参加コード, コード, code, join). Returns what was typed, not yet canonical.
 */
export function findCode(text: string): string | null {
  const t = text.normalize("NFKC").trim();
  const group = "[0-9A-Za-z]{5}";
  const bare = new RegExp(`^(${group}\\s*[-‐‑–—ー]\\s*${group})[。.!！]?$`);
  const m1 = bare.exec(t);
  if (m1) return m1[1];
  const said = new RegExp(
    `^(?:(?:取引先の?)?(?:招待|参加|依頼)?コード(?:は|を入力|です|:|：)?|(?:join|invitation code|invite code|code)(?:\\s*(?:is|:))?)\\s*[:：]?\\s*(${group}\\s*[-‐‑–—ー]?\\s*${group})\\s*(?:で参加(?:する|します)?|です|を入力)?[。.!！]?$`,
    "i",
  );
  const m2 = said.exec(t);
  return m2 ? m2[1] : null;
}
