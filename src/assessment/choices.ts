// The answer choices (knowledge/answer-choices.yaml): loaded and validated with zod at start-up,
// then used everywhere an answer is read or written: free text, buttons, imports, progress maths.
import { readYamlFile } from "../knowledge/yaml-file.ts";
import { z } from "zod";
import type { Lang } from "../core/reply.ts";
import { projectPath } from "../project-root.ts";

export const ANSWER_CHOICES_FILE = projectPath("knowledge/answer-choices.yaml");
/** The status of an item nobody has answered (or whose answer was taken back). */
export const UNANSWERED = "unanswered";

const Bi = z.object({ ja: z.string().min(1), en: z.string().min(1) }).strict();
const Synonyms = z.object({ ja: z.array(z.coerce.string().min(1)), en: z.array(z.coerce.string().min(1)) }).strict();

const ChoiceSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, "lower-case letters, digits and _"),
    label: Bi,
    synonyms: Synonyms,
    counts_as_achieved: z.boolean(),
    excluded_from_denominator: z.boolean(),
    requires_reason: z.boolean(),
  })
  .strict();

export const AnswerChoicesFile = z
  .object({
    choices: z.array(ChoiceSchema).min(2),
    unanswered: z.object({ label: Bi, synonyms: Synonyms }).strict(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    for (const c of f.choices) {
      if (c.id === UNANSWERED) ctx.addIssue({ code: "custom", message: `"${UNANSWERED}" is reserved`, path: ["choices"] });
      if (ids.has(c.id)) ctx.addIssue({ code: "custom", message: `choice id "${c.id}" appears twice`, path: ["choices"] });
      ids.add(c.id);
      if (c.counts_as_achieved && c.excluded_from_denominator)
        ctx.addIssue({ code: "custom", message: `choice "${c.id}" cannot both count as achieved and be excluded`, path: ["choices"] });
    }
    if (!f.choices.some((c) => c.counts_as_achieved))
      ctx.addIssue({ code: "custom", message: "at least one choice must count as achieved", path: ["choices"] });
    // one spelling must mean one thing
    const owner = new Map<string, string>();
    const all = [...f.choices.map((c) => ({ id: c.id, s: c.synonyms })), { id: UNANSWERED, s: f.unanswered.synonyms }];
    for (const { id, s } of all)
      for (const w of [...s.ja, ...s.en]) {
        const k = fold(w).toLowerCase();
        const prev = owner.get(k);
        if (prev && prev !== id) ctx.addIssue({ code: "custom", message: `synonym "${w}" is used by both "${prev}" and "${id}"`, path: ["choices"] });
        owner.set(k, id);
      }
  });

export type ChoiceDef = z.infer<typeof ChoiceSchema>;

export class AnswerChoicesError extends Error {
  constructor(public readonly problems: string[]) {
    super(`knowledge/answer-choices.yaml has ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    this.name = "AnswerChoicesError";
  }
}

/**
 * Folds characters one for one (so positions in the folded text are positions in the original):
 * full-width letters, digits and symbols to half-width (NFKC where it keeps the length), 〜 to ~,
 * ideographic space to a space.
 */
export function fold(text: string): string {
  let out = "";
  for (const ch of text) {
    if (ch === "〜" || ch === "～") out += "~";
    else if (ch === "\u3000") out += " ";
    else {
      const n = ch.normalize("NFKC");
      out += n.length === ch.length ? n : ch;
    }
  }
  return out;
}

interface Matcher {
  id: string;
  word: string;
  re: RegExp;
}

/** A status word found in a text: which choice (or unanswered), where. */
export interface StatusHit {
  id: string;
  start: number;
  end: number;
}

const LATIN = /^[a-z0-9][a-z0-9 ./'-]*$/i;
const SYMBOL = /^[^\p{L}\p{N}]+$/u;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export class AnswerChoices {
  readonly list: ChoiceDef[];
  readonly unansweredLabel: { ja: string; en: string };
  private readonly byId = new Map<string, ChoiceDef>();
  private readonly matchers: Matcher[];
  private readonly exact = new Map<string, string>();

  constructor(file: z.infer<typeof AnswerChoicesFile>) {
    this.list = file.choices;
    this.unansweredLabel = file.unanswered.label;
    for (const c of file.choices) this.byId.set(c.id, c);
    const words: { id: string; word: string }[] = [];
    for (const c of file.choices) for (const w of [...c.synonyms.ja, ...c.synonyms.en, c.label.ja, c.label.en]) words.push({ id: c.id, word: w });
    for (const w of [...file.unanswered.synonyms.ja, ...file.unanswered.synonyms.en, file.unanswered.label.ja, file.unanswered.label.en])
      words.push({ id: UNANSWERED, word: w });
    const seen = new Set<string>();
    this.matchers = words
      .map(({ id, word }) => ({ id, word: fold(word).toLowerCase().trim() }))
      .filter((m) => m.word && !seen.has(m.id + "\u0000" + m.word) && seen.add(m.id + "\u0000" + m.word))
      // longest first, so 未達成 wins over 達成 and "not achieved" over "achieved"
      .sort((a, b) => b.word.length - a.word.length)
      .map(({ id, word }) => ({ id, word, re: matcherFor(word) }));
    for (const m of this.matchers) if (!this.exact.has(m.word)) this.exact.set(m.word, m.id);
  }

  private static sharedInstance: AnswerChoices | undefined;

  /**
   * The deployment's choices (knowledge/answer-choices.yaml), loaded once per process. The
   * recogniser's pattern stage has no services, so intents read the choices here; the app's
   * module uses the same instance.
   */
  static shared(): AnswerChoices {
    AnswerChoices.sharedInstance ??= AnswerChoices.load();
    return AnswerChoices.sharedInstance;
  }

  static load(path = ANSWER_CHOICES_FILE): AnswerChoices {
    let raw: unknown;
    try {
      raw = readYamlFile(path);
    } catch (e) {
      throw new AnswerChoicesError([`${path}: ${(e as Error).message.split("\n")[0]}`]);
    }
    const r = AnswerChoicesFile.safeParse(raw);
    if (!r.success) throw new AnswerChoicesError(r.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`));
    return new AnswerChoices(r.data);
  }

  get(id: string): ChoiceDef | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return this.list.map((c) => c.id);
  }

  /** Valid statuses to store: the choices and "unanswered". */
  isStatus(id: string): boolean {
    return id === UNANSWERED || this.byId.has(id);
  }

  label(id: string | null | undefined, lang: Lang): string {
    if (!id || id === UNANSWERED) return this.unansweredLabel[lang];
    return this.byId.get(id)?.label[lang] ?? id;
  }

  countsAsAchieved(id: string | null | undefined): boolean {
    return Boolean(id && this.byId.get(id)?.counts_as_achieved);
  }

  excluded(id: string | null | undefined): boolean {
    return Boolean(id && this.byId.get(id)?.excluded_from_denominator);
  }

  requiresReason(id: string): boolean {
    return Boolean(this.byId.get(id)?.requires_reason);
  }

  /** A cell or a whole message that is nothing but a status word ("○", "達成", "N/A"); else undefined. */
  exactStatus(text: string): string | undefined {
    const k = fold(text).toLowerCase().trim().replace(/[。.!！]+$/u, "").trim();
    return this.exact.get(k);
  }

  /** Every status word in a text, longest spellings first, never overlapping. */
  findStatuses(text: string): StatusHit[] {
    const t = fold(text).toLowerCase();
    const taken = new Array<boolean>(t.length).fill(false);
    const hits: StatusHit[] = [];
    for (const m of this.matchers) {
      m.re.lastIndex = 0;
      for (const x of t.matchAll(m.re)) {
        const start = x.index! + (x[1]?.length ?? 0);
        const end = start + m.word.length;
        let free = true;
        for (let i = start; i < end; i++) if (taken[i]) free = false;
        if (!free) continue;
        for (let i = start; i < end; i++) taken[i] = true;
        hits.push({ id: m.id, start, end });
      }
    }
    return hits.sort((a, b) => a.start - b.start);
  }

  /** The formula, for reply footers (follows the flags in the file). */
  formula(lang: Lang): string {
    const num = this.list.filter((c) => c.counts_as_achieved).map((c) => c.label[lang]);
    const ex = this.list.filter((c) => c.excluded_from_denominator).map((c) => c.label[lang]);
    const exJa = ex.length ? ` − ${ex.join("・")}` : "";
    const exEn = ex.length ? ` − ${ex.join(", ")}` : "";
    const numEn = num.length > 1 ? `(${num.join(" + ")})` : num.join("");
    const numJa = num.length > 1 ? `(${num.join("+")})` : num.join("");
    return lang === "en"
      ? `Achievement rate = ${numEn} ÷ (items of the level${exEn}); set in knowledge/answer-choices.yaml`
      : `達成率 = ${numJa} ÷ (そのレベルの項目数${exJa})。定義は knowledge/answer-choices.yaml で変更できます`;
  }
}

