// The registry. Order matters: the pattern stage asks each intent in this order and the first
// match wins, so specific intents (recording an answer, booking a session) come before general
// ones (showing an item). The fallback takes what nobody claims.
import type { Intent } from "../src/core/intent.ts";
import { help } from "./help.ts";
import { showItem } from "./show-item.ts";
import { listItems } from "./list-items.ts";
import { ask } from "./ask.ts";
import { faq } from "./faq.ts";
import { glossary } from "./glossary.ts";
import { feedback } from "./feedback.ts";
import { unanswered } from "./unanswered.ts";

export function allIntents(): Intent[] {
  return [
    help,
    // --- booking the consultation sessions (issue 5) ---
    // --- recording answers, progress, export (issue 4) ---
    // --- the knowledge base (issues 2 and 3) ---
    listItems,
    showItem,
    faq,
    glossary,
    feedback,
    unanswered,
  ] as Intent[];
}

export const fallbackIntent = ask as Intent;
