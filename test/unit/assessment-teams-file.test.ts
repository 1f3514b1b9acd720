// A file block with a signed link renders in Teams as a download button (Action.OpenUrl), never
// with the bytes; without a link the card says the file cannot come through Teams (and names
// the setting only when it is the cause: a link that is not https).
import { describe, expect, it } from "vitest";
import { renderCard } from "../../src/channels/teams/render-card.ts";
import type { Reply } from "../../src/core/reply.ts";

const file = { name: "checksheet-FY2026.xlsx", mime: "application/octet-stream", data: Buffer.from("secret-bytes"), title: "チェックシート 2026年度 (Excel)" };
const reply = (url?: string): Reply => ({ text: "出力しました", blocks: [{ type: "file", file: { ...file, ...(url ? { url } : {}) } }] });

describe("Teams file block", () => {
  it("is a download button to the signed link", () => {
    const msg = renderCard(reply("https://bot.example.com/files/abc.123.sig"));
    const body = msg.attachments![0].content.body;
    const set = body.find((e) => e.type === "ActionSet") as { actions: Record<string, unknown>[] };
    expect(set.actions).toEqual([{ type: "Action.OpenUrl", title: "ダウンロード / Download", url: "https://bot.example.com/files/abc.123.sig" }]);
    expect(JSON.stringify(msg)).toContain("チェックシート 2026年度 (Excel)");
    expect(JSON.stringify(msg)).not.toContain("secret-bytes");
  });

  it("never links to plain http, and says the public URL must be https", () => {
    const text = JSON.stringify(renderCard(reply("http://insecure.example.com/files/x")));
    expect(text).toContain("公開URL");
    expect(text).not.toContain("Action.OpenUrl");
  });

  it("without a link says the file cannot come through Teams, without blaming PUBLIC_BASE_URL (a booking's .ics has no link even when it is set)", () => {
    const text = JSON.stringify(renderCard(reply()));
    expect(text).toContain("Teams ではお送りできません");
    expect(text).not.toContain("PUBLIC");
    expect(text).not.toContain("Action.OpenUrl");
  });
});
