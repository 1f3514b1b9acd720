// Booking over the signed Slack path: a booking and a waitlist place by DM and by button, a
// cancellation, and the promotion's proactive message reaching the (fake) Slack Web API's
// chat.postMessage in the promoted person's DM, with the calendar invite uploaded next to it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../helpers/app.ts";
import { startSlackHarness, type SlackHarness } from "../helpers/slack-harness.ts";
import { encodeAction } from "../../src/channels/slack/render-blocks.ts";
import { blockAction, dmEvent, mentionEvent, type FakeSlack } from "../helpers/slack.ts";
import { parseInvite, sessionsOpenAt } from "../helpers/booking.ts";
import { until } from "../helpers/wait.ts";

describe("booking over Slack HTTP", () => {
  let h: SlackHarness;
  let slack: FakeSlack;
  let app: TestApp;

  beforeAll(async () => {
    h = await startSlackHarness();
    ({ slack, app } = h);
    await sessionsOpenAt(app.services.db); // the adapter stamps turns with the machine's clock
  });
  afterAll(async () => h?.close());

  const postJson = (body: unknown) => h.postJson(body);
  const postForm = (form: string) => h.postForm(form);
  const postsTo = (channel: string) => h.postsTo(channel);
  const postCount = () => h.postCount();

  it("a seat freed by a cancellation goes to the first on the waitlist, who is told in Slack", async () => {
    expect(app.booking.senders.slack).toBeDefined();
    await app.services.booking.changeSession(5, { capacity: 1 }, new Date());

    const n0 = postCount();
    expect((await postJson(dmEvent("第5回を予約", { user: "UHOLD" }))).status).toBe(200);
    await slack.waitFor("chat.postMessage", n0 + 1);
    const [booked] = postsTo("DUHOLD");
    expect(String(booked.args.text)).toContain("席を予約しました");

    // the waitlist through the button on the "full" answer
    const n = postCount();
    await postJson(dmEvent("第5回を予約", { user: "UWAIT" }));
    await slack.waitFor("chat.postMessage", n + 1);
    const full = postsTo("DUWAIT")[0];
    expect(String(full.args.text)).toContain("満席です");
    const button = encodeAction({ intent: "session_book", params: { seriesNo: 5, waitlist: true } })!;
    expect(JSON.stringify(full.args.blocks)).toContain(JSON.stringify(button).slice(1, -1));
    const m = postCount();
    await postForm(`payload=${encodeURIComponent(JSON.stringify(blockAction(button, { user: "UWAIT", responseUrl: slack.responseUrl("wait") })))}`);
    await slack.waitFor("chat.postMessage", m + 1);
    expect(String(postsTo("DUWAIT")[1].args.text)).toContain("現在 1 番目");

    const c = postCount();
    await postJson(dmEvent("第5回をキャンセル", { user: "UHOLD" }));
    await slack.waitFor("chat.postMessage", c + 1);
    expect(String(postsTo("DUHOLD").at(-1)!.args.text)).toContain("予約を取り消しました");

    // the outbox worker sends the promotion through the Slack channel's sendTo
    const p = postCount();
    const tick = await app.booking.outbox.tick(new Date());
    expect(tick.sent).toBe(1);
    await slack.waitFor("chat.postMessage", p + 1);
    const [promotion] = postsTo("UWAIT");
    expect(String(promotion.args.text)).toContain("キャンセル待ちをしていた 第5回(仮)");
    const uploads = slack.calls.filter((x) => x.method === "upload");
    // the upload is multipart form data: the calendar file is the part between BEGIN and END
    const body = (uploads.at(-1)!.args.data as Buffer).toString("utf8");
    const ics = /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(body)?.[0];
    expect(ics).toBeDefined();
    expect(parseInvite(ics!)).toMatchObject({ method: "REQUEST", status: "CONFIRMED" });
    // sent once: another tick finds nothing to send
    expect((await app.booking.outbox.tick(new Date())).sent).toBe(0);
    expect(postsTo("UWAIT")).toHaveLength(1);
  });

  it("answers a booking asked for in a channel only to the asker, with the invite in their DM", async () => {
    const before = slack.calls.length;
    await postJson(mentionEvent("第6回を予約", { user: "UCHAN", channel: "CTEAM" }));
    const [eph] = (await slack.waitFor("chat.postEphemeral")).filter((c) => c.args.user === "UCHAN");
    expect(eph.args.channel).toBe("CTEAM");
    expect(String(eph.args.text)).toContain("席を予約しました");
    // nothing about the booking was posted for everyone in the channel
    expect(postsTo("CTEAM")).toHaveLength(0);
    await until(() => slack.calls.slice(before).some((c) => c.method === "files.completeUploadExternal"), "the invite upload");
    const complete = slack.calls.slice(before).find((c) => c.method === "files.completeUploadExternal")!;
    expect(String(complete.args.channel_id)).not.toBe("CTEAM");
  });
});

