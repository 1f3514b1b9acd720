// Renders a Reply as plain text for the terminal; buttons become numbered choices the user
// answers by typing the number.
import type { ActionRef } from "../../core/turn.ts";
import type { Block, Reply } from "../../core/reply.ts";

export interface RenderedText {
  text: string;
  /** choices[n-1] is what typing "n" does */
  choices: ActionRef[];
  files: { name: string; data: Buffer }[];
}

function bullet(body: string | string[]): string {
  return Array.isArray(body) ? body.map((b) => `  ・${b}`).join("\n") : body.split("\n").map((l) => `  ${l}`).join("\n");
}

export function renderText(reply: Reply): RenderedText {
  const lines: string[] = [];
  const choices: ActionRef[] = [];
  const files: { name: string; data: Buffer }[] = [];
  const choice = (label: string, action: ActionRef) => {
    choices.push(action);
    return `[${choices.length}] ${label}`;
  };
  const render = (b: Block) => {
    switch (b.type) {
      case "text":
        lines.push(b.text);
        break;
      case "heading":
        lines.push(`■ ${b.text}`);
        break;
      case "context":
        lines.push(`(${b.text})`);
        break;
      case "divider":
        lines.push("────────");
        break;
      case "fields":
        for (const f of b.fields) lines.push(`${f.label}:\n${bullet(f.value)}`);
        break;
      case "item": {
        const c = b.card;
        const meta = [c.levelLabel, c.areaLabel].filter(Boolean).join(" / ");
        lines.push(`■ No.${c.no} ${c.title}${meta ? `  [${meta}]` : ""}`);
        if (c.answer) lines.push(`▶ ${c.answer.label}${c.answer.detail ? ` — ${c.answer.detail}` : ""}`);
        for (const s of c.sections) lines.push(`【${s.label}】\n${bullet(s.body)}`);
        if (c.related.length) lines.push(`【関連 / Related】 ${c.related.map((r) => `No.${r.no} ${r.title}`).join(" / ")}`);
        lines.push(`(${c.footer})`);
        if (c.actions.length) lines.push(c.actions.map((a) => choice(a.label, a.action)).join("  "));
        break;
      }
      case "list":
        if (b.title) lines.push(`■ ${b.title}`);
        for (const e of b.entries) {
          const label = `${e.label}${e.detail ? ` — ${e.detail}` : ""}`;
          lines.push(e.action ? `  ${choice(label, e.action)}` : `  ・${label}`);
        }
        if (b.footer) lines.push(`(${b.footer})`);
        break;
      case "choices":
        if (b.prompt) lines.push(b.prompt);
        lines.push(b.choices.map((c) => choice(c.label, c.action)).join("  "));
        break;
      case "progress":
        if (b.title) lines.push(`■ ${b.title}`);
        for (const r of b.rows) {
          const rate = r.rate ?? (r.total ? r.done / r.total : 0);
          const bar = "█".repeat(Math.round(rate * 10)).padEnd(10, "░");
          lines.push(`  ${r.label.padEnd(12)} ${bar} ${Math.round(rate * 100)}% (${r.done}/${r.total})${r.detail ? ` ${r.detail}` : ""}`);
        }
        break;
      case "file":
        files.push({ name: b.file.name, data: b.file.data });
        break;
    }
  };
  for (const b of reply.blocks) render(b);
  if (reply.blocks.length === 0) lines.push(reply.text);
  return { text: lines.join("\n"), choices, files };
}
