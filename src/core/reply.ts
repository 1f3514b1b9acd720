// The neutral answer of an intent: text plus typed blocks. Each adapter renders it its own way
// (Block Kit, Adaptive Cards, numbered plain text) without knowing what the intent was.
import type { ActionRef } from "./turn.ts";

export type Lang = "ja" | "en";

export interface Choice {
  label: string;
  action: ActionRef;
  style?: "primary" | "danger";
}

export interface ItemCardSection {
  label: string;
  body: string | string[];
}

/** One check-sheet item as a card. Grows with the knowledge base; renderers show what is present. */
export interface ItemCard {
  no: number;
  status: "known" | "unknown";
  title: string;
  /** e.g. "レベル1" */
  levelLabel?: string;
  areaLabel?: string;
  sections: ItemCardSection[];
  related: { no: number; title: string }[];
  /** Footnote: sources, version, and that achieved_when is our reading. */
  footer: string;
  /** The company's current answer to this item (private data). */
  answer?: { label: string; detail?: string };
  actions: Choice[];
}

export interface ProgressRow {
  label: string;
  done: number;
  total: number;
  /** 0..1, already computed by the domain module */
  rate?: number;
  detail?: string;
}

export interface ListEntry {
  label: string;
  detail?: string;
  action?: ActionRef;
}

export interface FileAttachment {
  name: string;
  mime: string;
  data: Buffer;
  title?: string;
  /** A short-lived signed download link to the same file (Teams cannot take the bytes). */
  url?: string;
}

export type Block =
  | { type: "text"; text: string }
  | { type: "heading"; text: string }
  | { type: "fields"; fields: { label: string; value: string }[] }
  | { type: "item"; card: ItemCard }
  | { type: "list"; title?: string; entries: ListEntry[]; footer?: string }
  | { type: "choices"; prompt?: string; choices: Choice[] }
  | { type: "progress"; title?: string; rows: ProgressRow[] }
  | { type: "file"; file: FileAttachment }
  | { type: "context"; text: string }
  | { type: "divider" };

export interface Reply {
  /** Plain-text summary; notifications and fallbacks show it. Never empty. */
  text: string;
  blocks: Block[];
  /**
   * Contains a company's own data: show it only to the asker (Slack ephemeral, Teams personal
   * chat) when the conversation is not a personal one.
   */
  private?: boolean;
  /**
   * Must reach the person even if it cannot be delivered now (a booking's confirmation and its
   * invite): the durable outbox message that delivers it later, through their stored conversation.
   */
  redeliver?: { kind: string; payload: Record<string, string> };
}

export function textReply(text: string, extra: Block[] = []): Reply {
  return { text, blocks: [{ type: "text", text }, ...extra] };
}

/** Picks the text for the user's language. */
export function tr(lang: Lang, ja: string, en: string): string {
  return lang === "en" ? en : ja;
}

/** Both languages in one string, Japanese first: for texts everyone sees (help, errors). */
export function both(ja: string, en: string): string {
  return `${ja}\n${en}`;
}

/** Every button of a reply, in the order shown (item cards' buttons, then choice rows). */
export function replyChoices(reply: Reply): Choice[] {
  return reply.blocks.flatMap((b) => (b.type === "item" ? b.card.actions : b.type === "choices" ? b.choices : []));
}
