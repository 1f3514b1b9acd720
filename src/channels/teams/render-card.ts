// Renders a neutral Reply as one Teams message: `text` (Teams markdown, escaped) plus an Adaptive
// Card (schema 1.5). Every string from the Reply is treated as plain text, because some of it
// comes from people or from an LLM: markdown control characters are escaped so nothing can turn
// into bold text, lists or disguised links, and HTML is entity-escaped in the message text.
// Limits: Teams refuses messages over about 28 KB, so texts are clipped, buttons capped, and the
// card shortened (with a note) when it would still be too large.
import type { ActionRef } from "../../core/turn.ts";
import type { Block, Choice, ItemCard, ListEntry, ProgressRow, Reply } from "../../core/reply.ts";

export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
const SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
/** The card's JSON budget; the rest of the 28 KB goes to the activity envelope and `text`. */
export const MAX_CARD_BYTES = 24_000;
/** Characters of `text` on the message (Japanese is 3 bytes per character in UTF-8). */
const MAX_MESSAGE_TEXT = 1000;
const MAX_LINE = 1500;
const MAX_SECTION_LINES = 40;
const MAX_BUTTON_TITLE = 60;
/** More buttons than this is not a usable card anyway. */
export const MAX_ACTIONS = 30;
/** Teams shows about five or six buttons in a row before it folds them away. */
const ACTIONS_PER_SET = 5;
/** The Action.Submit data: as Slack's button value, oversized data is dropped, not truncated. */
const MAX_DATA = 2000;
const TRUNCATED = "(長いため一部を省略しました / Shortened: the answer was too long for one card)";

export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: "1.5";
  body: CardElement[];
  fallbackText?: string;
  msteams?: { width: "Full" };
}

export interface TeamsMessage {
  type: "message";
  /** Only for messages without a card: with one, Teams would show the text above the card again. */
  text?: string;
  /** What notifications and the chat list show for a card message. */
  summary?: string;
  textFormat: "markdown";
  attachments?: { contentType: typeof CARD_CONTENT_TYPE; content: AdaptiveCard }[];
}

/** The data an Action.Submit / Action.Execute carries: the action, compactly, like Slack's value. */
export function encodeCardAction(action: ActionRef): { i: string; p: Record<string, unknown> } | undefined {
  const data = { i: action.intent, p: action.params };
  return JSON.stringify(data).length <= MAX_DATA ? data : undefined;
}

/**
 * Reads submitted card data back; null when it is not ours or not well-formed. Teams delivers an
 * object; a JSON string is accepted too (older clients, hand-written cards).
 */
