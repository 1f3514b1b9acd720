// The Teams channel through the real server and pipeline, without authentication (TEAMS_ENABLED,
// as with the Bot Framework Emulator), with a local Bot Connector at the activities' serviceUrl.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startServer, type RunningServer } from "../../src/server.ts";
import { defineIntent } from "../../src/core/intent.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { until } from "../helpers/wait.ts";
import {
  BOT_ID,
  TENANT,
  cardInvoke,
  channelMention,
  executeValue,
  groupMention,
  personalInstall,
  personalMessage,
  postActivity,
  startFakeConnector,
  submitAction,
  visible,
  type FakeConnector,
} from "../helpers/teams.ts";

/** Stands in for a later intent that shows a company's own answers (private data). */
const privateAnswers = defineIntent({
  name: "test_private_answers",
  description: { ja: "テスト用", en: "test only" },
  examples: { ja: [], en: [] },
  params: z.object({}).strict(),
  match: (text) => (text.includes("うちの回答") ? {} : null),
  async handle() {
    return { text: "貴社の回答: No.115 達成 (SECRET-ANSWER-DATA)", blocks: [{ type: "text", text: "貴社の回答: No.115 達成 (SECRET-ANSWER-DATA)" }], private: true };
  },
});

type Card = { contentType: string; content: { type: string; version: string; body: unknown[] } };

