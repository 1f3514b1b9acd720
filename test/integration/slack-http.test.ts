// Slack over HTTP, against the contract: validly signed requests into the real server (Bolt's
// ExpressReceiver on our express app), the Web API replaced by a local stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../helpers/app.ts";
import { startSlackHarness, type SlackHarness } from "../helpers/slack-harness.ts";
import { encodeAction } from "../../src/channels/slack/render-blocks.ts";
import { logLines, until } from "../helpers/wait.ts";
import {
  BOT_TOKEN,
  SIGNING_SECRET,
  blockAction,
  dmEvent,
  mentionEvent,
  sign,
  slashCommand,
  type FakeSlack,
} from "../helpers/slack.ts";

describe("Slack HTTP endpoint", () => {
  let h: SlackHarness;
  let slack: FakeSlack;
  let app: TestApp;
  let base: string;

  beforeAll(async () => {
    h = await startSlackHarness();
    ({ slack, app } = h);
    base = `http://127.0.0.1:${h.server.port}`;
  });
  afterAll(async () => h?.close());

  const postJson = (body: unknown, headers: Record<string, string> = {}, raw = JSON.stringify(body)) => h.postJson(body, headers, raw);
  const postForm = (form: string, headers: Record<string, string> = {}) => h.postForm(form, headers);
  const postsTo = (channel: string) => h.postsTo(channel);

  it("serves the health check", async () => {
    // Slack's auth.test runs in the background at start-up: "connecting" until it answered
    await until(async () => ((await (await fetch(`${base}/healthz`)).json()) as { slack: string }).slack === "ok", "Slack connected");
    const r = await fetch(`${base}/healthz`);
    expect(await r.json()).toMatchObject({ ok: true, db: "ok", slack: "ok", degraded: [] });
  });

  it("answers the url_verification handshake", async () => {
    const r = await postJson({ type: "url_verification", challenge: "abc123", token: "t" });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("abc123");
  });

  it("answers a DM with an item card in Block Kit", async () => {
    const ev = dmEvent("No.115", { user: "UDM1" });
    const r = await postJson(ev);
    expect(r.status).toBe(200);
    const [post] = await slack.waitFor("chat.postMessage");
    const dm = postsTo("DUDM1");
    expect(dm).toHaveLength(1);
    expect(String(post.args.text)).toContain("No.115");
    const blocks = post.args.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]).toMatchObject({ type: "header" });
    expect(JSON.stringify(blocks)).toContain("当方の解釈");
    expect(blocks.some((b) => b.type === "actions")).toBe(true);
    // the person's name and time zone come from users.info
    const user = await app.services.db.user.findFirst({ where: { platformUserId: "UDM1" } });
    expect(user).toMatchObject({ displayName: "Test User" });
  });

  it("answers an @mention in the thread of that message, without the mention text", async () => {
    const ev = mentionEvent("No.124", { channel: "CMENTION", ts: "1700000500.000100" });
    await postJson(ev);
    await until(() => postsTo("CMENTION").length > 0, "the answer in the thread");
    const [post] = postsTo("CMENTION");
    expect(post.args.thread_ts).toBe("1700000500.000100");
    expect(String(post.args.text)).toContain("No.124");
  });

  it("gives one answer to an event delivered four times (Slack retries with the same event)", async () => {
    const ev = dmEvent("No.136", { user: "URETRY" });
    const raw = JSON.stringify(ev);
    const results = await Promise.all([
      postJson(ev, {}, raw),
      postJson(ev, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" }, raw),
    ]);
    await postJson(ev, { "x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout" }, raw);
    await postJson(ev, { "x-slack-retry-num": "3", "x-slack-retry-reason": "http_timeout" }, raw);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    // done when the three copies were dropped and the first one answered
    await until(() => logLines(app.logs, "duplicate delivery dropped", ev.event.ts).length === 3 && postsTo("DURETRY").length > 0, "three copies dropped and one answer");
    expect(postsTo("DURETRY")).toHaveLength(1);
    const rows = await app.services.db.inboxDelivery.count({ where: { deliveryId: { contains: ev.event.ts } } });
    expect(rows).toBe(1);
  });

  it("rejects a bad signature, a changed body, an old timestamp and a missing signature with 401, changing nothing", async () => {
    const before = slack.calls.length;
    const users = await app.services.db.user.count();
    const ev = dmEvent("No.1", { user: "UFORGED" });
    const raw = JSON.stringify(ev);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const cases = [
      { ...sign(raw, undefined, "wrong-secret") },
      { ...sign(raw.replace("No.1", "No.2")) },
      { ...sign(raw, old) },
      { "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)) },
    ];
    for (const headers of cases) {
      const r = await fetch(`${base}/slack/events`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: raw });
      expect(r.status).toBe(401);
    }
    // refused before anything runs: no turn was started, so there is nothing to wait for
    expect(slack.calls.length).toBe(before);
    expect(await app.services.db.user.count()).toBe(users);
  });

  it("refuses a validly signed request dated more than 5 minutes in the future (it could be replayed until then)", async () => {
    const before = slack.calls.length;
    const raw = JSON.stringify(dmEvent("No.1", { user: "UFUTURE" }));
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    const r = await fetch(`${base}/slack/events`, { method: "POST", headers: { "content-type": "application/json", ...sign(raw, future) }, body: raw });
    expect(r.status).toBe(401);
    expect(slack.calls.length).toBe(before);
    expect(await app.services.db.user.count({ where: { platformUserId: "UFUTURE" } })).toBe(0);
  });

  it("refuses a body larger than any Slack event on its headers, even a validly signed one", async () => {
    const raw = JSON.stringify(dmEvent("No.1 " + "あ".repeat(150_000), { user: "UHUGE" }));
    expect(Buffer.byteLength(raw)).toBeGreaterThan(256 * 1024);
    const r = await postJson(undefined, {}, raw);
    expect(r.status).toBe(413);
    expect(await app.services.db.user.count({ where: { platformUserId: "UHUGE" } })).toBe(0);
  });

  it("refuses an event that names no workspace instead of pooling it into one unknown company", async () => {
    const ev = dmEvent("No.1", { user: "UNOTEAM", channel: "DUNOTEAM" }) as Record<string, unknown>;
    delete ev.team_id;
    (ev.event as Record<string, unknown>).team = undefined;
    ev.authorizations = [{ enterprise_id: null, team_id: null, user_id: "UBOT", is_bot: true }];
    expect((await postJson(ev)).status).toBe(200);
    // a genuine message sent afterwards is answered; by then the first would have been too
    await postJson(dmEvent("No.2", { user: "UTEAMPROBE" }));
    await until(() => postsTo("DUTEAMPROBE").length > 0, "the answer to the genuine message");
    expect(postsTo("DUNOTEAM")).toEqual([]);
    expect(await app.services.db.organization.count({ where: { externalKey: { startsWith: "slack:unknown" } } })).toBe(0);
    expect(await app.services.db.user.count({ where: { platformUserId: "UNOTEAM" } })).toBe(0);
  });

  it("does not let an unsigned ssl_check smuggle an action (bolt >= 4.7.2)", async () => {
    const before = slack.calls.length;
    const payload = blockAction(encodeAction({ intent: "show_item", params: { nos: [1] } })!, { responseUrl: slack.responseUrl("smuggle") });
    const body = `ssl_check=1&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const r = await fetch(`${base}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    // Bolt either answers the bare ssl_check or refuses the request; it never runs the payload
    expect([200, 401]).toContain(r.status);
    // a genuine click sent afterwards is answered; by then a smuggled one would have been too
    const probe = blockAction(encodeAction({ intent: "show_item", params: { nos: [2] } })!, { user: "UPROBE", channel: "CPROBE", responseUrl: slack.responseUrl("probe") });
    await postForm(`payload=${encodeURIComponent(JSON.stringify(probe))}`);
    await until(() => postsTo("CPROBE").length > 0, "the answer to the genuine click");
    expect(slack.calls.slice(before).filter((c) => c.method !== "users.info" && c.args.channel !== "CPROBE")).toEqual([]);
  });

  it("acknowledges well within 3 seconds even when answering takes longer", async () => {
    slack.delay("chat.postMessage", 3500);
    try {
      const started = Date.now();
      const r = await postJson(dmEvent("ヘルプ", { user: "USLOW" }));
      const ackMs = Date.now() - started;
      expect(r.status).toBe(200);
      expect(ackMs).toBeLessThan(3000); // the contract, not a benchmark: Slack retries after 3 s
      await until(() => postsTo("DUSLOW").length > 0, "the slow answer");
      expect(postsTo("DUSLOW")).toHaveLength(1);
    } finally {
      slack.delay("chat.postMessage", 0);
    }
  });

  it("answers a button click in the thread and treats a forged value politely", async () => {
    const ok = blockAction(encodeAction({ intent: "show_item", params: { nos: [116] } })!, {
      user: "UBTN",
      channel: "CBTN",
      messageTs: "1700000600.000100",
      responseUrl: slack.responseUrl("btn1"),
    });
    const r = await postForm(`payload=${encodeURIComponent(JSON.stringify(ok))}`);
    expect(r.status).toBe(200);
    await until(() => postsTo("CBTN").length > 0, "the answer to the button");
    const [post] = postsTo("CBTN");
    expect(String(post.args.text)).toContain("No.116");
    expect(post.args.thread_ts).toBe("1700000600.000100");

    for (const value of ['{"i":"show_item","p":{"nos":"x"}}', "not json", '{"i":"unknown_intent","p":{}}']) {
      const bad = blockAction(value, { user: "UBTN", channel: "CBTN2", responseUrl: slack.responseUrl("btn2") });
      await postForm(`payload=${encodeURIComponent(JSON.stringify(bad))}`);
    }
    await until(() => postsTo("CBTN2").length >= 3, "three polite refusals");
    const answers = postsTo("CBTN2");
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(String(a.args.text)).toContain("読み取れませんでした");
  });

  it("answers the slash command through its response_url, only to the user", async () => {
    const r = await postForm(slashCommand("No.148", { user: "UCMD", responseUrl: slack.responseUrl("cmd1") }));
    expect(r.status).toBe(200);
    const calls = await slack.waitFor("response_url");
    const mine = calls.find((c) => c.args.id === "cmd1")!;
    expect(mine.args.response_type).toBe("ephemeral");
    expect(String(mine.args.text)).toContain("No.148");
    // an empty command shows help
    await postForm(slashCommand("", { user: "UCMD", responseUrl: slack.responseUrl("cmd2") }));
    await until(() => slack.calls.some((c) => c.method === "response_url" && c.args.id === "cmd2"), "the help");
    const help = slack.calls.find((c) => c.method === "response_url" && c.args.id === "cmd2")!;
    expect(String(help.args.text)).toContain("チェックシート");
  });

  it("retries a failed post a few times and posts the answer once", async () => {
    slack.failNext("chat.postMessage", { status: 503, times: 2 });
    await postJson(dmEvent("No.149", { user: "UFLAKY" }));
    await slack.waitFor("chat.postMessage:failed", 2).catch(() => {});
    await until(() => postsTo("DUFLAKY").length > 0, "the answer after two failures");
    expect(postsTo("DUFLAKY")).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === "chat.postMessage:failed" && c.args.channel === "DUFLAKY")).toHaveLength(2);
  });

  it("never logs tokens or the signing secret", () => {
    const all = app.logs.join("\n");
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(SIGNING_SECRET);
  });
});