export function decodeCardAction(value: unknown): ActionRef | null {
  let v = value;
  if (typeof v === "string") {
    if (v.length > MAX_DATA) return null;
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const { i, p } = v as { i?: unknown; p?: unknown };
  if (typeof i !== "string" || !i || !p || typeof p !== "object" || Array.isArray(p)) return null;
  if (JSON.stringify(p).length > MAX_DATA) return null;
  return { intent: i, params: p as Record<string, unknown> };
}

/** Shortens to at most n UTF-16 units, never splitting an emoji into a lone surrogate (not valid text). */
function clip(s: string, n: number): string {
  if (s.length <= n) return s;
  const cut = n - 1;
  const code = s.charCodeAt(cut - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut) + "…";
}

/**
 * Escapes the markdown subset Adaptive Cards render in TextBlock and Fact (bold, italic, lists,
 * links), so the text shows exactly as written. HTML is not rendered in cards at all.
 */
export function escapeCardMarkdown(s: string): string {
  return s
    .replace(/\\/g, "\\\\")
    .replace(/([*_~`[\]])/g, "\\$1")
    .replace(/^(\s*)([-+])(\s)/gm, "$1\\$2$3")
    .replace(/^(\s*)(\d+)\.(\s)/gm, "$1$2\\.$3");
}

/** Escapes the message `text`: Teams renders markdown there and a subset of HTML. */
export function escapeTeamsMarkdown(s: string): string {
  return escapeCardMarkdown(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/^(\s*)#/gm, "$1\\#");
}

interface RenderState {
  actions: number;
  omittedActions: boolean;
}

function textBlock(text: string, extra: CardElement = {}): CardElement {
  return { type: "TextBlock", text: escapeCardMarkdown(clip(text, MAX_LINE)), wrap: true, ...extra };
}

/**
 * Multi-line text as one TextBlock per line: line breaks inside one TextBlock render differently
 * across Teams clients, separate blocks render the same everywhere.
 */
function lines(text: string, extra: CardElement = {}): CardElement[] {
  const all = text.split(/\r?\n/);
  const kept = all.slice(0, MAX_SECTION_LINES);
  if (all.length > kept.length) kept.push("…");
  const out: CardElement[] = [];
  let gap = false;
  for (const line of kept) {
    if (!line.trim()) {
      gap = true;
      continue;
    }
    out.push(textBlock(line, { ...extra, ...(out.length && !gap ? { spacing: "None" } : {}) }));
    gap = false;
  }
  return out;
}

function submit(choice: Choice | { label: string; action: ActionRef }, state: RenderState): CardElement | undefined {
  const data = encodeCardAction(choice.action);
  if (!data) return undefined;
  if (state.actions >= MAX_ACTIONS) {
    state.omittedActions = true;
    return undefined;
  }
  state.actions++;
  const action: CardElement = { type: "Action.Submit", title: clip(choice.label, MAX_BUTTON_TITLE), data };
  if ("style" in choice && choice.style) action.style = choice.style === "danger" ? "destructive" : "positive";
  return action;
}

function actionSets(choices: Choice[], state: RenderState): CardElement[] {
  const actions = choices.map((c) => submit(c, state)).filter((a): a is CardElement => Boolean(a));
  const out: CardElement[] = [];
  for (let i = 0; i < actions.length; i += ACTIONS_PER_SET)
    out.push({ type: "ActionSet", actions: actions.slice(i, i + ACTIONS_PER_SET) });
  return out;
}

function bulletLines(body: string | string[]): string {
  return Array.isArray(body) ? body.map((b) => `• ${b}`).join("\n") : body;
}

function itemCard(c: ItemCard, state: RenderState): CardElement[] {
  const out: CardElement[] = [textBlock(`No.${c.no} ${c.title}`, { size: "Medium", weight: "Bolder" })];
  const meta = [c.levelLabel, c.areaLabel].filter(Boolean).join("  |  ");
  if (meta) out.push(textBlock(meta, { isSubtle: true, spacing: "None" }));
  if (c.answer)
    out.push({
      type: "Container",
      style: "accent",
      items: [textBlock(c.answer.label, { weight: "Bolder" }), ...(c.answer.detail ? lines(c.answer.detail) : [])],
    });
  for (const s of c.sections) {
    out.push(textBlock(s.label, { weight: "Bolder", separator: true }));
    out.push(...lines(bulletLines(s.body)));
  }
  if (c.related.length) {
    out.push(textBlock("関連 / Related", { weight: "Bolder", separator: true }));
    out.push(...lines(c.related.map((r) => `• No.${r.no} ${r.title}`).join("\n")));
  }
  out.push(...lines(c.footer, { isSubtle: true, size: "Small" }));
  out.push(...actionSets(c.actions, state));
  return out;
}

/** A list entry with an action is a row with its own button (and the whole row clickable). */
function listEntry(e: ListEntry, state: RenderState): CardElement {
  const label = textBlock(e.label);
  const detail = e.detail ? [textBlock(e.detail, { isSubtle: true, spacing: "None" })] : [];
  const action = e.action ? submit({ label: "開く / Open", action: e.action }, state) : undefined;
  if (!action) return { type: "Container", items: [textBlock(`• ${e.label}`), ...detail] };
  return {
    type: "ColumnSet",
    selectAction: action,
    columns: [
      { type: "Column", width: "stretch", verticalContentAlignment: "Center", items: [label, ...detail] },
      { type: "Column", width: "auto", verticalContentAlignment: "Center", items: [{ type: "ActionSet", actions: [action] }] },
    ],
  };
}

function progressRow(r: ProgressRow): CardElement {
  const rate = Math.min(1, Math.max(0, r.rate ?? (r.total ? r.done / r.total : 0)));
  const filled = Math.round(rate * 10);
  const bar = "█".repeat(filled) + "░".repeat(10 - filled);
  return textBlock(`${r.label}  ${bar}  ${Math.round(rate * 100)}% (${r.done}/${r.total})${r.detail ? `  ${r.detail}` : ""}`, {
    fontType: "Monospace",
    spacing: "Small",
  });
}

function renderBlock(b: Block, state: RenderState): CardElement[] {
  switch (b.type) {
    case "text":
      return lines(b.text);
    case "heading":
      return b.text.trim() ? [textBlock(b.text, { size: "Medium", weight: "Bolder" })] : [];
    case "context":
      return lines(b.text, { isSubtle: true, size: "Small" });
    case "divider":
      return [];
    case "fields":
      return [
        {
          type: "FactSet",
          facts: b.fields.map((f) => ({ title: escapeCardMarkdown(clip(f.label, 200)), value: escapeCardMarkdown(clip(f.value, MAX_LINE)) })),
        },
      ];
    case "item":
      return itemCard(b.card, state);
    case "list":
      return [
        ...(b.title ? [textBlock(b.title, { weight: "Bolder" })] : []),
        ...(b.entries.length ? b.entries.map((e) => listEntry(e, state)) : [textBlock("—")]),
        ...(b.footer ? lines(b.footer, { isSubtle: true, size: "Small" }) : []),
      ];
    case "choices":
      return [...(b.prompt ? lines(b.prompt) : []), ...actionSets(b.choices, state)];
    case "progress":
      return [...(b.title ? [textBlock(b.title, { weight: "Bolder" })] : []), ...b.rows.map(progressRow)];
    case "file": {
      // Teams cannot take the bytes in a bot message: the pipeline gave each file a short-lived
      // signed link (GET /files/:token), shown as a download button. Without a link (no
      // PUBLIC_BASE_URL) the pipeline adds a note saying so; the card only names the file.
      const title = `📄 ${b.file.title ?? b.file.name}`;
      if (b.file.url && /^https:\/\//.test(b.file.url))
        return [
          textBlock(title, { weight: "Bolder" }),
          { type: "ActionSet", actions: [{ type: "Action.OpenUrl", title: "ダウンロード / Download", url: b.file.url }] },
        ];
      // A link that is not https (PUBLIC_BASE_URL set to http://) is a setting to fix: say so.
      if (b.file.url)
        return lines(
          `${title}: ファイルを作成しました。Teams で受け取るにはダウンロード用リンクの公開URL(PUBLIC_BASE_URL)が https である必要があります(ターミナル版と Slack では受け取れます)。\n` +
            `The file is ready. Receiving it in Teams needs the bot's public URL (PUBLIC_BASE_URL) to be https (the terminal and Slack versions deliver it).`,
        );
      return lines(
        `${title}: ファイルを作成しましたが、Teams ではお送りできません(Slack とターミナル版では受け取れます)。\n` +
          `The file is ready, but it cannot be delivered in Teams (the Slack and terminal versions deliver it).`,
      );
    }
  }
}

function byteSize(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v), "utf8");
}

