// What an intent is: one file in intents/ with its examples, zod parameters and handler.
import type { z } from "zod";
import type { Lang, Reply } from "./reply.ts";
import type { Turn } from "./turn.ts";
import type { Logger } from "./logger.ts";
import type { Services } from "./services.ts";
import type { ConversationData } from "./conversation-state.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";

export type Role = "member" | "admin" | "secretariat";

export interface Caller {
  userId: string;
  orgId: string;
  orgName?: string;
  displayName?: string;
  roles: ReadonlySet<Role>;
  /** The language stored for this person (their choice, or what they last wrote clearly). */
  lang?: Lang;
}

export interface IntentContext {
  turn: Turn;
  lang: Lang;
  caller: Caller;
  /** This user's state in this conversation; changes are saved after the handler returns. */
  state: ConversationData;
  services: Services;
  log: Logger;
  /** The turn's time (its receivedAt): every decision about time in a turn uses this one clock. */
  now: Date;
  /** The message text when the turn was text (for logging questions, follow-ups). */
  text?: string;
}

export interface MatchContext {
  state: ConversationData;
  lang: Lang;
  /** The normalised message (NFKC, lower case). */
  normalized: string;
  /** The message came with attached files. */
  hasFiles: boolean;
  /** Who is asking (for per-user budgets); absent in tests that match text alone. */
  userId?: string;
  /** The knowledge base, for patterns that name its areas or terms. */
  kb?: Knowledge;
  /** The turn's time (its receivedAt): pending questions expire against it, never the wall clock. */
  now: Date;
}

export interface Intent<P = Record<string, unknown>> {
  name: string;
  /** One line for help and for the LLM's tool description. */
  description: { ja: string; en: string };
  /** Phrases that mean this intent; the fuzzy stage matches short messages against them. */
  examples: { ja: string[]; en: string[] };
  /** Validates parameters from every source: patterns, buttons (untrusted), the LLM. */
  params: z.ZodType<P>;
  /** Pattern stage: parameters when the text clearly asks for this intent, else null. */
  match?: (text: string, ctx: MatchContext) => Record<string, unknown> | null;
  /**
   * Parameters when the fuzzy stage picked this intent from its examples; null when the message
   * lacks what the intent needs after all (then the fallback takes it).
   */
  extract?: (text: string, ctx: MatchContext) => Record<string, unknown> | null;
  /**
   * Reads attached files: when a message carries files, these intents are asked first, so a
   * pending question ("what topic would you bring?") does not swallow an uploaded sheet.
   */
  acceptsFiles?: boolean;
  /**
   * Its replies are about the caller (their bookings, their invite): in a shared channel only the
   * caller sees them (the pipeline marks every reply private).
   */
  personal?: boolean;
  /** Who may call it; default: any member of the organisation. */
  role?: Role;
  /**
   * It changes nothing and sends nothing anywhere but back to the asker: the fuzzy stage may pick
   * it from a guess. Everything else (record, undo, export, lock, book, cancel, the secretariat's
   * commands) needs an explicit phrase, a button or a number from the menu on screen.
   */
  readOnly?: boolean;
  /**
   * The optional LLM may pick this intent by tool calling. Only read-only intents opt in: the
   * model never records answers, books or cancels; deterministic code does.
   */
  llm?: boolean;
  /**
   * Why its handler needs rows of other companies (seats and waitlists shared by everyone, the
   * supplier roll-out between two companies, the secretariat's views). Without it the handler runs
   * behind the tenant walls: on PostgreSQL its statements see and write only the caller's
   * organisation, whatever filter they forget (src/db/walls.ts). Which intents may say so is fixed
   * by test/unit/boundaries.test.ts.
   */
  spansCompanies?: string;
  handle(params: P, ctx: IntentContext): Promise<Reply>;
}

/** Helps TypeScript infer P from the zod schema. */
export function defineIntent<S extends z.ZodType>(intent: Intent<z.infer<S>> & { params: S }): Intent<z.infer<S>> {
  return intent;
}
