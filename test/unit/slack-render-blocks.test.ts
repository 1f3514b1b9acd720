// The Block Kit renderer at the edges of Slack's limits: empty texts, huge lists and answers,
// emoji at a cut, impossible progress rates, hostile text. Every rendering is checked with the
// validator in test/helpers/block-kit.ts (written from Slack's Block Kit reference).
import { describe, expect, it } from "vitest";
import type { Block, Reply } from "../../src/core/reply.ts";
import { renderBlocks } from "../../src/channels/slack/render-blocks.ts";
import { blockKitProblems, wellFormed } from "../helpers/block-kit.ts";

const reply = (blocks: Block[], text = "summary"): Reply => ({ text, blocks });
const valid = (r: Reply) => {
  const m = renderBlocks(r);
  expect(blockKitProblems({ text: m.text, blocks: m.blocks.length ? m.blocks : undefined })).toEqual([]);
  return m;
};
const show = (n: number) => ({ intent: "show_item", params: { nos: [n] } });
type B = { type: string; text?: { text: string }; elements?: { text?: { text: string } | string; action_id?: string }[] };

describe("renderBlocks stays within Block Kit", () => {
  it("never emits an empty text object (Slack refuses the whole message)", () => {
    const m = valid(
      reply([
        { type: "text", text: "" },
        { type: "text", text: "  \n " },
        { type: "heading", text: "" },
        { type: "context", text: "" },
        { type: "fields", fields: [] },
        { type: "progress", rows: [] },
        { type: "list", title: "", entries: [], footer: "" },
        { type: "choices", prompt: "", choices: [{ label: "", action: show(1) }] },
        {
          type: "item",
          card: { no: 1, status: "unknown", title: "", levelLabel: "", sections: [{ label: "", body: [] }], related: [], footer: "", actions: [] },
        },
      ]),
    );
    // the empty button label gets a neutral one instead of an empty text
    expect(JSON.stringify(m.blocks)).toContain("開く / Open");
  });

  it("draws a progress row whose rate is above 100% or negative instead of throwing", () => {
    const m = valid(reply([{ type: "progress", title: "進捗", rows: [{ label: "A", done: 12, total: 10 }, { label: "B", done: 1, total: 10, rate: -0.5 }, { label: "C", done: 1, total: 10, rate: Number.NaN }] }]));
    const text = (m.blocks[0] as B).text!.text;
    expect(text).toContain("`██████████` *100%* (12/10)");
    expect(text).toContain("`░░░░░░░░░░` *0%* (1/10)");
  });

  it("splits a long answer into sections instead of cutting it at 3000 characters", () => {
    const lines = Array.from({ length: 120 }, (_, n) => `${n}行目: ${"説明".repeat(20)}`);
    const m = valid(reply([{ type: "text", text: lines.join("\n") }]));
    const all = m.blocks.map((b) => (b as B).text!.text).join("\n");
    for (const l of lines) expect(all).toContain(l);
    expect(m.blocks.length).toBeGreaterThan(1);
  });

  it("keeps a huge list within 50 blocks, 25 buttons a row, unique action ids, its last button row and a note", () => {
    const entries = Array.from({ length: 1500 }, (_, n) => ({ label: `No.${n} ${"項目".repeat(10)}`, detail: "詳細 & <注記>", action: show(n) }));
    const m = valid(reply([{ type: "list", title: "一覧", entries }, { type: "choices", choices: [{ label: "次のページ", action: { intent: "list_items", params: { page: 1 } } }] }]));
    expect(m.blocks).toHaveLength(50);
    const last = m.blocks[49] as B;
    expect(last.type).toBe("actions");
    expect(JSON.stringify(last)).toContain("次のページ");
    expect(JSON.stringify(m.blocks[48])).toContain("truncated");
  });

  it("renders many fields as sections of at most 3000 characters", () => {
    const fields = Array.from({ length: 60 }, (_, n) => ({ label: `項目${n}`, value: "値".repeat(100) }));
    const m = valid(reply([{ type: "fields", fields }]));
    expect(JSON.stringify(m.blocks)).toContain("*項目59*");
  });

  it("never cuts an emoji in half or an entity in two", () => {
    const m = valid(
      reply([
        { type: "heading", text: "x".repeat(149) + "😀😀" },
        { type: "choices", choices: [{ label: "y".repeat(74) + "😀", action: show(1) }] },
        { type: "context", text: "&".repeat(2000) },
        { type: "text", text: "a".repeat(2898) + "<>" + "b".repeat(10) },
      ]),
    );
    const json = JSON.stringify(m);
    expect(wellFormed(json)).toBe(true);
    expect(json).not.toMatch(/&(a|am|amp|l|lt|g|gt)?…/);
  });

  it("escapes &, < and > so no text becomes a link or a ping", () => {
    const hostile = "<!channel> <@U123> <https://evil.example|公式サイト> A&B";
    const m = valid(reply([{ type: "text", text: hostile }, { type: "context", text: hostile }, { type: "list", entries: [{ label: hostile, detail: hostile }] }], hostile));
    expect(m.text).toBe("&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|公式サイト&gt; A&amp;B");
    expect(JSON.stringify(m.blocks)).not.toMatch(/<!channel>|<https:/);
  });

  it("gives every button of a message its own action_id", () => {
    const choices = Array.from({ length: 30 }, (_, n) => ({ label: `No.${n}`, action: show(n) }));
    const m = valid(reply([{ type: "choices", choices }, { type: "item", card: { no: 1, status: "known", title: "t", sections: [], related: [], footer: "f", actions: choices } }]));
    const ids = m.blocks.flatMap((b) => (b as B).elements ?? []).flatMap((e) => (e.action_id ? [e.action_id] : []));
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it("renders a reply that is only a file as no blocks (the channel then sends none)", () => {
    const m = renderBlocks(reply([{ type: "file", file: { name: "a.csv", mime: "text/csv", data: Buffer.from("x") } }], "ファイルです"));
    expect(m.blocks).toEqual([]);
    expect(blockKitProblems({ text: m.text })).toEqual([]);
  });
});
