// A small Block Kit validator for what a message may carry, written from Slack's reference
// (docs.slack.dev/reference/block-kit): blocks, block elements and composition objects. It checks
// the kinds of blocks and elements our renderer emits, strictly (unknown fields are errors), and
// the limits Slack enforces with `invalid_blocks`.
//
//   message        ≤ 50 blocks; `text` is the notification fallback
//   text object    type plain_text | mrkdwn; text 1..3000 characters; emoji only on plain_text,
//                  verbatim only on mrkdwn
//   header         plain_text, ≤ 150 characters
//   section        text (≤ 3000) or fields (≤ 10, each ≤ 2000)
//   context        1..10 elements (text objects or images)
//   actions        1..25 elements
//   button         text plain_text ≤ 75; action_id ≤ 255 and unique in the message; value ≤ 2000;
//                  url ≤ 3000; style primary | danger
//   divider        nothing else
//   block_id       ≤ 255, unique in the message
//
// Our own rule on top: mrkdwn text is escaped (no raw < or >, & only as &amp; &lt; &gt;), so
// nothing a person or an LLM wrote can become a link or a <!channel> ping.

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => Boolean(v) && typeof v === "object" && !Array.isArray(v);

/** False for a string holding a lone surrogate (half an emoji): not valid Unicode text. */
export function wellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

export function blockKitProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  const bad = (where: string, what: string) => problems.push(`${where}: ${what}`);
  const actionIds = new Set<string>();
  const blockIds = new Set<string>();

  const keys = (where: string, o: Json, allowed: string[]) => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(where, `unknown field "${k}"`);
  };

  const textObject = (where: string, t: unknown, o: { max?: number; plainOnly?: boolean } = {}) => {
    if (!isObj(t)) return bad(where, "text object missing");
    keys(where, t, ["type", "text", "emoji", "verbatim"]);
    if (t.type !== "plain_text" && t.type !== "mrkdwn") return bad(where, `text type ${String(t.type)}`);
    if (o.plainOnly && t.type !== "plain_text") bad(where, "must be plain_text");
    if (typeof t.text !== "string") return bad(where, "text is not a string");
    const text = t.text;
    if (text.length < 1 || !text.trim()) bad(where, "empty text (Slack: minimum length is 1)");
    if (text.length > Math.min(o.max ?? 3000, 3000)) bad(where, `text of ${text.length} characters (max ${Math.min(o.max ?? 3000, 3000)})`);
    if (!wellFormed(text)) bad(where, "text has a lone surrogate");
    if ("emoji" in t && t.type !== "plain_text") bad(where, "emoji is only for plain_text");
    if ("verbatim" in t && t.type !== "mrkdwn") bad(where, "verbatim is only for mrkdwn");
    if (t.type === "mrkdwn") {
      if (/[<>]/.test(text)) bad(where, `unescaped < or > in mrkdwn: ${JSON.stringify(text.slice(0, 80))}`);
      if (/&(?!(amp|lt|gt);)/.test(text)) bad(where, `unescaped & in mrkdwn: ${JSON.stringify(text.slice(0, 80))}`);
    }
  };

  const blockId = (where: string, b: Json) => {
    if (!("block_id" in b)) return;
    if (typeof b.block_id !== "string" || b.block_id.length > 255) bad(where, "block_id longer than 255");
    else if (blockIds.has(b.block_id)) bad(where, `duplicate block_id ${b.block_id}`);
    else blockIds.add(b.block_id);
  };

  const button = (where: string, e: Json) => {
    keys(where, e, ["type", "text", "action_id", "value", "url", "style", "confirm", "accessibility_label"]);
    textObject(`${where}.text`, e.text, { max: 75, plainOnly: true });
    if (typeof e.action_id !== "string" || !e.action_id) bad(where, "no action_id");
    else {
      if (e.action_id.length > 255) bad(where, "action_id longer than 255");
      if (actionIds.has(e.action_id)) bad(where, `duplicate action_id ${e.action_id}`);
      actionIds.add(e.action_id);
    }
    if ("value" in e && (typeof e.value !== "string" || e.value.length > 2000)) bad(where, "value missing or longer than 2000");
    if ("url" in e && (typeof e.url !== "string" || e.url.length > 3000)) bad(where, "url longer than 3000");
    if ("style" in e && e.style !== "primary" && e.style !== "danger") bad(where, `style ${String(e.style)}`);
  };

  if (typeof message.text !== "string") bad("message", "text is not a string");
  else if (message.text.length > 40_000) bad("message", "text longer than 40000 (Slack truncates)");
  const blocks = message.blocks;
  if (blocks === undefined) {
    if (typeof message.text !== "string" || !message.text.trim()) bad("message", "neither text nor blocks (no_text)");
    return problems;
  }
  if (!Array.isArray(blocks)) return [...problems, "message: blocks is not an array"];
  if (blocks.length === 0) bad("message", "an empty blocks array: leave blocks out instead");
  if (blocks.length > 50) bad("message", `${blocks.length} blocks (max 50)`);

  blocks.forEach((b: unknown, i) => {
    const where = `blocks[${i}]`;
    if (!isObj(b)) return bad(where, "not an object");
    blockId(where, b);
    switch (b.type) {
      case "header":
        keys(where, b, ["type", "text", "block_id"]);
        textObject(`${where}.text`, b.text, { max: 150, plainOnly: true });
        break;
      case "section": {
        keys(where, b, ["type", "text", "fields", "accessory", "block_id", "expand"]);
        if (b.text === undefined && b.fields === undefined) bad(where, "section without text or fields");
        if (b.text !== undefined) textObject(`${where}.text`, b.text);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length < 1 || b.fields.length > 10) bad(where, "fields must be 1..10");
          else b.fields.forEach((f, j) => textObject(`${where}.fields[${j}]`, f, { max: 2000 }));
        }
        if (b.accessory !== undefined) bad(where, "accessory is not something we render");
        break;
      }
      case "context": {
        keys(where, b, ["type", "elements", "block_id"]);
        const els = b.elements;
        if (!Array.isArray(els) || els.length < 1 || els.length > 10) bad(where, "elements must be 1..10");
        else
          els.forEach((e, j) => {
            if (isObj(e) && e.type === "image") return;
            textObject(`${where}.elements[${j}]`, e);
          });
        break;
      }
      case "actions": {
        keys(where, b, ["type", "elements", "block_id"]);
        const els = b.elements;
        if (!Array.isArray(els) || els.length < 1 || els.length > 25) bad(where, "elements must be 1..25");
        else
          els.forEach((e, j) => {
            if (!isObj(e) || e.type !== "button") return bad(`${where}.elements[${j}]`, "not a button");
            button(`${where}.elements[${j}]`, e);
          });
        break;
      }
      case "divider":
        keys(where, b, ["type", "block_id"]);
        break;
      default:
        bad(where, `block type ${String(b.type)} is not one we render`);
    }
  });
  return problems;
}
