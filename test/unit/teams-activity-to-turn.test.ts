// Activity → Turn: tenant, user, conversation kind and key, references, mention stripping, card data.
import type { Activity } from "botbuilder";
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import {
  MAX_TEAMS_DOWNLOAD_BYTES,
  activityToTurn,
  conversationKind,
  filesOf,
  isTeamsFileUrl,
  messageText,
  readExecuteAction,
  tenantOf,
} from "../../src/channels/teams/activity-to-turn.ts";
import { BOT_ID, TENANT, cardInvoke, channelMention, executeValue, groupMention, personalMessage } from "../helpers/teams.ts";

const who = { serviceUrl: "https://smba.trafficmanager.net/jp/" };
const text = (t: string) => ({ kind: "text" as const, text: t });
const open = { allowedTenants: [], authenticated: true };
const asActivity = (a: unknown) => a as Partial<Activity>;

describe("activityToTurn", () => {
  it("maps a personal message: platform, delivery id, tenant org, AAD user, personal reference", () => {
    const a = personalMessage("ヘルプ", who);
    const r = activityToTurn(asActivity(a), text("ヘルプ"), open);
    if (!r.ok) throw new Error(r.reason);
    const { turn } = r;
    expect(turn.platform).toBe("teams");
    expect(turn.deliveryId).toBe(`${a.conversation.id}|${a.id}`);
    expect(turn.org.externalKey).toBe(`teams:${TENANT}`);
    expect(turn.user).toMatchObject({ platformUserId: a.from.aadObjectId, name: "山田 太郎", locale: "ja-JP", timeZone: "Asia/Tokyo" });
    expect(turn.conversation.kind).toBe("personal");
    expect(turn.conversation.key).toBe(`teams:${encodeURIComponent(a.conversation.id)}`);
    expect(turn.conversation.reference?.key).toBe(`teams:${a.from.aadObjectId}`);
    expect(turn.conversation.reference?.data).toMatchObject({
      serviceUrl: who.serviceUrl,
      channelId: "msteams",
      conversation: { id: a.conversation.id, tenantId: TENANT },
      bot: { id: BOT_ID },
      user: { id: a.from.id },
    });
  });

  it("falls back to from.id when there is no AAD object id", () => {
    const a = personalMessage("x", who) as unknown as { from: Record<string, unknown> };
    delete a.from.aadObjectId;
    const r = activityToTurn(asActivity(a), text("x"), open);
    expect(r.ok && r.turn.user.platformUserId).toBe(a.from.id);
  });

  it("gives channels and group chats their own reference key, never the personal one", () => {
    for (const a of [channelMention("No.115", who), groupMention("No.115", who)]) {
      const r = activityToTurn(asActivity(a), text("No.115"), open);
      if (!r.ok) throw new Error(r.reason);
      expect(r.turn.conversation.reference?.key).toBe(r.turn.conversation.key);
      expect(r.turn.conversation.reference?.key).not.toBe(`teams:${a.from.aadObjectId}`);
    }
  });

  it("keeps channel threads apart by the conversation id's messageid", () => {
    const a = activityToTurn(asActivity(channelMention("x", { ...who, root: "111" })), text("x"), open);
    const b = activityToTurn(asActivity(channelMention("x", { ...who, root: "222" })), text("x"), open);
    expect(a.ok && b.ok && a.turn.conversation.key !== b.turn.conversation.key).toBe(true);
  });

  it("reads the tenant from channelData when the conversation lacks it", () => {
    const a = channelMention("x", { ...who, tenant: "t-from-channeldata" }) as unknown as { conversation: Record<string, unknown> };
    delete a.conversation.tenantId;
    expect(tenantOf(asActivity(a))).toBe("t-from-channeldata");
    const r = activityToTurn(asActivity(a), text("x"), open);
    expect(r.ok && r.turn.org.externalKey).toBe("teams:t-from-channeldata");
  });

  it("refuses tenants outside the allow-list, and tenant-less activities when authenticated", () => {
    const a = personalMessage("x", { ...who, tenant: "other" });
    expect(activityToTurn(asActivity(a), text("x"), { allowedTenants: ["mine"], authenticated: true })).toEqual({ ok: false, reason: "tenant-not-allowed", tenant: "other" });
    expect(activityToTurn(asActivity(a), text("x"), { allowedTenants: ["other"], authenticated: true }).ok).toBe(true);
    const bare = { ...personalMessage("x", who), conversation: { id: "c1" }, channelData: {} };
    expect(activityToTurn(asActivity(bare), text("x"), open)).toEqual({ ok: false, reason: "no-tenant" });
    const emulator = activityToTurn(asActivity(bare), text("x"), { allowedTenants: [], authenticated: false });
    expect(emulator.ok && emulator.turn.org.externalKey).toBe("teams:local");
  });

  it("classifies conversation kinds", () => {
    expect(conversationKind(asActivity(personalMessage("x", who)))).toBe("personal");
    expect(conversationKind(asActivity(channelMention("x", who)))).toBe("channel");
    expect(conversationKind(asActivity(groupMention("x", who)))).toBe("group");
  });
});

