// The Adaptive Card renderer: structure, escaping of untrusted text, action data, Teams limits.
import { describe, expect, it } from "vitest";
import type { Block, Reply } from "../../src/core/reply.ts";
import {
  CARD_CONTENT_TYPE,
  MAX_ACTIONS,
  MAX_CARD_BYTES,
  decodeCardAction,
  encodeCardAction,
  escapeCardMarkdown,
  escapeTeamsMarkdown,
  renderCard,
  type AdaptiveCard,
} from "../../src/channels/teams/render-card.ts";
import { teamsMessageProblems } from "../helpers/adaptive-card.ts";

const reply = (blocks: Block[], text = "summary", extra: Partial<Reply> = {}): Reply => ({ text, blocks, ...extra });
const cardOf = (r: Reply): AdaptiveCard => {
  const m = renderCard(r);
  expect(m.attachments).toHaveLength(1);
  expect(m.attachments![0].contentType).toBe(CARD_CONTENT_TYPE);
  return m.attachments![0].content;
};
/** Every element, depth first, including those inside containers, columns and action sets. */
function walk(v: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(v)) v.forEach((x) => walk(x, out));
  else if (v && typeof v === "object") {
    out.push(v as Record<string, unknown>);
    Object.values(v).forEach((x) => walk(x, out));
  }
  return out;
}
const ofType = (card: AdaptiveCard, type: string) => walk(card.body).filter((e) => e.type === type);