function matcherFor(word: string): RegExp {
  const w = escapeRe(word).replace(/ /g, "\\s+");
  if (word === "no") {
    // "no" means not achieved, but "No.115" / "no 115" is an item number, and "No." glued to
    // anything ("No.-1", "No.abc", "No.#1") is a mistyped number, not an answer for the item on screen
    return /(^|[^a-z0-9])no(?![a-z0-9])(?!\.?\s*\d)(?!\.\S)/g;
  }
  if (SYMBOL.test(word)) {
    // ○ × - stand on their own: "115 ○", "115:×", but not the dash of "No.1-3" or "サーバー"
    if (/^[-‐－ー―—–]$/.test(word)) return new RegExp(String.raw`(^|[\s:=、,(])` + w + String.raw`(?=$|[\s、,。.)!])`, "g");
    // a mark may take a copula or particle: 「×です」「は×で」
    return new RegExp(String.raw`(^|[\s:=、,(\d.はがも])` + w + String.raw`(?=$|[\s、,。.)!]|です|で|だ|に|と)`, "g");
  }
  if (/^\p{Script=Han}$/u.test(word)) {
    // one kanji (済, 未) only standing on its own: 「No.19 済」「41〜43は済です」, never inside 経済 or 未使用
    return new RegExp(String.raw`(^|[\s:=、,(\d.はがも])` + w + String.raw`(?=$|[\s、,。.)!]|です|で|だ)`, "gu");
  }
  if (LATIN.test(word)) return new RegExp(String.raw`(^|[^a-z0-9])` + w + String.raw`(?![a-z0-9])`, "g");
  return new RegExp("()" + w, "g");
}
