// Reads an answer written in chat: "No.115は達成", "115 未達成 EDR未導入のため", "No.1〜3 達成",
// "mark 124 as achieved", "124 対象外 理由: 該当システムなし". What follows the status is the note
// (a URL in it becomes the evidence link). Anything unclear is reported as such, never guessed:
// two different statuses, or a status word with no item to attach it to.
import { findItemNumbers } from "../nlu/item-numbers.ts";
import { fold, type AnswerChoices, type StatusHit } from "./choices.ts";

export type ParsedAnswer =
  /** nos empty: a bare status ("達成", "未達成 EDR未導入"), meant for the item on screen. */
  | { kind: "answer"; nos: number[]; choice: string; note?: string; evidence?: string }
  /** "No.115は達成?": a question about the company's current answer. */
  | { kind: "status-query"; nos: number[] }
  /** Two different statuses in one message: ask back. */
  | { kind: "ambiguous"; nos: number[]; statuses: string[] };

/** Questions about the guideline that happen to contain a status word: not answers. */
const QUESTION =
  /(達成条件|達成基準|達成要件|達成とみな|達成(する|させる|の)(には|ため|方法)|達成率|達成状況|達成度|達成に(は|必要)|対象外(とは|って|の意味|にでき|になる|にして(いい|よい|も)|の条件|の基準|の判断|かどうか|の例)|とは[?？]?$|って何|ってなに|どういう|what counts|achieved when|achievement rate|how (do|can|to|should|is)|what (does|is)|what's|\bmean(s|ing)?\b|\bdefin)/i;

/** Sentence endings and openings that make a question even without a question mark. */
const QUESTION_END = /(ですか|ますか|でしょうか|ませんか|かな|のか|か)[。.!！]?\s*$/;
const QUESTION_START = /^\s*(is|are|does|do|did|can|could|should|has|have|was|were|will|would)\b/i;

/** Words around the numbers and the status that carry no meaning of their own. */
const PREFIX_FILLER =
  /(mark(ed)?|set|record|update|change|item|items|number|answer(ed)?|for|as|to|is|are|the|was|were|our|we|status|of|please|no\.?|#|番|項目|は|を|が|も|の|これ|それ|この項目|その項目|この|その|うち|当社|弊社|回答|ステータス|を?回答して|[\s:=、,。.()（）「」])/gi;

const LEADING_NOTE_FILLER =
  /^(?:[\s、,。.:：=()（）\-—–]|です|でした|にします|にしました|にする|にして(?:ください)?|とします|とする|として|に変更(?:して(?:ください)?|します)?|で|に|へ|扱い|のまま|の?理由は|の?理由|メモは?|備考は?|コメントは?|because(?: of)?\b|since\b|due to\b|reason\b|note\b|comment\b)+/i;
const TRAILING_FILLER = /(?:[\s、,。.!！]|です|でした|します|しました|してください|お願いします|please)+$/i;
/** An explicit note marker: what follows is the note, whatever words it contains. */
const NOTE_MARKER = /(理由|メモ|備考|コメント|証跡|reason|note|comment|because|since|due to)/i;
const URL = /https?:\/\/[^\s<>"'、。)）]+/i;
const EVIDENCE_LABEL = /(証跡|エビデンス|evidence)\s*[:：]?\s*/gi;
/** Dashes mean 対象外 in a sheet cell; in chat only as the last thing written ("115 -"). */
const DASH = /^[-‐－ー―—–]$/;
/** Short words that also occur in ordinary notes; they do not make a second status. */
const WEAK = new Set(["no", "yes", "y", "n", "x", "ok", "ng", "na", "done", "met", "complete", "completed", "はい", "いいえ", "済み"]);

export const MAX_NOTE = 1000;

export function parseAnswer(text: string, choices: AnswerChoices): ParsedAnswer | null {
  const raw = text.trim();
  if (!raw) return null;
  const folded = fold(raw).toLowerCase();
  if (QUESTION.test(folded)) return null;

  const hits = choices.findStatuses(raw).filter((h) => {
    const word = folded.slice(h.start, h.end);
    return !DASH.test(word) || folded.slice(h.end).trim() === "";
  });
  if (hits.length === 0) return null;
  const first = hits[0];
  const prefix = raw.slice(0, first.start);
  let suffix = raw.slice(first.end);
  let suffixStart = first.end;

  // the item numbers: before the status ("115 達成"), or right after it ("達成: No.1〜3")
  let nos = findItemNumbers(prefix, { loose: true }).numbers;
  if (nos.length === 0) {
    const lead = /^\s*[:：=]?\s*((?:no\.?\s*|#|item\s*)?\d{1,4}(?:\s*(?:~|〜|～|-|–|から|to|,|、|と|and)\s*(?:no\.?\s*)?\d{1,4})*\s*(?:番)?)/i.exec(fold(suffix));
    if (lead) {
      nos = findItemNumbers(lead[1], { loose: true }).numbers;
      suffix = suffix.slice(lead[0].length);
      suffixStart += lead[0].length;
    }
  }
  // what else the prefix says, besides the numbers and filler: a sentence is not an answer
  const leftover = fold(prefix)
    .replace(/(?:no\.?|#|item|項目)?\s*\d{1,4}(?:\s*(?:~|-|–|から|to|,|、|と|and)\s*(?:no\.?\s*)?\d{1,4})*\s*(?:番)?/gi, "")
    .replace(PREFIX_FILLER, "");
  if (nos.length === 0 && leftover.length > 0) return null;
  if (leftover.length > 20) return null;

  // a question ("No.115は達成?", "115は対象外になりますか", "is 115 achieved"): never recorded
  if (/[?？]\s*$/.test(raw) || QUESTION_END.test(raw) || QUESTION_START.test(folded)) return nos.length ? { kind: "status-query", nos } : null;

  // a second, different status before any explicit note marker: ask back
  const marker = NOTE_MARKER.exec(fold(suffix).toLowerCase());
  const noteFrom = marker ? suffixStart + marker.index : raw.length;
  const others = new Set<string>();
  for (const h of hits.slice(1)) {
    if (h.start >= noteFrom || h.id === first.id) continue;
    if (WEAK.has(folded.slice(h.start, h.end))) continue;
    others.add(h.id);
  }
  if (others.size > 0) return { kind: "ambiguous", nos, statuses: [first.id, ...others] };

  // a bare status ("達成", "未達成 EDR未導入のため") needs a clear break before its note
  if (nos.length === 0 && suffix.trim() && !/^[\s、,。.:：=()（）\-—–]/.test(suffix) && !LEADING_NOTE_FILLER.test(suffix) && !/^(?:です|でした)/.test(suffix))
    return null;
  if (nos.length === 0 && /^の(?!まま|理由)/.test(suffix)) return null;

  const { note, evidence } = splitNote(suffix);
  return { kind: "answer", nos, choice: first.id, ...(note ? { note } : {}), ...(evidence ? { evidence } : {}) };
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
  // not cut at MAX_NOTE here: the intents refuse a longer note in words (noteTooLong), since a
  // silently shortened note is a recorded note partly lost
  const note = s || undefined;
  return { note, evidence };
}

/** For tests and the help text: which choices a text mentions. */
export function statusesIn(text: string, choices: AnswerChoices): StatusHit[] {
  return choices.findStatuses(text);
}