describe("renderCard", () => {
  it("sends a plain-text reply as text only, without an empty card", () => {
    const m = renderCard({ text: "こんにちは", blocks: [{ type: "text", text: "こんにちは" }] });
    expect(m).toEqual({ type: "message", text: "こんにちは", textFormat: "markdown" });
  });

  it("renders a version 1.5 card with wrapped TextBlocks, the reply's own text included", () => {
    const card = cardOf(reply([{ type: "text", text: "summary" }, { type: "heading", text: "見出し" }, { type: "text", text: "一行目\n二行目" }]));
    expect(card.version).toBe("1.5");
    expect(card.type).toBe("AdaptiveCard");
    const texts = ofType(card, "TextBlock");
    expect(texts.map((t) => t.text)).toEqual(["summary", "見出し", "一行目", "二行目"]);
    expect(texts.every((t) => t.wrap === true)).toBe(true);
    expect(texts[3].spacing).toBe("None");
  });

  it("shows the reply's text in the card: a card message has no text of its own, only a summary for notifications", () => {
    // set_target_level, record_answer, session_book…: the text, then buttons
    const m = renderCard({ text: "第3回の席を予約しました。", blocks: [{ type: "text", text: "第3回の席を予約しました。" }, { type: "choices", choices: [{ label: "予約を確認", action: { intent: "my_bookings", params: {} } }] }] });
    expect(m.text).toBeUndefined();
    expect(ofType(m.attachments![0].content, "TextBlock").map((t) => t.text)).toEqual(["第3回の席を予約しました。"]);
    expect(teamsMessageProblems(m)).toEqual([]);
  });

  it("escapes the card's fallbackText, which clients render as markdown", () => {
    const card = cardOf(reply([{ type: "heading", text: "h" }], "[公式サイト](https://evil.example) **至急**"));
    expect(card.fallbackText).toBe("\\[公式サイト\\](https://evil.example) \\*\\*至急\\*\\*");
  });

  it("never cuts an emoji in half where it shortens a line, a button title, the summary or the fallback", () => {
    const e = "😀";
    const m = renderCard(
      reply(
        [{ type: "text", text: "x".repeat(1498) + e.repeat(5) }, { type: "choices", choices: [{ label: "y".repeat(58) + e.repeat(3), action: { intent: "i", params: {} } }] }],
        "z".repeat(198) + e.repeat(200),
      ),
    );
    expect(teamsMessageProblems(m)).toEqual([]);
    expect(JSON.stringify(m)).not.toMatch(/\\ud83d(?!\\ude00)/);
  });

  it("drops an empty heading rather than sending an empty TextBlock, and every card here is valid 1.5", () => {
    const m = renderCard(reply([{ type: "heading", text: " " }, { type: "text", text: "本文" }, { type: "fields", fields: [{ label: "a", value: "b" }] }]));
    expect(ofType(m.attachments![0].content, "TextBlock").map((t) => t.text)).toEqual(["本文"]);
    expect(teamsMessageProblems(m)).toEqual([]);
  });

  it("renders fields as a FactSet", () => {
    const card = cardOf(reply([{ type: "fields", fields: [{ label: "期限", value: "6月末" }] }]));
    expect(ofType(card, "FactSet")[0]).toEqual({ type: "FactSet", facts: [{ title: "期限", value: "6月末" }] });
  });

  it("renders an item card with level/area, sections, related, footer and buttons carrying {i, p}", () => {
    const card = cardOf(
      reply([
        {
          type: "item",
          card: {
            no: 115,
            status: "known",
            title: "パスワード",
            levelLabel: "レベル1",
            areaLabel: "ID・認証",
            sections: [{ label: "対策の例", body: ["ルールを作る", "ロックを設定する"] }],
            related: [{ no: 116, title: "追加分" }],
            footer: "v2.3",
            answer: { label: "達成", detail: "2024-06 記録" },
            actions: [{ label: "No.116 →", action: { intent: "show_item", params: { nos: [116] } }, style: "primary" }],
          },
        },
      ]),
    );
    const text = JSON.stringify(card);
    for (const s of ["No.115 パスワード", "レベル1  |  ID・認証", "対策の例", "• ルールを作る", "• No.116 追加分", "v2.3", "達成", "2024-06 記録"])
      expect(text).toContain(s);
    const [button] = ofType(card, "Action.Submit");
    expect(button).toMatchObject({ title: "No.116 →", data: { i: "show_item", p: { nos: [116] } }, style: "positive" });
  });

  it("renders list entries with actions as rows with their own button", () => {
    const card = cardOf(
      reply([{ type: "list", title: "一覧", entries: [{ label: "No.1 方針", action: { intent: "show_item", params: { nos: [1] } } }, { label: "説明のみ", detail: "詳細" }], footer: "ほか" }]),
    );
    const rows = ofType(card, "ColumnSet");
    expect(rows).toHaveLength(1);
    expect(rows[0].selectAction).toMatchObject({ type: "Action.Submit", data: { i: "show_item", p: { nos: [1] } } });
    expect(JSON.stringify(card)).toContain("• 説明のみ");
  });

  it("renders progress rows as text bars", () => {
    const card = cardOf(reply([{ type: "progress", title: "進捗", rows: [{ label: "レベル1", done: 6, total: 10 }, { label: "全体", done: 3, total: 0 }] }]));
    const texts = ofType(card, "TextBlock").map((t) => t.text);
    expect(texts).toContain("レベル1  ██████░░░░  60% (6/10)");
    expect(texts).toContain("全体  ░░░░░░░░░░  0% (3/0)");
  });

  it("says a file is ready instead of sending its bytes", () => {
    const card = cardOf(reply([{ type: "file", file: { name: "checksheet.xlsx", mime: "application/octet-stream", data: Buffer.from("secret-bytes") } }]));
    const text = JSON.stringify(card);
    expect(text).toContain("checksheet.xlsx");
    expect(text).toContain("ファイルを作成しました");
    expect(text).not.toContain("secret-bytes");
    // a file without a link is not a configuration problem (a booking's .ics never has one)
    expect(text).not.toContain("PUBLIC");
  });

  it("offers a file with a signed https link as a download button", () => {
    const card = cardOf(reply([{ type: "file", file: { name: "sheet.xlsx", mime: "application/octet-stream", data: Buffer.from("x"), url: "https://bot.example.co.jp/files/abc" } }]));
    expect(ofType(card, "Action.OpenUrl")).toEqual([{ type: "Action.OpenUrl", title: "ダウンロード / Download", url: "https://bot.example.co.jp/files/abc" }]);
  });

  it("marks dividers as separators on the next element", () => {
    const card = cardOf(reply([{ type: "heading", text: "A" }, { type: "divider" }, { type: "heading", text: "B" }]));
    expect(card.body[1]).toMatchObject({ text: "B", separator: true });
  });
});

