// Renders a neutral Reply as Slack Block Kit, inside Slack's limits (50 blocks, 3000 characters
// per section, 75 per button label, 25 elements per actions block, 2000 per button value).
// Every text is escaped: Slack treats &, < and > as control characters (<!channel>, links).
import type { ActionRef } from "../../core/turn.ts";
import type { Block, Choice, Reply } from "../../core/reply.ts";

export const ACTION_PREFIX = "jama:";
const MAX_BLOCKS = 50;
const MAX_SECTION = 2900;
const MAX_BUTTON_LABEL = 75;
const MAX_VALUE = 2000;

type SlackBlock = Record<string, unknown>;

export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}

function section(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text: clip(text, MAX_SECTION) } };
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
        text: { type: "plain_text", text: clip(c.label, MAX_BUTTON_LABEL), emoji: true },
        value,
      };
      if (c.style) el.style = c.style;
      return el;
    })
    .filter((e): e is SlackBlock => Boolean(e));
  for (let i = 0; i < elements.length; i += 25) out.push({ type: "actions", elements: elements.slice(i, i + 25) });
  return out;
}

function bullets(body: string | string[]): string {
  return Array.isArray(body) ? body.map((b) => `• ${escapeMrkdwn(b)}`).join("\n") : escapeMrkdwn(body);
}

export function renderBlocks(reply: Reply): { text: string; blocks: SlackBlock[] } {
  const blocks: SlackBlock[] = [];
  const counter = { n: 0 };
  const render = (b: Block) => {
    switch (b.type) {
      case "text":
        blocks.push(section(escapeMrkdwn(b.text)));
        break;
      case "heading":
        blocks.push({ type: "header", text: { type: "plain_text", text: clip(b.text, 150), emoji: true } });
        break;
      case "context":
        blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(escapeMrkdwn(b.text), MAX_SECTION) }] });
        break;
      case "divider":
        blocks.push({ type: "divider" });
        break;
      case "fields":
        blocks.push(section(b.fields.map((f) => `*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`).join("\n\n")));
        break;
      case "item": {
        const c = b.card;
        blocks.push({ type: "header", text: { type: "plain_text", text: clip(`No.${c.no} ${c.title}`, 150), emoji: true } });
        const meta = [c.levelLabel, c.areaLabel].filter(Boolean).map((s) => escapeMrkdwn(s!)).join("  |  ");
        if (meta) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: meta }] });
        if (c.answer) blocks.push(section(`*${escapeMrkdwn(c.answer.label)}*${c.answer.detail ? `\n${escapeMrkdwn(c.answer.detail)}` : ""}`));
        for (const s of c.sections) blocks.push(section(`*${escapeMrkdwn(s.label)}*\n${bullets(s.body)}`));
        if (c.related.length)
          blocks.push(section(`*関連 / Related*\n${c.related.map((r) => `• No.${r.no} ${escapeMrkdwn(r.title)}`).join("\n")}`));
        blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(escapeMrkdwn(c.footer), MAX_SECTION) }] });
        blocks.push(...buttons(c.actions, counter));
        break;
      }
      case "list": {
        if (b.title) blocks.push(section(`*${escapeMrkdwn(b.title)}*`));
        const withActions = b.entries.filter((e) => e.action);
        // A list is one section of lines plus its buttons, so long lists stay within 50 blocks.
        blocks.push(section(b.entries.map((e) => `• ${escapeMrkdwn(e.label)}${e.detail ? ` — ${escapeMrkdwn(e.detail)}` : ""}`).join("\n") || "—"));
        blocks.push(...buttons(withActions.map((e) => ({ label: e.label, action: e.action! })), counter));
        if (b.footer) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(escapeMrkdwn(b.footer), MAX_SECTION) }] });
        break;
      }
      case "choices":
        if (b.prompt) blocks.push(section(escapeMrkdwn(b.prompt)));
        blocks.push(...buttons(b.choices, counter));
        break;
      case "progress": {
        const lines = b.rows.map((r) => {
          const rate = r.rate ?? (r.total ? r.done / r.total : 0);
          const bar = "█".repeat(Math.round(rate * 10)) + "░".repeat(10 - Math.round(rate * 10));
          return `${escapeMrkdwn(r.label)}  \`${bar}\` *${Math.round(rate * 100)}%* (${r.done}/${r.total})${r.detail ? ` ${escapeMrkdwn(r.detail)}` : ""}`;
        });
        blocks.push(section(`${b.title ? `*${escapeMrkdwn(b.title)}*\n` : ""}${lines.join("\n")}`));
        break;
      }
      case "file":
        // uploaded separately by the channel (files.uploadV2)
        break;
    }
  };
  for (const b of reply.blocks) render(b);
  const text = clip(escapeMrkdwn(reply.text), 3000);
  if (blocks.length > MAX_BLOCKS) {
    blocks.length = MAX_BLOCKS - 1;
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: "(一部を省略しました / truncated)" }] });
  }
  return { text, blocks };
}
