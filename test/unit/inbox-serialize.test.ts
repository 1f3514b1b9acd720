// What the inbox stores of a turn and a reply comes back the same: the turn's time as a Date, a
// file the person attached as its adapter's ref (its download made again by the channel), the
// reply's file bytes exact.
import { describe, expect, it } from "vitest";
import { replyFromJson, replyToJson, turnFromJson, turnToJson } from "../../src/inbox/serialize.ts";
import type { Reply } from "../../src/core/reply.ts";
import type { Turn } from "../../src/core/turn.ts";

describe("inbox serialisation", () => {
  it("keeps a turn's time, conversation reference and files (without their download) through JSON", async () => {
    const turn: Turn = {
      platform: "slack",
      deliveryId: "msg:D1:1.2",
      org: { externalKey: "slack:T1" },
      user: { platformUserId: "U1" },
      conversation: { key: "slack:D1", kind: "personal", reference: { key: "slack:U1", data: { channel: "U1", team: "T1" } } },
      input: { kind: "text", text: "No.115" },
      files: [{ name: "sheet.xlsx", size: 10, ref: { url_private_download: "https://files.slack.com/x" }, download: async () => Buffer.from("x") }],
      receivedAt: new Date("2026-12-02T03:04:05.678Z"),
    };
    const back = turnFromJson(JSON.parse(JSON.stringify(turnToJson(turn))));
    expect(back.receivedAt).toBeInstanceOf(Date);
    expect(back.receivedAt.toISOString()).toBe("2026-12-02T03:04:05.678Z");
    expect(back.conversation).toEqual(turn.conversation);
    expect(back.files?.[0]).toMatchObject({ name: "sheet.xlsx", size: 10, ref: { url_private_download: "https://files.slack.com/x" } });
    // a stored file is downloaded only once its channel has made the download again
    await expect(back.files![0].download()).rejects.toThrow(/revived/);
  });

  it("keeps a reply's file bytes exact", () => {
    const data = Buffer.from([0, 1, 2, 250, 255, 0x50, 0x4b]);
    const reply: Reply = { text: "t", blocks: [{ type: "text", text: "t" }, { type: "file", file: { name: "a.xlsx", mime: "application/x", data } }], private: true };
    const back = replyFromJson(JSON.parse(JSON.stringify(replyToJson(reply))));
    const file = back.blocks[1];
    expect(file.type === "file" && Buffer.isBuffer(file.file.data) && file.file.data.equals(data)).toBe(true);
    expect(back).toMatchObject({ text: "t", private: true });
  });
});
