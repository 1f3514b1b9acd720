// The rules one answer must meet, wherever it is given (chat, the web console): the item exists,
// the choice is one of the configured ones, a choice that needs a reason has one (対象外), the note
// fits, and the evidence is a web address. Pure, so every front door refuses the same things.
import type { Knowledge } from "../knowledge/knowledge.ts";
import { UNANSWERED, type AnswerChoices } from "./choices.ts";
import { MAX_NOTE } from "./parse-answer.ts";

export const MAX_EVIDENCE = 2000;

export type AnswerProblem =
  | { code: "no_item"; no: number }
  | { code: "bad_choice"; choice: string }
  | { code: "reason_required"; choice: string }
  | { code: "note_too_long"; length: number; max: number }
  | { code: "bad_evidence" };

export interface ProposedAnswer {
  no: number;
  choice: string;
  note?: string;
  evidence?: string;
}

export function checkAnswer(kb: Knowledge, choices: AnswerChoices, a: ProposedAnswer): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  if (!Number.isInteger(a.no) || !kb.item(a.no)) problems.push({ code: "no_item", no: a.no });
  if (!choices.isStatus(a.choice)) problems.push({ code: "bad_choice", choice: a.choice });
  else if (a.choice !== UNANSWERED && choices.requiresReason(a.choice) && !a.note?.trim()) problems.push({ code: "reason_required", choice: a.choice });
  if (a.note && a.note.length > MAX_NOTE) problems.push({ code: "note_too_long", length: a.note.length, max: MAX_NOTE });
  if (a.evidence && (a.evidence.length > MAX_EVIDENCE || !/^https?:\/\/[^\s<>"]+$/.test(a.evidence))) problems.push({ code: "bad_evidence" });
  return problems;
}
