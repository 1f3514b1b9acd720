// Sessions that do not exist are not bookable (issue 11, requirement 6), through the real pipeline
// on PGlite and PostgreSQL. The terminal chat shows the seeded series labelled as a demo; a
// deployment (here: Slack configured) starts with none, says the dates are not announced yet and
// offers 「開催が決まったら通知」; the wish is recorded once and can be taken back; when the
// secretariat adds (chat) or imports (sessions:import) sessions, each person who asked gets exactly
// one notice through the outbox.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb, openTestDb } from "../helpers/db.ts";
import { BOOKING_TIME, actionAt, allText, inviteOf, recordingSender, textAt, type Who } from "../helpers/booking.ts";
import { importSessionsFile } from "../../src/booking/import.ts";
import { createLogger } from "../../src/core/logger.ts";
import type { Reply } from "../../src/core/reply.ts";
import type { DbHandle } from "../../src/db/client.ts";

/** A deployment: Slack configured, SESSIONS_DEMO left to the derivation. */
const DEPLOYMENT = { SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: "test-secret", SESSIONS_DEMO: "", SECRETARIAT_USERS: "console:sec" };
const SEC: Who = { user: "sec", org: "console:jama", orgName: "JAMA事務局" };
const HOUR = 3_600_000;

const choicesOf = (reply: Reply) => reply.blocks.flatMap((b) => (b.type === "choices" ? b.choices : []));