describe("untrusted text renders as plain text", () => {
  const hostile = "**太字** _斜体_ [公式サイト](https://evil.example) <b>html</b> &amp;\n- 偽のリスト\n1. 偽の番号";

  it("escapes markdown controls in card text", () => {
    const card = cardOf(reply([{ type: "heading", text: "x" }, { type: "text", text: hostile }]));
    const texts = ofType(card, "TextBlock").map((t) => String(t.text));
    expect(texts[1]).toBe("\\*\\*太字\\*\\* \\_斜体\\_ \\[公式サイト\\](https://evil.example) <b>html</b> &amp;");
    expect(texts[2]).toBe("\\- 偽のリスト");
    expect(texts[3]).toBe("1\\. 偽の番号");
  });

  it("escapes markdown and HTML in the message text", () => {
    const m = renderCard({ text: hostile, blocks: [] });
    expect(m.text).not.toMatch(/<b>|(^|[^\\])\]\(|(^|[^\\])\*\*/);
    expect(m.text).toContain("&lt;b&gt;html&lt;/b&gt; &amp;amp;");
    expect(escapeTeamsMarkdown("# 見出し")).toBe("\\# 見出し");
  });

  it("escapes backslashes first so an escape cannot be undone", () => {
    expect(escapeCardMarkdown("\\*x")).toBe("\\\\\\*x");
  });

  it("escapes facts and button titles stay plain strings", () => {
    const card = cardOf(reply([{ type: "fields", fields: [{ label: "*a*", value: "[x](y)" }] }, { type: "choices", choices: [{ label: "<at>all</at>", action: { intent: "i", params: {} } }] }]));
    expect(ofType(card, "FactSet")[0]).toMatchObject({ facts: [{ title: "\\*a\\*", value: "\\[x\\](y)" }] });
    expect(ofType(card, "Action.Submit")[0].title).toBe("<at>all</at>");
  });
});

describe("action data", () => {
  it("round-trips through encode and decode", () => {
    const data = encodeCardAction({ intent: "show_item", params: { nos: [116] } });
    expect(data).toEqual({ i: "show_item", p: { nos: [116] } });
    expect(decodeCardAction(data)).toEqual({ intent: "show_item", params: { nos: [116] } });
    expect(decodeCardAction(JSON.stringify(data))).toEqual({ intent: "show_item", params: { nos: [116] } });
  });

  it("rejects what is not ours", () => {
    for (const v of [undefined, null, 1, "x", "{", [], {}, { i: 1, p: {} }, { i: "", p: {} }, { i: "a", p: [] }, { i: "a" }, { i: "a", p: { big: "x".repeat(3000) } }])
      expect(decodeCardAction(v)).toBeNull();
  });

  it("drops a button whose data would be too large rather than truncating it", () => {
    expect(encodeCardAction({ intent: "x", params: { big: "x".repeat(3000) } })).toBeUndefined();
    const card = cardOf(reply([{ type: "heading", text: "h" }, { type: "choices", choices: [{ label: "big", action: { intent: "x", params: { big: "x".repeat(3000) } } }] }]));
    expect(ofType(card, "Action.Submit")).toHaveLength(0);
  });
});

describe("Teams limits", () => {
  it("caps the number of buttons and says some were left out", () => {
    const choices = Array.from({ length: 50 }, (_, n) => ({ label: `No.${n}`, action: { intent: "show_item", params: { nos: [n] } } }));
    const card = cardOf(reply([{ type: "choices", choices }]));
    expect(ofType(card, "Action.Submit")).toHaveLength(MAX_ACTIONS);
    expect(ofType(card, "ActionSet").every((s) => (s.actions as unknown[]).length <= 5)).toBe(true);
    expect(JSON.stringify(card)).toContain("ボタンの一部を省略しました");
  });

  it("keeps a huge answer within the card budget, keeping its buttons", () => {
    const long = Array.from({ length: 60 }, (_, n) => `${n}: ${"長い説明文。".repeat(200)}`).join("\n");
    const blocks: Block[] = [
      ...Array.from({ length: 8 }, () => ({ type: "text" as const, text: long })),
      { type: "choices", choices: [{ label: "次へ", action: { intent: "show_item", params: { nos: [2] } } }] },
    ];
    const m = renderCard(reply(blocks, "長い回答".repeat(1000)));
    const card = m.attachments![0].content;
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThan(28_000);
    expect(JSON.stringify(card)).toContain("長いため一部を省略しました");
    expect(card.body[card.body.length - 1].type).toBe("ActionSet");
  });
});

describe("renderCard message text", () => {
  it("sends a card alone (with a summary for notifications), and plain text when there is no card", async () => {
    const { renderCard } = await import("../../src/channels/teams/render-card.ts");
    const withCard = renderCard({ text: "No.115 パスワード\n詳細", blocks: [{ type: "heading", text: "No.115 パスワード" }] });
    expect(withCard.text).toBeUndefined();
    expect(withCard.summary).toBe("No.115 パスワード");
    expect(withCard.attachments).toHaveLength(1);
    const plain = renderCard({ text: "こんにちは", blocks: [] });
    expect(plain.text).toBe("こんにちは");
    expect(plain.attachments).toBeUndefined();
  });
});
