// The way out under a misbehaving Slack Web API (the local stand-in enforces Slack's ~1 message/s
// per channel with 429 + Retry-After, answers 503): every answer is delivered once, in order, and a
// booking's confirmation that cannot be delivered now is delivered later.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../helpers/app.ts";
import { startSlackHarness, type SlackHarness } from "../helpers/slack-harness.ts";
import { dmEvent, type FakeSlack } from "../helpers/slack.ts";
import { until } from "../helpers/wait.ts";
import { sessionsOpenAt } from "../helpers/booking.ts";

describe("Slack delivery under rate limits and outages", { timeout: 180_000 }, () => {
  let h: SlackHarness;
  let slack: FakeSlack;
  let app: TestApp;

  beforeAll(async () => {
    // short retry delays so the test is quick; pacing stays Slack's 1 message/s per channel
    h = await startSlackHarness({}, { delivery: { backoffMs: () => 150 } });
    ({ slack, app } = h);
    await sessionsOpenAt(app.services.db); // the adapter stamps turns with the machine's clock
  });
  afterAll(async () => h?.close());

  it("delivers 30 answers into one channel under Slack's 1/s limit: all 30, once each, in order", async () => {
    slack.limitPerChannel("chat.postMessage", 1_000, 1);
    const started = Date.now();
    for (let i = 1; i <= 30; i++) expect((await h.postJson(dmEvent(`No.${i}`, { user: "UBURST" }))).status).toBe(200);
    await until(() => slack.accepted("chat.postMessage", "DUBURST").length >= 30, "30 answers", 120_000);
    await new Promise((r) => setTimeout(r, 1_500)); // a 31st (a copy) would arrive within this
    const posts = slack.accepted("chat.postMessage", "DUBURST");
    expect(posts).toHaveLength(30);
    const items = posts.map((p) => /No\.(\d+)/.exec(String(p.args.text))?.[1]).map(Number);
    expect(items).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // and nothing was lost to the limit: no failure logged as a retired delivery
    expect(app.logs.filter((l) => l.includes("delivery retired"))).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(29_000);
  });

  it("honours Retry-After: answers refused with 429 are sent again after the wait, not dropped", async () => {
    // the limit is stricter than our pacing: every second post is refused first
    slack.limitPerChannel("chat.postMessage", 1_500, 2);
    for (let i = 1; i <= 3; i++) await h.postJson(dmEvent(`No.${40 + i}`, { user: "URETRYAFTER" }));
    await until(() => slack.accepted("chat.postMessage", "DURETRYAFTER").length >= 3, "3 answers", 60_000);
    expect(slack.calls.filter((c) => c.method === "chat.postMessage:429" && c.args.channel === "DURETRYAFTER").length).toBeGreaterThan(0);
    const items = slack.accepted("chat.postMessage", "DURETRYAFTER").map((p) => /No\.(\d+)/.exec(String(p.args.text))?.[1]);
    expect(items).toEqual(["41", "42", "43"]);
    slack.limitPerChannel("chat.postMessage", 0);
  });

  it("delivers a booking's confirmation that got 503 four times, once, with its invite", async () => {
    slack.failNext("chat.postMessage", { status: 503, times: 4 });
    await h.postJson(dmEvent("第3回を予約", { user: "U503" }));
    await until(() => slack.accepted("chat.postMessage", "DU503").length >= 1, "the confirmation", 30_000);
    await until(() => slack.calls.some((c) => c.method === "files.completeUploadExternal"), "the invite", 30_000);
    await new Promise((r) => setTimeout(r, 500));
    const posts = slack.accepted("chat.postMessage", "DU503");
    expect(posts).toHaveLength(1);
    expect(String(posts[0].args.text)).toContain("席を予約しました");
    expect(slack.calls.filter((c) => c.method === "chat.postMessage:failed").length).toBe(4);
  });
});

