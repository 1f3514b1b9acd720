// Reads an answer written in chat: "No.115は達成", "115 未達成 EDR未導入のため", "No.1〜3 達成",
// "mark 124 as achieved", "124 対象外 理由: 該当システムなし", "No.25 は達成、No.26 は未達成".
//
// The rule is trust: a message is recorded only when its meaning is clear (issue 9). So beyond
// finding a status word it reads what surrounds it:
//   negation    「達成ではない」「達成とは言い難い」「できてるとは言えない」 → 未達成
//   correction  「未達成ではなく達成」「not achieved but achieved」 → the corrected value
//   plans       「達成予定」「来期対応予定」「we plan to do 67 next year」 → 未達成 (not yet done)
//   partial     「一部のみ対応」「半分くらいできてる」「partially done」 → 未達成
//   doubt       「かも」「たぶん」「微妙」「分からない」「確認中」「maybe」 → asked back, nothing recorded
// and anything it cannot settle (two statuses, 「対象外じゃない」, a plan next to 達成済み) is asked
// back. What follows the status is the note; a URL in it is the evidence link; leftovers that are
// only verb endings or emoji (「してる」「👍」) are not a note.
import { findItemNumbers } from "../nlu/item-numbers.ts";
import { fold, UNANSWERED, type AnswerChoices, type StatusHit } from "./choices.ts";

export interface AnswerPart {
  /** empty: a bare status ("達成"), meant for the item on screen */
  nos: number[];
  choice: string;
  note?: string;
  evidence?: string;
}

export type UnsureReason =
  /** doubt, hedging or a wish: 「かも」「たぶん」「微妙」「分からない」「達成したい」 */
  | "doubt"
  /** two different statuses, or a plan next to a finished state */
  | "ambiguous"
  /** a negated 対象外 or 未達成: which of the others is meant is not said */
  | "negated"
  /** a word that is also an acknowledgement (はい, yes, done) with only the item on screen */
  | "weak";

export interface UnclearPart {
  nos: number[];
  reason: UnsureReason;
  statuses: string[];
}

export type ParsedAnswer =
  /**
   * one or more clauses, each one status for its items; a bare status has one part with no nos.
   * `unclear`: clauses of the same message whose meaning is not clear (asked back, not recorded)
   */
  | { kind: "answer"; parts: AnswerPart[]; unclear?: UnclearPart[] }
  /** "No.115は達成?": a question about the company's current answer. */
  | { kind: "status-query"; nos: number[] }
  /** the message is about answering, but what to record is not clear: ask back, record nothing */
  | { kind: "unsure"; nos: number[]; reason: UnsureReason; statuses: string[] };