describe("Teams channel (no authentication)", () => {
  let app: TestApp;
  let running: RunningServer;
  let connector: FakeConnector;

  beforeAll(async () => {
    app = await createTestApp({ TEAMS_ENABLED: "true" }, { extraIntents: [privateAnswers] });
    // short retry delays so the outage test is quick
    running = await startServer(app, { port: 0, delivery: { backoffMs: () => 100 } });
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await running?.close();
    await connector?.close();
    await app?.close();
  });
  afterEach(async () => {
    await running.teams!.idle();
    connector.calls.length = 0;
  });

  const who = (o: Record<string, string> = {}) => ({ serviceUrl: connector.url, ...o });
  const settle = () => running.teams!.idle();

  it("answers ヘルプ in a personal chat with exactly one message carrying an Adaptive Card", async () => {
    const activity = personalMessage("ヘルプ", who());
    const res = await postActivity(running.port, activity);
    expect(res.status).toBe(200);
    await settle();
    const posts = connector.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0].conversationId).toBe(activity.conversation.id);
    expect(posts[0].replyToId).toBe(activity.id);
    const attachments = posts[0].body.attachments as Card[];
    expect(attachments).toHaveLength(1);
    expect(attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(attachments[0].content.type).toBe("AdaptiveCard");
    expect(attachments[0].content.version).toBe("1.5");
    expect(visible(posts[0])).toContain("できること");
    // the help card's buttons carry { i, p } for the next turn
    expect(JSON.stringify(attachments[0].content)).toContain('"data":{"i":"show_item","p":{"nos":[1]}}');
  });

  it("answers two people whose messages share an activity id in different conversations, and a redelivery once", async () => {
    // Teams activity ids are timestamps scoped to a conversation: only (conversation, id) is unique.
    const a = personalMessage("ヘルプ", who({ aad: "aaaaaaaa-0000-0000-0000-0000000000d1", id: "1700000099001" }));
    const b = personalMessage("ヘルプ", who({ aad: "bbbbbbbb-0000-0000-0000-0000000000d2", id: "1700000099001" }));
    expect(a.conversation.id).not.toBe(b.conversation.id);
    await postActivity(running.port, a);
    await postActivity(running.port, b);
    await postActivity(running.port, a); // the same activity again (Bot Service redelivers)
    await settle();
    expect(connector.posts().map((p) => p.conversationId).sort()).toEqual([a.conversation.id, b.conversation.id].sort());
  });

  it("answers a channel @mention about No.115 in the thread, with the mention removed", async () => {
    const activity = channelMention("No.115", who());
    await postActivity(running.port, activity);
    await settle();
    const posts = connector.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0].conversationId).toBe(activity.conversation.id);
    expect(posts[0].conversationId).toContain(";messageid=");
    expect(visible(posts[0])).toContain("No.115");
    expect(visible(posts[0])).not.toContain("<at>");
  });

  it("answers a group-chat mention too", async () => {
    await postActivity(running.port, groupMention(" No.116", who()));
    await settle();
    expect(connector.posts()).toHaveLength(1);
    expect(visible(connector.posts()[0])).toContain("No.116");
  });

  it("answers an Action.Submit carrying {i:'show_item', p:{nos:[116]}} with item 116", async () => {
    await postActivity(running.port, submitAction({ i: "show_item", p: { nos: [116] } }, who()));
    await settle();
    const posts = connector.posts();
    expect(posts).toHaveLength(1);
    expect(visible(posts[0])).toContain("No.116");
  });

  it("answers a malformed submit value politely and changes nothing", async () => {
    for (const value of [{ foo: 1 }, "not json", { i: "show_item", p: "x" }, { i: "show_item", p: { nos: ["a"] } }]) {
      await postActivity(running.port, submitAction(value, who()));
    }
    await settle();
    const posts = connector.posts();
    expect(posts).toHaveLength(4);
    for (const p of posts) expect(String(p.body.text)).toContain("読み取れませんでした");
  });

  it("answers the same activity delivered twice (also concurrently) only once", async () => {
    const activity = personalMessage("No.115", who());
    await Promise.all([postActivity(running.port, activity), postActivity(running.port, activity)]);
    await postActivity(running.port, activity);
    await settle();
    expect(connector.posts()).toHaveLength(1);
  });

  it("keys the organisation by tenant and remembers a personal reference under teams:<user>", async () => {
    const aad = "aaaaaaaa-0000-0000-0000-0000000000a1";
    await postActivity(running.port, personalMessage("ヘルプ", who({ aad })));
    await postActivity(running.port, channelMention("No.115", who({ aad })));
    await settle();
    const org = await app.db.prisma.organization.findUnique({ where: { externalKey: `teams:${TENANT}` } });
    expect(org).not.toBeNull();
    const user = await app.db.prisma.user.findFirst({ where: { platform: "teams", platformUserId: aad } });
    expect(user?.displayName).toBe("山田 太郎");
    const refs = await app.db.prisma.conversationRef.findMany({ where: { userId: user!.id } });
    const keys = refs.map((r) => r.conversationKey).sort();
    expect(keys).toContain(`teams:${aad}`);
    expect(keys.some((k) => k.startsWith("teams:19%3A"))).toBe(true);
    const personal = refs.find((r) => r.conversationKey === `teams:${aad}`)!.reference as { conversation: { id: string }; serviceUrl: string };
    expect(personal.conversation.id).toMatch(/^a:/);
    expect(personal.serviceUrl).toBe(connector.url);
  });

  it("sends proactively to a stored personal reference", async () => {
    const aad = "aaaaaaaa-0000-0000-0000-0000000000a2";
    await postActivity(running.port, personalMessage("ヘルプ", who({ aad })));
    await settle();
    connector.calls.length = 0;
    const user = await app.db.prisma.user.findFirst({ where: { platformUserId: aad } });
    const ref = await app.db.prisma.conversationRef.findFirst({ where: { userId: user!.id, conversationKey: `teams:${aad}` } });
    await running.teams!.sendTo(ref!.reference, { text: "リマインダー / Reminder", blocks: [{ type: "text", text: "リマインダー / Reminder" }] });
    const posts = connector.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0].conversationId).toBe((ref!.reference as { conversation: { id: string } }).conversation.id);
    expect(posts[0].body.text).toContain("リマインダー");
    await expect(running.teams!.sendTo({ nope: true }, { text: "x", blocks: [] })).rejects.toThrow(/reference/);
  });

  it("sends a private answer asked for in a channel to the user's personal chat and says so in the channel", async () => {
    const activity = channelMention(" うちの回答", who());
    await postActivity(running.port, activity);
    await settle();
    const creates = connector.calls.filter((c) => c.kind === "create");
    expect(creates).toHaveLength(1);
    expect(creates[0].body).toMatchObject({
      isGroup: false,
      bot: { id: BOT_ID },
      members: [{ id: activity.from.id }],
      tenantId: TENANT,
    });
    const posts = connector.posts();
    expect(posts).toHaveLength(2);
    const inPersonal = posts.find((p) => p.conversationId === "a:personal-1" || p.conversationId?.startsWith("a:personal-"))!;
    const inChannel = posts.find((p) => p.conversationId === activity.conversation.id)!;
    expect(visible(inPersonal)).toContain("SECRET-ANSWER-DATA");
    expect(visible(inChannel)).not.toContain("SECRET-ANSWER-DATA");
    expect(String(inChannel.body.text)).toMatch(/個人チャットでお送りしました[\s\S]*personal chat/);
  });

  it("keeps a private answer out of the channel when the personal chat cannot be opened", async () => {
    connector.failNext("create", 403);
    const activity = channelMention(" うちの回答", who());
    await postActivity(running.port, activity);
    await settle();
    const posts = connector.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0].conversationId).toBe(activity.conversation.id);
    expect(visible(posts[0])).not.toContain("SECRET-ANSWER-DATA");
    expect(String(posts[0].body.text)).toContain("個人チャットも開けませんでした");
    expect(app.logs.some((l) => l.includes("could not open a personal chat"))).toBe(true);
  });

  it("shows a private answer directly in a personal chat", async () => {
    await postActivity(running.port, personalMessage("うちの回答", who()));
    await settle();
    expect(connector.calls.filter((c) => c.kind === "create")).toHaveLength(0);
    expect(visible(connector.posts()[0])).toContain("SECRET-ANSWER-DATA");
  });

  describe("Action.Execute (invoke adaptiveCard/action)", () => {
    it("runs the action, posts the answer and returns an AdaptiveCardInvokeResponse", async () => {
      const res = await postActivity(running.port, cardInvoke(executeValue({ i: "show_item", p: { nos: [116] } }), who()));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message" });
      expect(connector.posts()).toHaveLength(1);
      expect(visible(connector.posts()[0])).toContain("No.116");
    });

    it("answers an invoke with no value with a 400 error response, not a 500", async () => {
      const res = await postActivity(running.port, cardInvoke(undefined, who()));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, type: "application/vnd.microsoft.error", value: { code: "BadRequest" } });
      expect(connector.posts()).toHaveLength(0);
    });

    it("answers an unknown verb or a non-Execute action with 400", async () => {
      for (const value of [executeValue({ i: "show_item", p: { nos: [116] } }, "other"), { action: { type: "Action.Submit", data: {} } }]) {
        const res = await postActivity(running.port, cardInvoke(value, who()));
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ type: "application/vnd.microsoft.error" });
      }
      expect(connector.posts()).toHaveLength(0);
    });

    it("answers unreadable Execute data politely (200) and a redelivered invoke as already handled", async () => {
      const bad = await postActivity(running.port, cardInvoke(executeValue({ i: 42 }), who()));
      expect(bad.status).toBe(200);
      expect(String(connector.posts()[0].body.text)).toContain("読み取れませんでした");
      const invoke = cardInvoke(executeValue({ i: "show_item", p: { nos: [117] } }), who());
      await postActivity(running.port, invoke);
      const again = await postActivity(running.port, invoke);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ statusCode: 200, value: expect.stringContaining("処理済み") });
      expect(connector.posts().filter((p) => visible(p).includes("No.117"))).toHaveLength(1);
    });
  });

  it("logs a refused send (403) without crashing, and tells an Action.Execute caller", async () => {
    connector.failNext("post", 403);
    const res = await postActivity(running.port, personalMessage("No.118", who()));
    expect(res.status).toBe(200);
    await settle();
    expect(connector.posts()).toHaveLength(0);
    expect(app.logs.some((l) => l.includes("teams send failed") && l.includes("403"))).toBe(true);
    expect(app.logs.join("\n")).not.toMatch(/Bearer\s+\S{20,}/);

    connector.failNext("post", 403);
    const invoke = await postActivity(running.port, cardInvoke(executeValue({ i: "show_item", p: { nos: [119] } }), who()));
    expect(invoke.status).toBe(200);
    expect(invoke.body).toMatchObject({ statusCode: 200, value: expect.stringContaining("送信できませんでした") });
  });

  it("gets one answer through a transient 502, retried by the delivery queue and not by the SDK on its own", async () => {
    const retriesBefore = app.logs.filter((l) => l.includes("delivery failed, retrying")).length;
    connector.failNext("post", 502);
    await postActivity(running.port, personalMessage("No.118", who()));
    await until(() => connector.posts().length > 0, "the answer after the 502", 30_000);
    await settle();
    expect(connector.posts()).toHaveLength(1);
    expect(visible(connector.posts()[0])).toContain("No.118");
    // the Bot Connector client's own retry policy is off (a retried post it had taken arrives
    // twice): the queue saw the 502 and retried it once, with its pacing and deadline
    expect(app.logs.filter((l) => l.includes("delivery failed, retrying")).length).toBe(retriesBefore + 1);
  });

  it("gets one answer through a longer Bot Connector outage (503 six times: more than the SDK's own retries)", async () => {
    connector.failNext("post", 503, 6);
    await postActivity(running.port, personalMessage("No.121", who()));
    await until(() => connector.posts().length > 0, "the answer after the outage", 60_000);
    await settle();
    expect(connector.posts()).toHaveLength(1);
    expect(visible(connector.posts()[0])).toContain("No.121");
  });

  it("greets with the help card when installed in a personal scope and ignores other updates", async () => {
    await postActivity(running.port, personalInstall(who()));
    await postActivity(running.port, { ...personalInstall(who()), membersAdded: [{ id: "29:someone-else" }] });
    await postActivity(running.port, { ...personalMessage("", who()), type: "typing" });
    await settle();
    expect(connector.posts()).toHaveLength(1);
    expect(visible(connector.posts()[0])).toContain("できること");
  });

  it("answers the Bot Framework Emulator (channelId emulator, no tenant, no Teams channelData) as the local organisation", async () => {
    // the shape the Emulator v4 posts: no conversationType, no aadObjectId, serviceUrl without a trailing slash
    const emulator = {
      type: "message",
      id: "emu-activity-1",
      channelId: "emulator",
      text: "No.115",
      textFormat: "plain",
      locale: "en-US",
      localTimezone: "Asia/Tokyo",
      timestamp: new Date().toISOString(),
      serviceUrl: connector.url.replace(/\/$/, ""),
      from: { id: "emu-user-0001", name: "User", role: "user" },
      recipient: { id: "emu-bot-0001", name: "Bot", role: "bot" },
      conversation: { id: "emu-conv-0001|livechat" },
      channelData: { clientActivityID: "c-1", clientTimestamp: new Date().toISOString() },
      entities: [{ type: "ClientCapabilities", requiresBotState: true, supportsListening: true, supportsTts: true }],
    };
    expect((await postActivity(running.port, emulator)).status).toBe(200);
    await settle();
    const posts = connector.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0].conversationId).toBe("emu-conv-0001|livechat");
    expect(visible(posts[0])).toContain("No.115");
    const user = await app.db.prisma.user.findFirst({ where: { platform: "teams", platformUserId: "emu-user-0001" }, include: { org: true } });
    expect(user?.org.externalKey).toBe("teams:local");
  });

  it("rejects bodies that are not activities with 400", async () => {
    expect((await postActivity(running.port, "{not json")).status).toBe(400);
    expect((await postActivity(running.port, [1, 2])).status).toBe(400);
    expect((await postActivity(running.port, { text: "no type" })).status).toBe(400);
  });
});