describeEachDb("sessions: demo in the terminal chat, none in a deployment", (kind) => {
  describe("the terminal chat (demo)", () => {
    let app: TestApp;
    beforeAll(async () => {
      // the derivation, not the test default: no Slack, no Teams, not production
      app = await createTestApp({ SESSIONS_DEMO: "" }, { dbKind: kind });
    });
    afterAll(async () => app?.close());
    const say = async (text: string, who: Who) => (await app.pipeline.handle(textAt(text, who)))!;

    it("seeds the 12 sessions as a demo and labels them so in the list, the booking and my bookings", async () => {
      expect(app.config.demoSessions).toBe(true);
      expect(await app.services.db.session.count({ where: { demo: true } })).toBe(12);
      const list = await say("相談会の予定は？", { user: "demo-a" });
      expect(list.intent).toBe("sessions_list");
      expect(allText(list.reply)).toContain("デモ用の仮日程です(実際の相談会ではありません)");
      const booked = await say("第3回を予約", { user: "demo-a" });
      expect(booked.intent).toBe("session_book");
      expect(booked.reply.text).toContain("席を予約しました");
      expect(allText(booked.reply)).toContain("デモ用の仮日程です(実際の相談会ではありません)");
      expect(inviteOf(booked.reply).description).toContain("デモ用の仮日程です");
      expect(allText((await say("予約を確認", { user: "demo-a" })).reply)).toContain("デモ用の仮日程です");
      const en = await say("list sessions", { user: "demo-en" });
      expect(allText(en.reply)).toContain("Demo schedule, not real sessions");
    });
  });

  describe("a deployment (Slack configured)", () => {
    let handle: DbHandle;
    let app: TestApp;
    const sender = recordingSender();
    beforeAll(async () => {
      handle = await openTestDb(kind);
      // a terminal try-out on the same database first: the demo series and a booking of it
      const demo = await createTestApp({}, { db: handle });
      await demo.pipeline.handle(textAt("第3回を予約", { user: "tryout" }));
      expect(await handle.prisma.session.count()).toBe(12);
      await demo.close();
      app = await createTestApp(DEPLOYMENT, { db: handle });
      app.booking.senders.console = sender;
    });
    afterAll(async () => {
      await app?.close();
      await handle?.close();
    });
    const say = async (text: string, who: Who, at = BOOKING_TIME) => (await app.pipeline.handle(textAt(text, who, at)))!;
    const click = async (intent: string, params: Record<string, unknown>, who: Who, at = BOOKING_TIME) => (await app.pipeline.handle(actionAt(intent, params, who, at)))!;
    const alerts = () => app.services.db.sessionAlert.findMany({ orderBy: { requestedAt: "asc" } });

    it("starts with none: the demo sessions left by the try-out are gone, and nothing is seeded", async () => {
      expect(app.config.demoSessions).toBe(false);
      expect(await app.services.db.session.count()).toBe(0);
      expect(await app.services.db.booking.count()).toBe(0);
      expect(app.logs.join("\n")).toContain("demo sessions removed");
    });

    it("says the dates are not announced yet, with a button to be notified, for the list, a booking and a recommendation", async () => {
      for (const [q, intent] of [
        ["相談会の予定は？", "sessions_list"],
        ["第3回を予約", "session_book"],
        ["おすすめの相談会は？", "sessions_recommend"],
      ] as const) {
        const r = await say(q, { user: "asker" });
        expect(r.intent, q).toBe(intent);
        expect(r.reply.text, q).toContain("まだ発表されていません");
        expect(choicesOf(r.reply), q).toContainEqual(expect.objectContaining({ label: "開催が決まったら通知", action: { intent: "sessions_notify", params: {} } }));
      }
      const en = await say("sessions", { user: "asker-en" });
      expect(en.reply.text).toContain("not announced yet");
      expect(choicesOf(en.reply).map((c) => c.label)).toContain("Notify me when announced");
      // asking is not wishing: nothing recorded without the button or an explicit request
      expect(await alerts()).toEqual([]);
      expect(await app.services.db.booking.count()).toBe(0);
    });

    it("records the wish once (button or explicit request), and 「通知をやめる」 takes it back", async () => {
      const first = await click("sessions_notify", {}, { user: "hanako", org: "console:org-a" });
      expect(first.intent).toBe("sessions_notify");
      expect(first.reply.text).toContain("開催が決まったら、このチャットで一度お知らせします");
      expect(choicesOf(first.reply).map((c) => c.label)).toEqual(["通知をやめる"]);
      const again = await click("sessions_notify", {}, { user: "hanako", org: "console:org-a" });
      expect(again.reply.text).toContain("すでに登録済みです");
      const typed = await say("相談会の日程が決まったら教えて", { user: "taro", org: "console:org-b" });
      expect(typed.intent).toBe("sessions_notify");
      expect(typed.reply.text).toContain("お知らせします");
      const en = await say("notify me when the sessions are announced", { user: "emma", org: "console:org-b" });
      expect(en.intent).toBe("sessions_notify");
      expect(en.reply.text).toContain("You will be told here, once");
      const quitter = await click("sessions_notify", {}, { user: "quitter" });
      expect(quitter.intent).toBe("sessions_notify");
      expect((await alerts()).length).toBe(4);
      // the list now says the wish is on, with the button to stop it
      const list = await say("相談会の予定は？", { user: "hanako", org: "console:org-a" });
      expect(list.reply.text).toContain("通知を登録済みです");
      // 「通知をやめる」 is not a booking cancellation
      const stop = await say("相談会の通知をやめる", { user: "quitter" });
      expect(stop.intent).toBe("sessions_notify");
      expect(stop.reply.text).toContain("取りやめました");
      const stopAgain = await click("sessions_notify", { stop: true }, { user: "quitter" });
      expect(stopAgain.reply.text).toContain("登録されていません");
      const rows = await alerts();
      expect(rows.length).toBe(3);
      expect(rows.every((r) => r.notifiedAt === null)).toBe(true);
      // each wish belongs to the person's organisation (the tenant wall's key)
      const users = await app.services.db.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } } });
      expect(new Set(rows.map((r) => r.orgId))).toEqual(new Set(users.map((u) => u.orgId)));
    });

    it("nothing goes out while no session is announced", async () => {
      const t = await app.booking.outbox.tick(new Date(BOOKING_TIME.getTime() + HOUR));
      expect(t).toMatchObject({ announced: 0, sent: 0 });
      expect(sender.sent).toEqual([]);
    });

    it("the secretariat adds a session in chat: each person who asked is told once, in their language", async () => {
      const added = await say("第1回を追加 タイトル=方針と体制; 日時=2027-05-20 14:00-16:00; 定員=40; 分野=policy", SEC);
      expect(added.intent).toBe("sessions_manage");
      expect(added.reply.text).toContain("追加しました");
      const at = new Date(BOOKING_TIME.getTime() + 2 * HOUR);
      expect(await app.booking.outbox.tick(at)).toMatchObject({ announced: 3, sent: 3 });
      expect(await app.booking.outbox.tick(new Date(at.getTime() + HOUR))).toMatchObject({ announced: 0, sent: 0 });
      expect(sender.sent).toHaveLength(3);
      const to = (user: string) => sender.sent.filter((m) => (m.ref as { user?: string }).user === user);
      expect(to("quitter")).toEqual([]);
      for (const user of ["hanako", "taro"]) {
        expect(to(user)).toHaveLength(1);
        expect(to(user)[0].reply.text).toContain("よろず相談会の日程が発表されました");
        expect(allText(to(user)[0].reply)).toContain("第1回 方針と体制");
        expect(choicesOf(to(user)[0].reply)).toContainEqual(expect.objectContaining({ action: { intent: "session_book", params: { seriesNo: 1 } } }));
      }
      expect(to("emma")[0].reply.text).toContain("The consultation sessions are announced");
      expect((await alerts()).every((r) => r.notifiedAt !== null)).toBe(true);
      const rows = await app.services.db.outboxMessage.findMany({ where: { kind: "sessions_open" } });
      expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
      // now bookable, and a real session carries no demo label
      const booked = await say("第1回を予約", { user: "hanako", org: "console:org-a" });
      expect(booked.reply.text).toContain("席を予約しました");
      expect(allText(booked.reply)).not.toContain("デモ");
      expect(inviteOf(booked.reply).description).not.toContain("デモ");
      // asking now: the sessions are there, no wish is recorded
      const late = await click("sessions_notify", {}, { user: "late" });
      expect(late.reply.text).toContain("すでに発表されています");
      expect(await app.services.db.sessionAlert.count({ where: { notifiedAt: null } })).toBe(0);
    });

    it("when no listed session can be booked any more, the list offers the notice again, and reopening tells who asked", async () => {
      sender.sent.length = 0;
      const at = new Date(BOOKING_TIME.getTime() + 5 * HOUR);
      expect((await say("第1回の受付を締め切る", SEC, at)).intent).toBe("sessions_manage");
      const list = await say("相談会の予定は？", { user: "next" }, at);
      expect(allText(list.reply)).toContain("受付終了");
      expect(allText(list.reply)).toContain("次の相談会の日程はまだ発表されていません");
      expect(choicesOf(list.reply)).toContainEqual(expect.objectContaining({ action: { intent: "sessions_notify", params: {} } }));
      expect((await click("sessions_notify", {}, { user: "next" }, at)).reply.text).toContain("お知らせします");
      // hanako was told about the first opening; asking again waits for the next one
      expect((await click("sessions_notify", {}, { user: "hanako", org: "console:org-a" }, at)).reply.text).toContain("お知らせします");
      expect(await app.booking.outbox.tick(new Date(at.getTime() + HOUR))).toMatchObject({ announced: 0, sent: 0 });
      expect((await say("第1回の受付を再開", SEC, new Date(at.getTime() + 2 * HOUR))).intent).toBe("sessions_manage");
      expect(await app.booking.outbox.tick(new Date(at.getTime() + 3 * HOUR))).toMatchObject({ announced: 2, sent: 2 });
      expect(sender.sent.map((m) => (m.ref as { user?: string }).user).sort()).toEqual(["hanako", "next"]);
    });
  });

  describe("a deployment: sessions imported with sessions:import", () => {
    let app: TestApp;
    const sender = recordingSender();
    beforeAll(async () => {
      app = await createTestApp({ ...DEPLOYMENT, NODE_ENV: "production", SLACK_BOT_TOKEN: "", SLACK_SIGNING_SECRET: "" }, { dbKind: kind });
      app.booking.senders.console = sender;
    });
    afterAll(async () => app?.close());

    it("production starts with none; an import opens them and each person who asked gets exactly one notice", async () => {
      expect(app.config.slack).toBeUndefined();
      expect(app.config.demoSessions).toBe(false);
      expect(await app.services.db.session.count()).toBe(0);
      for (const user of ["p1", "p2"]) {
        const r = await app.pipeline.handle(actionAt("sessions_notify", {}, { user }));
        expect(r!.reply.text).toContain("お知らせします");
      }
      await app.pipeline.handle(actionAt("sessions_notify", {}, { user: "p1" }));
      const dir = mkdtempSync(join(tmpdir(), "jama-announce-"));
      const file = join(dir, "sessions.csv");
      writeFileSync(
        file,
        [
          "no,title,topic,areas,start,end,format,url,venue,capacity,per_org_cap,opens,closes,cancel_cutoff,status,provisional",
          "1,方針と体制,,policy,2027-05-20 14:00,2027-05-20 16:00,online,,,40,2,,,,open,false",
          "2,取引先の管理,,suppliers,2027-06-17 14:00,2027-06-17 16:00,online,,,40,2,,,,open,false",
        ].join("\n"),
      );
      const areaIds = new Set(app.services.kb.areas.map((a) => a.id));
      const r = await importSessionsFile(app.services.db, file, areaIds, createLogger("silent"), BOOKING_TIME);
      expect(r.ok).toBe(true);
      const at = new Date(BOOKING_TIME.getTime() + HOUR);
      // two instances' workers ticking at once: still one notice each
      const other = await createTestApp({ ...DEPLOYMENT, NODE_ENV: "production", SLACK_BOT_TOKEN: "", SLACK_SIGNING_SECRET: "" }, { db: { prisma: app.services.db } as DbHandle });
      const [a, b] = await Promise.all([app.booking.outbox.tick(at), other.booking.outbox.tick(at)]);
      expect(a.announced + b.announced).toBe(2);
      await app.booking.outbox.tick(new Date(at.getTime() + HOUR));
      expect(sender.sent.map((m) => (m.ref as { user?: string }).user).sort()).toEqual(["p1", "p2"]);
      expect(allText(sender.sent[0].reply)).toContain("第2回 取引先の管理");
      expect(await app.services.db.outboxMessage.count({ where: { kind: "sessions_open" } })).toBe(2);
      await other.close();
    });
  });
});