/**
 * Adds separators for divider blocks. Every block is shown, the one repeating the reply's text
 * included: a card message carries no `text` (only a `summary`, which Teams shows in
 * notifications and the chat list, not in the conversation), so the card is all the reader sees.
 */
function cardBody(reply: Reply, state: RenderState): CardElement[] {
  const body: CardElement[] = [];
  let separate = false;
  for (const b of reply.blocks) {
    if (b.type === "divider") {
      separate = body.length > 0;
      continue;
    }
    const els = renderBlock(b, state);
    if (els.length && separate) els[0] = { ...els[0], separator: true, spacing: "Medium" };
    if (els.length) separate = false;
    body.push(...els);
  }
  return body;
}

/** Drops trailing elements (keeping the last button row) until the card fits, and says so. */
function fit(card: AdaptiveCard): AdaptiveCard {
  if (byteSize(card) <= MAX_CARD_BYTES) return card;
  const body = [...card.body];
  const last = body[body.length - 1];
  const tail = last?.type === "ActionSet" ? [body.pop()!] : [];
  const note = textBlock(TRUNCATED, { isSubtle: true, size: "Small", separator: true });
  // Element sizes are measured once (plus one byte for the comma), so shortening stays linear.
  let total = byteSize({ ...card, body: [note, ...tail] });
  const sizes = body.map((e) => byteSize(e) + 1);
  let keep = 0;
  while (keep < body.length && total + sizes[keep] <= MAX_CARD_BYTES) total += sizes[keep++];
  return { ...card, body: [...body.slice(0, keep), note, ...tail] };
}

export function renderCard(reply: Reply): TeamsMessage {
  const state: RenderState = { actions: 0, omittedActions: false };
  const text = escapeTeamsMarkdown(clip(reply.text, MAX_MESSAGE_TEXT));
  // A reply that says nothing but its own text, short enough not to be clipped, is a plain message.
  const content = reply.blocks.filter((b) => b.type !== "divider");
  if (reply.text.length <= MAX_MESSAGE_TEXT && content.every((b) => b.type === "text") && content.map((b) => (b as { text: string }).text).join("\n").trim() === reply.text.trim())
    return { type: "message", text, textFormat: "markdown" };
  const body = cardBody(reply, state);
  if (state.omittedActions) body.push(textBlock("(ボタンの一部を省略しました / Some buttons were left out)", { isSubtle: true, size: "Small" }));
  if (body.length === 0) return { type: "message", text, textFormat: "markdown" };
  const card = fit({
    type: "AdaptiveCard",
    $schema: SCHEMA,
    version: "1.5",
    body,
    // shown by clients that cannot render the card, and it "may contain markdown": escaped like the rest
    fallbackText: escapeCardMarkdown(clip(reply.text, 500)),
    msteams: { width: "Full" },
  });
  return { type: "message", summary: clip(reply.text.split("\n").find((l) => l.trim()) ?? reply.text, 200), textFormat: "markdown", attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }] };
}