describe("a Slack deployment with no sessions yet", () => {
  let h: SlackHarness;
  let slack: FakeSlack;
  let app: TestApp;

  beforeAll(async () => {
    // SESSIONS_DEMO left to the derivation: Slack is configured, so no demo sessions
    h = await startSlackHarness({ SESSIONS_DEMO: "" });
    ({ slack, app } = h);
  });
  afterAll(async () => h?.close());

  it("says the dates are not announced, records 「開催が決まったら通知」 from the button, and tells the person in Slack when a session is added", async () => {
    expect(await app.services.db.session.count()).toBe(0);
    const n0 = h.postCount();
    await h.postJson(dmEvent("相談会の予定は？", { user: "UNOTE" }));
    await slack.waitFor("chat.postMessage", n0 + 1);
    const answer = h.postsTo("DUNOTE")[0];
    expect(String(answer.args.text)).toContain("まだ発表されていません");
    const button = encodeAction({ intent: "sessions_notify", params: {} })!;
    expect(JSON.stringify(answer.args.blocks)).toContain(JSON.stringify(button).slice(1, -1));
    for (const click of [1, 2]) {
      const n = h.postCount();
      await h.postForm(`payload=${encodeURIComponent(JSON.stringify(blockAction(button, { user: "UNOTE", responseUrl: slack.responseUrl(`note-${click}`) })))}`);
      await slack.waitFor("chat.postMessage", n + 1);
    }
    expect(String(h.postsTo("DUNOTE")[1].args.text)).toContain("お知らせします");
    expect(String(h.postsTo("DUNOTE")[2].args.text)).toContain("すでに登録済みです");
    expect(await app.services.db.sessionAlert.count()).toBe(1);

    // the secretariat adds one (60 days ahead of the machine's clock, which the adapter stamps turns with)
    const now = new Date();
    const startsAt = new Date(now.getTime() + 60 * 86_400_000);
    const added = await app.services.booking.addSession(
      { seriesNo: 1, title: "方針と体制", topic: "", areas: [], startsAt, endsAt: new Date(startsAt.getTime() + 7_200_000), format: "online", url: null, venue: null, capacity: 30, perOrgCap: 2, opensAt: null, closesAt: null, cancelCutoffAt: null, status: "open", provisional: false },
      now,
    );
    expect(added.kind).toBe("created");
    const p = h.postCount();
    expect(await app.booking.outbox.tick(now)).toMatchObject({ announced: 1, sent: 1 });
    await slack.waitFor("chat.postMessage", p + 1);
    // to the person: their DM, or their user id (Slack opens the DM) when the last turn was a button
    const toPerson = () => [...h.postsTo("DUNOTE"), ...h.postsTo("UNOTE")];
    expect(String(toPerson().at(-1)!.args.text)).toContain("よろず相談会の日程が発表されました");
    expect(await app.booking.outbox.tick(new Date(now.getTime() + 60_000))).toMatchObject({ announced: 0, sent: 0 });
    expect(toPerson()).toHaveLength(4);
  });
});
