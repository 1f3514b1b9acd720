// Renders a neutral Reply as Slack Block Kit, inside Slack's limits (50 blocks, 3000 characters
// per text object, 150 per header, 75 per button label, 25 elements per actions block, 2000 per
// button value; https://docs.slack.dev/reference/block-kit/blocks). Every text is escaped: Slack
// treats &, < and > as control characters (<!channel>, links). No text object is ever empty:
// Slack refuses the whole message (invalid_blocks) when one is ("minimum length is 1").
import type { ActionRef } from "../../core/turn.ts";
import type { Block, Choice, Reply } from "../../core/reply.ts";

export const ACTION_PREFIX = "jama:";
const MAX_BLOCKS = 50;
const MAX_SECTION = 2900;
const MAX_HEADER = 150;
const MAX_BUTTON_LABEL = 75;
const MAX_VALUE = 2000;
const MAX_ACTIONS_PER_BLOCK = 25;
const TRUNCATED = "(一部を省略しました / truncated)";

type SlackBlock = Record<string, unknown>;

export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Shortens to at most n UTF-16 units. Never splits a surrogate pair (an emoji cut in half is a
 * lone surrogate: not valid text) and, in escaped mrkdwn, never leaves half an entity ("&am…").
 */
function clip(s: string, n: number): string {
  if (s.length <= n) return s;
  let cut = n - 1;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return s.slice(0, cut).replace(/&[a-z]{0,3}$/, "") + "…";
}

const blank = (s: string | undefined): boolean => !s || !s.trim();

/** A section of mrkdwn, or nothing when the text is empty (Slack refuses an empty text). */
function section(text: string): SlackBlock[] {
  return blank(text) ? [] : [{ type: "section", text: { type: "mrkdwn", text: clip(text, MAX_SECTION) } }];
}

/**
 * Lines of mrkdwn as few sections as fit, so a long text or list is split rather than cut at
 * 3000 characters (only the 50-block budget can still shorten it).
 */