describe("a post whose outcome is unknown (Slack answers slower than the client waits)", { timeout: 120_000 }, () => {
  let h: SlackHarness;
  let slack: FakeSlack;

  beforeAll(async () => {
    // the client gives up after 300 ms; the retry waits long enough for the slow post to land
    h = await startSlackHarness({}, { delivery: { timeoutMs: 300, backoffMs: () => 1_500 } });
    ({ slack } = h);
  });
  afterAll(async () => h?.close());

  it("looks for the timed-out post in the DM before sending it again: one copy reaches Slack", async () => {
    slack.delay("chat.postMessage", 800);
    await h.postJson(dmEvent("No.77", { user: "USLOW" }));
    await until(() => slack.calls.some((c) => c.method === "conversations.history"), "the look-up after the timeout", 30_000);
    await new Promise((r) => setTimeout(r, 2_500));
    slack.delay("chat.postMessage", 0);
    const posts = slack.accepted("chat.postMessage", "DUSLOW");
    expect(posts).toHaveLength(1);
    expect(String(posts[0].args.text)).toContain("No.77");
  });
});

describe("a confirmation that cannot be delivered now", { timeout: 120_000 }, () => {
  let h: SlackHarness;
  let slack: FakeSlack;
  let app: TestApp;

  beforeAll(async () => {
    // Slack stays down longer than the delivery's deadline
    h = await startSlackHarness({}, { delivery: { backoffMs: () => 100, deadlineMs: 600 } });
    ({ slack, app } = h);
    await sessionsOpenAt(app.services.db); // the adapter stamps turns with the machine's clock
  });
  afterAll(async () => h?.close());

  it("keeps the seat, queues the confirmation in the outbox, and delivers it once Slack is back", async () => {
    slack.failNext("chat.postMessage", { status: 503, times: 1000 });
    await h.postJson(dmEvent("第4回を予約", { user: "ULATER" }));
    await until(async () => (await app.services.db.outboxMessage.count({ where: { kind: "booking_confirmed" } })) === 1, "the confirmation queued", 30_000);
    expect(slack.accepted("chat.postMessage", "DULATER")).toHaveLength(0);
    const user = await app.services.db.user.findFirstOrThrow({ where: { platformUserId: "ULATER" } });
    expect(await app.services.db.booking.count({ where: { userId: user.id, status: "confirmed" } })).toBe(1);

    slack.failNext("chat.postMessage", { status: 503, times: 0 }); // Slack is back
    const tick = await app.booking.outbox.tick(new Date(Date.now() + 1_000));
    expect(tick.sent).toBe(1);
    const posts = slack.accepted("chat.postMessage", "ULATER");
    expect(posts).toHaveLength(1);
    expect(String(posts[0].args.text)).toContain("席を予約しました");
    await until(() => slack.calls.some((c) => c.method === "files.completeUploadExternal"), "the invite", 30_000);
    // a second tick sends nothing more
    expect((await app.booking.outbox.tick(new Date(Date.now() + 2_000))).sent).toBe(0);
  });

  it("sends the text once when the invite upload fails: the later delivery sends only the invite", async () => {
    slack.failNext("files.getUploadURLExternal", { status: 503, times: 1000 });
    await h.postJson(dmEvent("第6回を予約", { user: "UFILE" }));
    await until(async () => (await app.services.db.outboxMessage.count({ where: { kind: "booking_confirmed", status: "pending" } })) === 1, "the confirmation queued", 30_000);
    expect(slack.accepted("chat.postMessage", "DUFILE")).toHaveLength(1);
    const uploads = slack.calls.filter((c) => c.method === "files.completeUploadExternal").length;

    slack.failNext("files.getUploadURLExternal", { status: 503, times: 0 }); // the file host is back
    expect((await app.booking.outbox.tick(new Date(Date.now() + 3_000))).sent).toBe(1);
    expect(slack.calls.filter((c) => c.method === "files.completeUploadExternal").length).toBe(uploads + 1);
    // the text went out once, in the first delivery; the outbox sent only the missing invite
    expect(slack.accepted("chat.postMessage", "DUFILE")).toHaveLength(1);
    expect(slack.accepted("chat.postMessage", "UFILE")).toHaveLength(0);
  });
});