describe("Teams channel with a tenant allow-list", () => {
  let app: TestApp;
  let running: RunningServer;
  let connector: FakeConnector;

  beforeAll(async () => {
    app = await createTestApp({ TEAMS_ENABLED: "true", TEAMS_ALLOWED_TENANTS: "allowed-tenant-1, allowed-tenant-2" });
    running = await startServer(app, { port: 0 });
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await running?.close();
    await connector?.close();
    await app?.close();
  });

  it("does not process activities from other tenants and leaks no answer content", async () => {
    const who = { serviceUrl: connector.url, tenant: "intruder-tenant" };
    await postActivity(running.port, personalMessage("No.115", who));
    await postActivity(running.port, submitAction({ i: "show_item", p: { nos: [116] } }, who));
    const invoke = await postActivity(running.port, cardInvoke(executeValue({ i: "show_item", p: { nos: [116] } }), who));
    await running.teams!.idle();
    expect(invoke.status).toBe(403);
    for (const p of connector.posts()) {
      expect(visible(p)).not.toMatch(/No\.11[56]/);
      expect(String(p.body.text)).toContain("利用できません");
    }
    expect(await app.db.prisma.inboxDelivery.count()).toBe(0);
    expect(await app.db.prisma.organization.count({ where: { externalKey: "teams:intruder-tenant" } })).toBe(0);
    expect(app.logs.some((l) => l.includes("teams activity refused") && l.includes("intruder-tenant"))).toBe(true);
  });

  it("answers a listed tenant, found in channelData when the conversation lacks it", async () => {
    connector.calls.length = 0;
    const activity = channelMention("No.115", { serviceUrl: connector.url, tenant: "allowed-tenant-2" });
    delete (activity.conversation as { tenantId?: string }).tenantId;
    await postActivity(running.port, activity);
    await running.teams!.idle();
    expect(connector.posts()).toHaveLength(1);
    expect(visible(connector.posts()[0])).toContain("No.115");
    expect(await app.db.prisma.organization.count({ where: { externalKey: "teams:allowed-tenant-2" } })).toBe(1);
  });
});