function sections(lines: string[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  let cur = "";
  for (const raw of lines) {
    const line = clip(raw, MAX_SECTION);
    if (cur && cur.length + 1 + line.length > MAX_SECTION) {
      out.push(...section(cur));
      cur = "";
    }
    cur = cur ? `${cur}\n${line}` : line;
  }
  out.push(...section(cur));
  return out;
}

function context(text: string): SlackBlock[] {
  return blank(text) ? [] : [{ type: "context", elements: [{ type: "mrkdwn", text: clip(text, MAX_SECTION) }] }];
}

function header(text: string): SlackBlock[] {
  // plain_text: shown as typed, so no escaping; a header holds one line
  const t = text.replace(/\s+/g, " ").trim();
  return t ? [{ type: "header", text: { type: "plain_text", text: clip(t, MAX_HEADER), emoji: true } }] : [];
}

/** The button value: the action, compactly; too long a value is dropped rather than truncated. */
export function encodeAction(action: ActionRef): string | undefined {
  const value = JSON.stringify({ i: action.intent, p: action.params });
  return value.length <= MAX_VALUE ? value : undefined;
}

/** Reads a button value back; null when it is not ours or not well-formed. */
export function decodeAction(value: unknown): ActionRef | null {
  if (typeof value !== "string" || value.length > MAX_VALUE) return null;
  try {
    const v = JSON.parse(value) as { i?: unknown; p?: unknown };
    if (typeof v.i !== "string" || !v.p || typeof v.p !== "object" || Array.isArray(v.p)) return null;
    return { intent: v.i, params: v.p as Record<string, unknown> };
  } catch {
    return null;
  }
}

function buttons(choices: Choice[], counter: { n: number }): SlackBlock[] {
  const out: SlackBlock[] = [];
  const elements = choices
    .map((c) => {
      const value = encodeAction(c.action);
      if (!value) return undefined;
      const el: SlackBlock = {
        type: "button",
        action_id: `${ACTION_PREFIX}${counter.n++}`,
        text: { type: "plain_text", text: clip(blank(c.label) ? "開く / Open" : c.label.trim(), MAX_BUTTON_LABEL), emoji: true },
        value,
      };
      if (c.style) el.style = c.style;
      return el;
    })
    .filter((e): e is SlackBlock => Boolean(e));
  for (let i = 0; i < elements.length; i += MAX_ACTIONS_PER_BLOCK)
    out.push({ type: "actions", elements: elements.slice(i, i + MAX_ACTIONS_PER_BLOCK) });
  return out;
}

function bulletLines(body: string | string[]): string[] {
  return Array.isArray(body) ? body.map((b) => `• ${escapeMrkdwn(b)}`) : escapeMrkdwn(body).split("\n");
}

/** A bold label line, or nothing for an empty label (Slack would show the bare asterisks). */
const bold = (label: string | undefined): string[] => (blank(label) ? [] : [`*${escapeMrkdwn(label!.trim())}*`]);

/** A progress bar of 10 cells; the rate is clamped, since String.repeat throws on a negative count. */
function progressLine(r: { label: string; done: number; total: number; rate?: number; detail?: string }): string {
  const raw = r.rate ?? (r.total ? r.done / r.total : 0);
  const rate = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0;
  const filled = Math.round(rate * 10);
  const bar = "█".repeat(filled) + "░".repeat(10 - filled);
  return `${escapeMrkdwn(r.label)}  \`${bar}\` *${Math.round(rate * 100)}%* (${r.done}/${r.total})${r.detail ? ` ${escapeMrkdwn(r.detail)}` : ""}`;
}

export function renderBlocks(reply: Reply): { text: string; blocks: SlackBlock[] } {
  const blocks: SlackBlock[] = [];
  const counter = { n: 0 };
  const render = (b: Block) => {
    switch (b.type) {
      case "text":
        blocks.push(...sections(escapeMrkdwn(b.text).split("\n")));
        break;
      case "heading":
        blocks.push(...header(b.text));
        break;
      case "context":
        blocks.push(...context(escapeMrkdwn(b.text)));
        break;
      case "divider":
        blocks.push({ type: "divider" });
        break;
      case "fields":
        blocks.push(...sections(b.fields.flatMap((f, i) => [...(i ? [""] : []), ...bold(f.label), escapeMrkdwn(f.value)])));
        break;
      case "item": {
        const c = b.card;
        blocks.push(...header(`No.${c.no} ${c.title}`));
        blocks.push(...context([c.levelLabel, c.areaLabel].filter((s) => !blank(s)).map((s) => escapeMrkdwn(s!)).join("  |  ")));
        if (c.answer) blocks.push(...sections([...bold(c.answer.label), ...(c.answer.detail ? escapeMrkdwn(c.answer.detail).split("\n") : [])]));
        for (const s of c.sections) blocks.push(...sections([...bold(s.label), ...bulletLines(s.body)]));
        if (c.related.length) blocks.push(...sections(["*関連 / Related*", ...c.related.map((r) => `• No.${r.no} ${escapeMrkdwn(r.title)}`)]));
        blocks.push(...context(escapeMrkdwn(c.footer)));
        blocks.push(...buttons(c.actions, counter));
        break;
      }
      case "list": {
        blocks.push(...section(bold(b.title).join("")));
        const withActions = b.entries.filter((e) => e.action);
        // The entries as lines (split into sections of 3000 characters), then their buttons.
        const lines = b.entries.map((e) => `• ${escapeMrkdwn(e.label)}${e.detail ? ` — ${escapeMrkdwn(e.detail)}` : ""}`);
        blocks.push(...sections(lines.length ? lines : ["—"]));
        blocks.push(...buttons(withActions.map((e) => ({ label: e.label, action: e.action! })), counter));
        if (b.footer) blocks.push(...context(escapeMrkdwn(b.footer)));
        break;
      }
      case "choices":
        if (b.prompt) blocks.push(...sections(escapeMrkdwn(b.prompt).split("\n")));
        blocks.push(...buttons(b.choices, counter));
        break;
      case "progress":
        blocks.push(...sections([...bold(b.title), ...b.rows.map(progressLine)]));
        break;
      case "file":
        // uploaded separately by the channel (files.uploadV2)
        break;
    }
  };
  for (const b of reply.blocks) render(b);
  const text = clip(escapeMrkdwn(reply.text), 3000);
  if (blocks.length > MAX_BLOCKS) {
    // Keep the last row of buttons (「次のページ」, 「もっと見る」) and say that something was left out.
    const last = blocks[blocks.length - 1];
    const tail = last.type === "actions" ? [last] : [];
    blocks.length = MAX_BLOCKS - 1 - tail.length;
    blocks.push(...context(TRUNCATED), ...tail);
  }
  return { text, blocks };
}