describe("messageText", () => {
  it("removes the bot's mention and trims", () => {
    expect(messageText(asActivity(channelMention("No.115", who)))).toBe("No.115");
    expect(messageText(asActivity(channelMention("  No.116 は？ ", who)))).toBe("No.116 は？");
  });

  it("keeps other people's names, strips HTML and decodes entities", () => {
    const a = { ...channelMention(" <at>佐藤</at>さんと&nbsp;<p>No.1 &amp; No.2</p>", who) };
    expect(messageText(asActivity(a))).toBe("佐藤さんと No.1 & No.2");
  });

  it("does not change the activity it reads", () => {
    const a = channelMention("No.115", who);
    messageText(asActivity(a));
    expect(a.text).toContain("<at>");
  });
});

describe("readExecuteAction", () => {
  it("reads our verb's data, gives null for unreadable data, undefined for anything else", () => {
    expect(readExecuteAction(asActivity(cardInvoke(executeValue({ i: "show_item", p: { nos: [116] } }), who)))).toEqual({
      action: { intent: "show_item", params: { nos: [116] } },
    });
    expect(readExecuteAction(asActivity(cardInvoke(executeValue({ i: 1 }), who)))).toEqual({ action: null });
    expect(readExecuteAction(asActivity(cardInvoke(undefined, who)))).toBeUndefined();
    expect(readExecuteAction(asActivity(cardInvoke(executeValue({}, "refresh"), who)))).toBeUndefined();
    expect(readExecuteAction(asActivity(cardInvoke({ action: { type: "Action.Submit", verb: "jama" } }, who)))).toBeUndefined();
  });
});

describe("filesOf (supportsFiles: file.download.info attachments)", () => {
  const withFile = (downloadUrl: string) =>
    asActivity({
      ...personalMessage("", who),
      attachments: [{ contentType: "application/vnd.microsoft.teams.file.download.info", name: "sheet.xlsx", content: { downloadUrl, uniqueId: "u1", fileType: "xlsx" } }],
    });

  it("downloads a file, and stops past the size bound instead of reading gigabytes into memory (Teams gives no size)", async () => {
    let sent = 0;
    const chunk = Buffer.alloc(1024 * 1024, 1);
    const server = createServer((req, res) => {
      if (req.url === "/small") return void res.end("abc");
      if (req.url === "/redirect") return void res.writeHead(302, { location: "http://localhost:1/internal" }).end();
      // chunked, no content-length: only counting while reading can stop it
      const big = req.url === "/big-declared";
      if (big) res.setHeader("content-length", String(MAX_TEAMS_DOWNLOAD_BYTES * 3));
      const pump = () => {
        while (sent < MAX_TEAMS_DOWNLOAD_BYTES * 3 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const [small] = filesOf(withFile(`${base}/small`), { testHost: "127.0.0.1" });
      expect(small.name).toBe("sheet.xlsx");
      expect((await small.download()).toString()).toBe("abc");
      await expect(filesOf(withFile(`${base}/big-declared`), { testHost: "127.0.0.1" })[0].download()).rejects.toThrow(/larger than/);
      sent = 0;
      await expect(filesOf(withFile(`${base}/big`), { testHost: "127.0.0.1" })[0].download()).rejects.toThrow(/larger than/);
      expect(sent).toBeLessThan(MAX_TEAMS_DOWNLOAD_BYTES * 3);
      // never a host but Microsoft's (or the configured test host): not the test host unconfigured,
      // not plain http, not a look-alike, not a redirect from an allowed host to another one
      for (const url of [`${base}/small`, "http://contoso.sharepoint.com/a.xlsx", "https://sharepoint.com.evil.example/a.xlsx", "https://evil.example/a.xlsx", "https://169.254.169.254/latest"])
        await expect(filesOf(withFile(url))[0].download(), url).rejects.toThrow(/no usable download URL/);
      await expect(filesOf(withFile(`${base}/redirect`), { testHost: "127.0.0.1" })[0].download()).rejects.toThrow(/refusing a redirect/);
      expect(isTeamsFileUrl(new URL("https://contoso-my.sharepoint.com/personal/x/_layouts/15/download.aspx?UniqueId=1"))).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