/** Questions about the guideline that happen to contain a status word: not answers. */
const GUIDELINE_QUESTION =
  /(達成条件|達成基準|達成要件|達成とみな|達成(する|させる|の)(には|ため|方法)|達成率|達成状況|達成度|達成に(は|必要)|達成が必要|対象外(とは|って|の意味|にでき|になる[^か]|にして(いい|よい|も)|の条件|の基準|の判断|の例)|とは[?？]?$|って何|ってなに|どういう|教えて|what counts|achieved when|achievement rate|how (do|can|to|should|is)|what (does|is)|what's|\bmean(s|ing)?\b|\bdefin)/i;

/** Sentence endings and openings that make a question even without a question mark. */
const QUESTION_END = /(ですか|ますか|でしょうか|ませんか|かな|かなぁ|のか|か|っけ|よね)[。.!！]?\s*$/;
const QUESTION_START = /^\s*(is|are|does|do|did|can|could|should|has|have|was|were|will|would)\b/i;

/** Words around the numbers and the status that carry no meaning of their own. */
const FILLER =
  /(mark(ed)?|set|record|update|change|items?|number|answer(ed)?|for|as|to|is|are|the|was|were|our|we|we've|we have|have|has|been|i|i've|it|it's|this|that|status|of|please|no\.?|#|番|項目|は|を|が|も|の|って|これ|それ|この項目|その項目|この|その|うち|うちの会社|当社|弊社|わが社|我が社|自社|回答|ステータス|を?回答して|[\s:=、,。.()（）「」])/gi;

const LEADING_NOTE_FILLER =
  /^(?:[\s、,。.:：=()（）\-—–/]|です|でした|にします|にしました|にする|にして(?:ください)?|とします|とする|として|に変更(?:して(?:ください)?|します)?|で|に|へ|扱い|のまま|の?理由は|の?理由|メモは?|備考は?|コメントは?|because(?: of)?\b|since\b|due to\b|reason\b|note\b|comment\b)+/i;
const TRAILING_FILLER = /(?:[\s、,。.!！]|です|でした|します|しました|してください|お願いします|please)+$/i;
/** The rest of a verb after a status word: 達成|してる, 対応済み|です, done|already. Not a note. */
const VERB_TAIL = /^(?:\s*(?:(?:し|でき)(?:て(?:い)?(?:る|ます|ました)|た|ました|ます)|てる|てます|ています|済み?|です|でした|だ|よ|ね|already|now|yet|!|！))+/i;
/** An explicit note marker: what follows is the note, whatever words it contains. */
const NOTE_MARKER = /(理由|メモ|備考|コメント|証跡|エビデンス|※|reason|note|comment|because|since|due to|evidence)/i;
const URL = /https?:\/\/[^\s<>"'、。)）]+/i;
const EVIDENCE_LABEL = /(証跡|エビデンス|evidence)\s*[:：]?\s*/gi;
/** Dashes mean 対象外 in a sheet cell; in chat only as the last thing written ("115 -"). */
const DASH = /^[-‐－ー―—–]$/;
/** Short words that also occur in ordinary notes; they do not make a second status. */
const WEAK = new Set(["no", "yes", "y", "n", "x", "ok", "ng", "na", "done", "met", "complete", "completed", "はい", "いいえ", "済み"]);
/**
 * Bare words that are also acknowledgements, or only two letters (never an action on their own):
 * with only the item on screen, asked back with the choices rather than recorded.
 */
const WEAK_BARE = new Set(["はい", "いいえ", "yes", "ok", "ng", "done", "met", "complete", "completed", "済み", "implemented"]);
/** Too short to be meant as an answer without a number: typed by accident, or something else. */
const TOO_SHORT_BARE = new Set(["y", "n", "x", "na", "no", "-", "ー", "－", "―", "—", "–"]);

// What surrounds a status word, in the clause where it stands (never inside an explicit note).
/** Right after the status: it is denied. */
const NEGATED_AFTER =
  /^\s*(?:と(?:は|も)?|では|じゃ|でも|って)?\s*(?:ない|なく|なかった|ありません|ございません|言えない|いえない|言い難い|言いがたい|いいがたい|言い切れない|いいきれない|言えません|いえません|思えない|思いません|限らない|not\b)/i;
/** Right before the status: English negation ("isn't achieved", "not yet done", "never done"). */
const NEGATED_BEFORE = /(?:\bnot|n't|\bnever|\bno longer)\s+(?:(?:yet|really|been|be|quite)\s+)*$/i;
/** Between two statuses: the second corrects the first (「未達成ではなく達成」, "not X but Y"). */
const CORRECTION = /^\s*(?:(?:では|じゃ)なく(?:て)?|ではありません(?:でした)?で|じゃないです|じゃない|でなく|ではない|ではなくて|じゃなくって|というか|いや|いえ|訂正(?:して)?|→|->|=>|but\b|to\b|から|,?\s*sorry,?\s*(?:i mean\s*)?|i mean\b|actually\b|(?:->|→|=>)\s*actually\b)[\s、,。.:：]*$/i;
const DOUBT =
  /(かも|かもしれ|たぶん|多分|おそらく|恐らく|微妙|かどうか|か(?:は|も)?(?:分から|わから|不明|確認|未確認|調べ)|分からな|わからな|分かりませ|わかりませ|不明|確認中|要確認|未確認|はず|と思う|と思います|と思われ|気がする|だろう|でしょう|怪しい|あやしい|自信(?:が|は)?な|迷って|悩んで|判断(?:でき|つか|が難)|どっち(?!も)|どちら(?!も)|かな(?=$|[…。.!！?？、,\s]|ぁ|ー)|考え中|分からん|わからん|知らん|と言いたい|言いたいところ|したい|したく|目指|めざし|できれば|の場合(?:は|に|なら)?|場合によって|によっては|条件付き|であれば|\bif\b|\bdepending\b|\bunless\b|\bmaybe\b|\bprobably\b|\bperhaps\b|\bnot sure\b|\bunsure\b|\bunclear\b|\bi think\b|\bi guess\b|\bi believe\b|\bmight\b|\bshould be\b|\bnot certain\b|\bdon'?t know\b|\bno idea\b|\bhopefully\b|\bwant to\b)/i;
/** A plan or an expected date: not done yet. */
const PLAN =
  /(予定|見込み|見込|つもり|ように(?:頑張|がんば|努力|努め|します|する)|頑張ります|がんばります|努力します|取り組み中|取り組んでいます|計画(?!中)|来年|来期|来年度|再来年|今期中|今年度中|年度内|年内|今月中|来月|今後|これから|\bplan(?:ned|ning|s)?\b|\bwill\b|\bgoing to\b|\bnext (?:year|quarter|month|fiscal year|fy|term)\b|\bscheduled\b|\bby (?:the )?end of\b)/i;
/** Right after the status word: 「達成予定」「達成見込み」「対応予定」. */
const PLAN_AFTER = /^\s*(?:を|に|する|させる|できる|の)?\s*(?:予定|見込み|見込|つもり|目標|計画)/;
/** Only part of it is done. */
const PARTIAL =
  /(一部(?:の[^、。,\s]{0,8}?)?(?:のみ|だけ|しか)|部分的|半分|半ば|途中まで|一部分のみ|ほとんど|ほぼ|大部分|大半|概ね|おおむね|\bmostly\b|\balmost\b|\bnearly\b|\bpartial(?:ly)?\b|\bpartly\b|\bnot (?:fully|completely|entirely)\b|\bhalf\b)/i;
/** 「テスト環境だけ対応済み」「本社のみ実施」: only part of the scope is done. */
const PARTIAL_BEFORE = /(?:だけ|のみ|しか)\s*(?:は|で|が)?\s*$/;
/** 「No.150まで全部」「No.10以降」: an open range, whose start is not said. */
const OPEN_RANGE = /^\s*(?:まで|以降|以上|以下|から(?!\s*(?:no\.?\s*)?\d)|onwards|and (?:after|up))/i;
/** Doing words that, with a plan or a partial, make an answer without a status word. */
const ACTION = /(対応|実施|導入|整備|策定|作成|構築|運用|設定|実装|やる|やって|やら|でき|\bdo\b|\bdoing\b|\bimplement|\bdeploy|\bintroduc|\bset up\b|\broll(?:ing)? out\b)/i;
/** Past or finished forms of achieved: with a plan next to them, the message contradicts itself. */
const FINISHED = /(済|した|しています|している|してる|できて|done|implemented|achieved|completed|met)/i;

/** Separators between clauses: "No.25 は達成、No.26 は未達成", "121 達成 / 122 対象外". */
const SEPARATOR = /[、,，/／;；\n。]|\s[-–—]\s|\s{2,}/g;
/** An item reference at a position: No.115, #115, item 115, 項目115, 115番, 115, with ranges and lists. */
const ITEM_REF = new RegExp(
  String.raw`(?:第\s*\d{1,3}\s*項目|(?:\bno(?![a-z])\.?\s*|№\s*|#\s*|\bitems?\s*|項目\s*)-?\d{1,6}|(?<![\d.a-z第\-]|レベル|レベル\s|lv\.?\s?|level\s?|ver\.?\s?|fy\s?)\d{1,6}(?!\s*(?:回|日|時|分|年|月|%|人|件|歳|円|版|つ|個|名|社|点|台|拠点|部署|h\b|d\b|m\b)))(?!\d|\.\d)` +
    String.raw`(?:\s*(?:~|-|–|から|to|,|、|と|and|&)\s*(?:no\.?\s*|#)?\d{1,6}(?!\d|\.\d))*\s*(?:番(?!目))?`,
  "gi",
);

export const MAX_NOTE = 1000;

interface Span {
  start: number;
  end: number;
}

interface ClauseReading {
  nos: number[];
  /** the chosen status, when the clause settles one */
  choice?: string;
  unsure?: UnsureReason;
  /** every status the clause mentions (for asking back) */
  statuses: string[];
  /** where the note starts in the raw text (after the status phrase) */
  noteFrom: number;
  /** what stands before the status besides numbers and filler */
  leftover: string;
  hasStatus: boolean;
}

export function parseAnswer(text: string, choices: AnswerChoices): ParsedAnswer | null {
  const raw = text.trim();
  if (!raw) return null;
  const folded = fold(raw).toLowerCase();
  if (GUIDELINE_QUESTION.test(folded)) return null;

  // an explicit note marker (理由:, メモ:, because) starts a note: what it says is not read for
  // statuses, until a separator and an item with a status of its own start the next clause
  const allHits = choices.findStatuses(raw).filter((h) => !DASH.test(folded.slice(h.start, h.end)) || folded.slice(h.end).trim() === "");
  const allRefs = itemRefs(folded);
  const notes = noteSpans(folded, allHits, allRefs);
  const inNote = (pos: number) => notes.some((n) => pos >= n.start && pos < n.end);
  const hits = allHits.filter((h) => !inNote(h.start));
  const refs = allRefs.filter((r) => !inNote(r.start));
  // the text with its notes blanked out (same length): where negation, doubt and plans are read
  let masked = folded;
  for (const n of notes) masked = masked.slice(0, n.start) + " ".repeat(n.end - n.start) + masked.slice(n.end);

  const modifiers = DOUBT.test(masked) || PLAN.test(masked) || PARTIAL.test(masked);
  if (hits.length === 0 && !(modifiers && refs.length)) return null;

  const question = /[?？]\s*$/.test(raw) || QUESTION_END.test(raw) || QUESTION_START.test(folded);
  if (question) {
    const nos = refs.flatMap((r) => r.nos);
    return nos.length && hits.length ? { kind: "status-query", nos: [...new Set(nos)] } : null;
  }
  // 「No.150まで全部達成」: where the range starts is not said
  if (refs.some((r) => r.nos.length === 1 && OPEN_RANGE.test(masked.slice(r.end)))) return { kind: "unsure", nos: [...new Set(refs.flatMap((r) => r.nos))], reason: "ambiguous", statuses: [...new Set(hits.map((h) => h.id))] };

  const clauses = splitClauses(masked, hits, refs);
  const readings = clauses.map((c) => readClause(masked, c, hits, refs, choices));

  const parts: AnswerPart[] = [];
  const unclear: UnclearPart[] = [];
  for (const [i, r] of readings.entries()) {
    if (r.unsure) {
      unclear.push({ nos: r.nos, reason: r.unsure, statuses: r.statuses });
      continue;
    }
    if (!r.choice) return null;
    // a sentence is not an answer: "バックアップ体制は未達成で困っています"
    if (r.nos.length === 0 && (readings.length > 1 || r.leftover.length > 0)) return null;
    if (r.leftover.length > 20) return null;
    const end = i + 1 < readings.length ? clauses[i + 1].start : raw.length;
    const { note, evidence } = splitNote(raw.slice(r.noteFrom, end));
    parts.push({ nos: r.nos, choice: r.choice, ...(note ? { note } : {}), ...(evidence ? { evidence } : {}) });
  }
  // nothing clear, or a clause that names no item among others: ask back about all of it
  if (parts.length === 0 || unclear.some((u) => u.nos.length === 0)) {
    const first = unclear[0];
    if (!first) return null;
    return { kind: "unsure", nos: [...new Set(readings.flatMap((r) => r.nos))], reason: first.reason, statuses: [...new Set(readings.flatMap((x) => x.statuses))] };
  }

  // a bare status ("達成", "未達成 EDR未導入のため") needs a clear break before its note, and a
  // word that is also an acknowledgement ("はい", "done") is asked back rather than recorded
  if (parts.length === 1 && parts[0].nos.length === 0) {
    const r = readings[0];
    const word = folded.slice(hits[0]?.start ?? 0, hits[0]?.end ?? 0);
    const allWeak = hits.every((h) => WEAK_BARE.has(folded.slice(h.start, h.end)));
    const rest = raw.slice(hits[0]?.end ?? 0);
    if (TOO_SHORT_BARE.has(word)) return null;
    if (rest.trim() && !/^[\s、,。.:：=()（）\-—–]/.test(rest) && !LEADING_NOTE_FILLER.test(rest) && !VERB_TAIL.test(rest) && r.noteFrom <= (hits[0]?.end ?? 0)) return null;
    if (/^の(?!まま|理由)/.test(rest)) return null;
    if (allWeak && !parts[0].note) return { kind: "unsure", nos: [], reason: "weak", statuses: [parts[0].choice] };
  }
  return unclear.length ? { kind: "answer", parts, unclear } : { kind: "answer", parts };
}

/**
 * Where explicit notes run: from a note marker to the next item reference that follows a separator
 * and has a status of its own (「No.86 対象外(理由: IoT機器なし)/ No.87 未」), else to the end.
 */
function noteSpans(folded: string, hits: StatusHit[], refs: Ref[]): Span[] {
  const spans: Span[] = [];
  const markers = new RegExp(NOTE_MARKER.source, "gi");
  for (const m of folded.matchAll(markers)) {
    const start = m.index!;
    if (spans.some((s) => start >= s.start && start < s.end)) continue;
    let end = folded.length;
    for (const [i, r] of refs.entries()) {
      if (r.start <= start) continue;
      const nextRef = refs[i + 1]?.start ?? folded.length;
      const before = folded.slice(start, r.start);
      if (/[\/／;；\n。、,]\s*(?:[・\-*]\s*)?$/.test(before) && hits.some((h) => h.start >= r.end && h.start < nextRef)) {
        end = r.start;
        break;
      }
    }
    spans.push({ start, end });
  }
  return spans;
}

/** The status a short text means on its own (a sheet cell, a bare reply), or undefined when unclear. */
export function readBareStatus(text: string, choices: AnswerChoices): string | undefined {
  const r = parseAnswer(`No.1 ${text}`, choices);
  if (r?.kind !== "answer" || r.parts.length !== 1) return undefined;
  return r.parts[0].choice;
}

interface Ref extends Span {
  nos: number[];
}

function itemRefs(folded: string): Ref[] {
  const out: Ref[] = [];
  ITEM_REF.lastIndex = 0;
  for (const m of folded.matchAll(ITEM_REF)) {
    // 「第32項目」: the 32nd item, read as No.32
    const ordinal = /^第\s*(\d{1,3})\s*項目/.exec(m[0]);
    const nos = ordinal ? [Number(ordinal[1])] : findItemNumbers(m[0], { loose: true }).numbers;
    if (nos.length) out.push({ start: m.index!, end: m.index! + m[0].length, nos });
  }
  return out;
}

/**
 * Clauses of a message. A new clause starts at an item reference that comes after a separator,
 * once the current clause has a status, when that reference has a status (or a plan, a partial)
 * of its own before the next reference ("118と119は達成、120は未達成", "No.141 達成、No.142 は予定");
 * otherwise the numbers belong to the note ("未達成、2027年3月までに導入").
 */
function splitClauses(masked: string, hits: StatusHit[], refs: Ref[]): Span[] {
  const marks: Span[] = [...hits, ...spansOf(PLAN, masked), ...spansOf(PARTIAL, masked)];
  // doubt after a reference makes a clause of its own too: 「No.36 達成、No.37 はよく分からない」
  const ownMarks: Span[] = [...marks, ...spansOf(DOUBT, masked)];
  const starts = [0];
  let lastStart = 0;
  for (const [i, ref] of refs.entries()) {
    // a clause needs its own item and something said about it before the next one starts
    const clauseHasItem = refs.some((r) => r.start >= lastStart && r.end <= ref.start);
    const clauseHasStatus = marks.some((h) => h.start >= lastStart && h.end <= ref.start);
    if (!clauseHasItem || !clauseHasStatus) continue;
    const nextRef = refs[i + 1]?.start ?? masked.length;
    const ownStatus = ownMarks.some((h) => h.start >= ref.end && h.start < nextRef);
    const between = masked.slice(Math.max(lastStart, hitsEndBefore(marks, ref.start)), ref.start);
    SEPARATOR.lastIndex = 0;
    const separated = SEPARATOR.test(between) || /\s$/.test(between);
    if (ownStatus && separated) {
      starts.push(ref.start);
      lastStart = ref.start;
    }
  }
  return starts.map((s, i) => ({ start: s, end: starts[i + 1] ?? masked.length }));
}

function spansOf(re: RegExp, text: string): Span[] {
  return [...text.matchAll(new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g"))].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
}

function hitsEndBefore(hits: Span[], pos: number): number {
  let end = 0;
  for (const h of hits) if (h.end <= pos) end = Math.max(end, h.end);
  return end;
}

function readClause(folded: string, c: Span, allHits: StatusHit[], allRefs: Ref[], choices: AnswerChoices): ClauseReading {
  const noteLimit = c.end;
  const hits = allHits.filter((h) => h.start >= c.start && h.start < c.end);
  const refs = allRefs.filter((r) => r.start >= c.start && r.start < c.end);
  const head = folded.slice(c.start, c.end);
  const first = hits[0];

  // the items: the reference before the status ("115 達成"), or right after it ("達成: No.1〜3")
  const before = refs.filter((r) => !first || r.end <= first.start);
  const after = refs.filter((r) => first && r.start >= first.end && /^[\s:：=]*$/.test(folded.slice(first.end, r.start).replace(/\b(?:item|items|no)\b\.?/g, "")));
  const ref = before[0] ?? after[0];
  const nos = ref ? ref.nos : [];
  const numbersAfter = !before.length && after.length ? after[0] : undefined;

  const statusIds = [...new Set(hits.map((h) => h.id))];
  const base: ClauseReading = { nos, statuses: statusIds, noteFrom: c.end, leftover: "", hasStatus: hits.length > 0 };

  // what stands before the status besides numbers and filler: a sentence is not an answer
  const prefixEnd = first ? first.start : (refs[0]?.start ?? c.start);
  let leftover = folded.slice(c.start, prefixEnd);
  for (const r of before) leftover = leftover.replace(folded.slice(r.start, r.end), " ");
  leftover = leftover.replace(DOUBT, "").replace(PLAN, "").replace(PARTIAL, "").replace(/\s*(?:まだ|もう|すでに|既に|全部|全て|すべて|already|fully|all)\s*/g, "").replace(FILLER, "");
  base.leftover = leftover;

  const doubt = DOUBT.test(head);
  const plan = PLAN.test(head);
  const partialAnywhere = PARTIAL.test(head);

  if (!first) {
    // no status word: a plan or a partial with the item named is 未達成; doubt alone is asked back
    if (!nos.length) return { ...base, unsure: doubt ? "doubt" : undefined };
    if (doubt) return { ...base, unsure: "doubt" };
    const rest = head.replace(DOUBT, "").replace(PLAN, "").replace(PARTIAL, "");
    if ((plan || partialAnywhere) && (ACTION.test(rest) || rest.replace(FILLER, "").replace(/\d/g, "").length <= 12)) {
      const notAchieved = notAchievedId(choices);
      if (!notAchieved) return { ...base, unsure: "ambiguous" };
      // the note starts after the item reference
      return { ...base, choice: notAchieved, statuses: [notAchieved], noteFrom: refs[0] ? refs[0].end : c.start, leftover: "" };
    }
    return base;
  }

  // corrections: the last of "X ではなく Y" wins; then each remaining hit with its negation
  let chosen = first;
  for (const h of hits.slice(1)) {
    const between = folded.slice(chosen.end, h.start);
    if (CORRECTION.test(between) || (/^\s*(?:では|じゃ)?なく(?:て)?[\s、,]*/.test(between) && between.trim().length <= 6)) chosen = h;
  }
  const corrected = chosen !== first;
  let id = chosen.id;
  const afterHit = folded.slice(chosen.end, Math.min(c.end, chosen.end + 16));
  const beforeHit = folded.slice(c.start, chosen.start);
  const negated = NEGATED_AFTER.test(afterHit) || NEGATED_BEFORE.test(beforeHit);
  const partial = partialAnywhere || PARTIAL_BEFORE.test(beforeHit);

  if (doubt) return { ...base, unsure: "doubt" };
  const notAchieved = notAchievedId(choices);
  const isAchieved = choices.countsAsAchieved(id);
  if (negated) {
    // 「達成ではない」 is 未達成; 「未達成ではない」「対象外じゃない」 do not say which of the others
    if (isAchieved && notAchieved) id = notAchieved;
    else return { ...base, unsure: "negated" };
  }
  if (plan) {
    if (choices.excluded(id) || id === UNANSWERED) return { ...base, unsure: "ambiguous" };
    if (isAchieved) {
      const planRightAfter = PLAN_AFTER.test(afterHit);
      const word = folded.slice(chosen.start, chosen.end);
      // 「達成予定」 or 「来期に達成」 is 未達成; 「達成済み、来年も継続予定」 says two things
      if (!planRightAfter && FINISHED.test(word + afterHit.slice(0, 4))) return { ...base, unsure: "ambiguous" };
      if (!notAchieved) return { ...base, unsure: "ambiguous" };
      id = notAchieved;
    }
  }
  if (partial) {
    if (choices.excluded(id) || id === UNANSWERED) return { ...base, unsure: "ambiguous" };
    if (isAchieved) {
      if (!notAchieved) return { ...base, unsure: "ambiguous" };
      id = notAchieved;
    }
  }

  // another status than the one settled (besides those a correction replaced, and weak words that
  // also occur in notes) says something else about the same items: ask back
  for (const h of hits) {
    if (h === chosen || h.id === id || (corrected && h.start < chosen.start)) continue;
    if (WEAK.has(folded.slice(h.start, h.end))) continue;
    return { ...base, unsure: "ambiguous" };
  }

  // the note starts after the status phrase: its numbers, a negation, a plan word, a verb tail
  let from = chosen.end;
  if (numbersAfter) from = Math.max(from, numbersAfter.end);
  const negEnd = NEGATED_AFTER.exec(folded.slice(from, noteLimit));
  if (negated && negEnd) from += negEnd[0].length;
  const planEnd = PLAN_AFTER.exec(folded.slice(from, noteLimit));
  if (planEnd) from += planEnd[0].length;
  const tail = VERB_TAIL.exec(folded.slice(from, noteLimit));
  if (tail) from += tail[0].length;
  return { ...base, choice: id, noteFrom: from };
}

/** The choice a denial or a plan means: the one that neither counts as achieved nor is excluded. */
function notAchievedId(choices: AnswerChoices): string | undefined {
  const ids = choices.list.filter((x) => !x.counts_as_achieved && !x.excluded_from_denominator).map((x) => x.id);
  return ids.length === 1 ? ids[0] : undefined;
}

/** The note after the status, without the connecting words; a URL in it is the evidence link. */
export function splitNote(rest: string): { note?: string; evidence?: string } {
  let s = rest.replace(LEADING_NOTE_FILLER, "");
  let evidence: string | undefined;
  const url = URL.exec(s);
  if (url) {
    evidence = url[0];
    s = (s.slice(0, url.index) + s.slice(url.index + url[0].length)).replace(EVIDENCE_LABEL, "");
  }
  s = s.replace(TRAILING_FILLER, "").replace(LEADING_NOTE_FILLER, "").trim();
  // what is left only when it says something: verb endings, emoji and punctuation are not a note.
  // Not cut at MAX_NOTE here: the intents refuse a longer note in words (noteTooLong), since a
  // silently shortened note is a recorded note partly lost.
  const note = s && !isDebris(s) ? s : undefined;
  return { note, evidence };
}

/** 「してる」「👍」「!!」「です」: nothing a person meant to keep as a note. */
function isDebris(s: string): boolean {
  const t = s.replace(VERB_TAIL, "").replace(/[\p{P}\p{S}\p{Extended_Pictographic}\p{M}\s\u200d\ufe0f]/gu, "");
  return t.length === 0 || /^(?:w+|笑|草)$/i.test(t);
}

/** For tests and the help text: which choices a text mentions. */
export function statusesIn(text: string, choices: AnswerChoices): StatusHit[] {
  return choices.findStatuses(text);
}
