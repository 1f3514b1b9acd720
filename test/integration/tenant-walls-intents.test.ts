// The booking and supplier intents behind the tenant walls (issue 14): every handler runs walled to
// its caller's organisation, and only the narrow paths of the booking and supplier services reach
// other companies (a session's seats and queue, the secretariat's registrants, what a supplier link
// shows of the other side). Through the real pipeline, on PGlite and on PostgreSQL, where the walls
// are enforced: the flows still work, and given another company's ids (as a forged button, or a
// bug passing the wrong id, would) a walled call sees and changes nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import type { Turn } from "../../src/core/turn.ts";
import { replyChoices, type Reply } from "../../src/core/reply.ts";

// a fixed day, far from any real date: every decision runs on the turns' own clock
const T0 = new Date("2031-01-10T02:00:00Z");
const CODE = /\b([0-9A-Z]{5}-[0-9A-Z]{5})\b/;

type Who = { org: string; orgName: string; user: string; platform: "slack" | "teams" | "console" };

let seq = 0;
function turn(who: Who, input: Turn["input"], extra: Partial<Turn> = {}): Turn {
  const key = `${who.platform}:${who.org}:${who.user}`;
  return {
    platform: who.platform,
    deliveryId: `walls-intents-${process.pid}-${++seq}`,
    org: { externalKey: who.org, name: who.orgName },
    user: { platformUserId: who.user, name: who.user },
    conversation: { key, kind: "personal", reference: { key, data: { to: key } } },
    input,
    receivedAt: T0,
    ...extra,
  };
}

const all = (r: Reply) => JSON.stringify(r);

describeEachDb("tenant walls around the booking and supplier intents", (kind) => {
  let app: TestApp;
  /** the organisation each handler's statements were walled to, in order */
  const scopes: string[] = [];
  beforeAll(async () => {
    app = await createTestApp({ SECRETARIAT_USERS: "console:sec", PUBLIC_BASE_URL: "https://bot.example.jp" }, { dbKind: kind });
    const walls = app.services.walls;
    const forOrg = walls.forOrg.bind(walls);
    walls.forOrg = (orgId, fn) => {
      scopes.push(orgId);
      return forOrg(orgId, fn);
    };
  });
  afterAll(async () => app?.close());

  const say = async (who: Who, text: string) => (await app.pipeline.handle(turn(who, { kind: "text", text })))!;
  const click = async (who: Who, intent: string, params: Record<string, unknown>) => (await app.pipeline.handle(turn(who, { kind: "action", action: { intent, params } })))!;
  const db = () => app.services.db;
  const orgOf = async (who: Who) => (await db().organization.findUniqueOrThrow({ where: { externalKey: who.org } })).id;
  const userOf = async (who: Who) => (await db().user.findFirstOrThrow({ where: { platformUserId: who.user } })).id;
  /** true when the last handler ran walled to this person's organisation */
  const ranWalled = async (who: Who) => scopes.at(-1) === (await orgOf(who));
  const postgres = kind === "postgres";

  const A = { org: "console:walls-a", orgName: "A Motors", platform: "console" as const };
  const B = { org: "console:walls-b", orgName: "B Parts", platform: "console" as const };
  const a1: Who = { ...A, user: "a1" };
  const a2: Who = { ...A, user: "a2" };
  const b1: Who = { ...B, user: "b1" };
  const sec: Who = { org: "console:walls-sec", orgName: "Secretariat", platform: "console", user: "sec" };

  it("booking: a full session's waitlist, its places and the promotion of another company's booking work walled", async () => {
    const startsAt = new Date("2031-02-01T05:00:00Z");
    await db().session.create({
      data: { seriesNo: 961, title: "walls", startsAt, endsAt: new Date(startsAt.getTime() + 7_200_000), format: "online", capacity: 1, perOrgCap: 2, status: "open" },
    });
    const booked = await say(a1, "第961回を予約");
    expect(booked.intent).toBe("session_book");
    expect(await ranWalled(a1)).toBe(true);
    const full = await say(b1, "第961回を予約");
    expect(full.intent).toBe("session_book");
    expect(full.reply.text).toContain("満席です(キャンセル待ち 0 人)");
    // B waits first, then A's second person: A's place counts B's booking, which A cannot see
    const bWaits = await click(b1, "session_book", { seriesNo: 961, waitlist: true });
    expect(bWaits.reply.text).toContain("現在 1 番目");
    // the count of those waiting is every company's
    expect((await say(a2, "第961回を予約")).reply.text).toContain("満席です(キャンセル待ち 1 人)");
    const aWaits = await click(a2, "session_book", { seriesNo: 961, waitlist: true });
    expect(aWaits.reply.text).toContain("現在 2 番目");
    expect(await ranWalled(a2)).toBe(true);

    // A's seat given back: it goes to B, the first in line, of another company
    const cancelled = await say(a1, "第961回をキャンセル");
    expect(cancelled.intent).toBe("session_cancel");
    expect(await ranWalled(a1)).toBe(true);
    const session = await db().session.findUniqueOrThrow({ where: { seriesNo: 961 } });
    const rows = await db().booking.findMany({ where: { sessionId: session.id }, orderBy: { queuedAt: "asc" } });
    const status = Object.fromEntries(await Promise.all(rows.map(async (r) => [(await db().user.findUniqueOrThrow({ where: { id: r.userId } })).platformUserId, r.status])));
    expect(status).toEqual({ a1: "cancelled", b1: "confirmed", a2: "waitlisted" });
    expect(session.confirmedCount).toBe(1);
    expect(await db().outboxMessage.count({ where: { kind: "promoted", userId: await userOf(b1) } })).toBe(1);
    // and A's waiting person is now first
    const mine = await say(a2, "予約の確認");
    expect(mine.intent).toBe("my_bookings");
    expect(all(mine.reply)).toContain("キャンセル待ち 1番目");
  });

  it("booking: the secretariat's registrants and message reach every company from its own walled turn", async () => {
    const list = await say(sec, "第961回の参加者");
    expect(list.intent).toBe("session_registrants");
    expect(await ranWalled(sec)).toBe(true);
    expect(all(list.reply)).toContain("B Parts");
    expect(all(list.reply)).toContain("A Motors");
    await say(sec, "第961回の参加者全員に連絡: 会場が変わりました");
    const sent = await say(sec, "はい");
    expect(sent.intent).toBe("session_broadcast");
    expect(await db().outboxMessage.count({ where: { kind: "broadcast" } })).toBe(2);
    const overall = await say(sec, "全体の状況");
    expect(overall.intent).toBe("overall_status");
    expect(await ranWalled(sec)).toBe(true);
  });

  it("booking: another company's booking is out of reach, through the intents and behind them", async () => {
    const session = await db().session.findUniqueOrThrow({ where: { seriesNo: 961 } });
    const a2Booking = await db().booking.findFirstOrThrow({ where: { sessionId: session.id, userId: await userOf(a2) } });
    // a forged button of B naming A's booking
    const forged = await click(b1, "session_topic", { bookingId: a2Booking.id, topic: "B writes into A" });
    expect(forged.reply.text).toContain("見つからない");
    expect((await db().booking.findUniqueOrThrow({ where: { id: a2Booking.id } })).topic).toBeNull();
    // the service given A's own person while walled to B (a bug's wrong id): the database refuses
    const walls = app.services.walls;
    const bOrg = await orgOf(b1);
    const seen = await walls.forOrg(bOrg, () => app.services.booking.myBookings(a2Booking.userId, T0));
    if (postgres) {
      expect(seen).toEqual([]);
      expect(await walls.forOrg(bOrg, () => app.services.booking.setTopic(a2Booking.userId, { bookingId: a2Booking.id }, "B writes into A"))).toBeNull();
      expect((await db().booking.findUniqueOrThrow({ where: { id: a2Booking.id } })).topic).toBeNull();
    } else {
      // the embedded database has no walls: the filters alone do the work there
      expect(seen).toHaveLength(1);
    }
  });

  const P = { org: "slack:T-WALLS-BUYER", orgName: "壁テスト自動車", platform: "slack" as const };
  const Q = { org: "teams:walls-supplier", orgName: "Walled Parts", platform: "teams" as const };
  const R = { org: "slack:T-WALLS-OTHER", orgName: "Other Walls", platform: "slack" as const };
  const pAdmin: Who = { ...P, user: "p-admin" };
  const qAdmin: Who = { ...Q, user: "q-admin" };
  const rAdmin: Who = { ...R, user: "r-admin" };
  let invId = "";

  it("suppliers: invite, join with the code, consent and the buyer's view work walled", async () => {
    const invited = await say(pAdmin, "取引先に自己評価を依頼 壁テスト部品");
    expect(invited.intent).toBe("supplier_invite");
    expect(await ranWalled(pAdmin)).toBe(true);
    const code = CODE.exec(invited.reply.text)![1];
    await say(qAdmin, "help"); // the supplier's first person: its admin
    const joined = await say(qAdmin, `join ${code}`);
    expect(joined.intent).toBe("supplier_join");
    expect(await ranWalled(qAdmin)).toBe(true);
    // the customer's name, across the link
    expect(joined.reply.text).toContain("壁テスト自動車");
    invId = (await db().supplierInvitation.findFirstOrThrow({ where: { supplierName: "壁テスト部品" } })).id;
    expect(replyChoices(joined.reply).map((c) => c.action)).toContainEqual({ intent: "supplier_consent", params: { id: invId, decision: "accept", scope: "summary" } });
    const accepted = await click(qAdmin, "supplier_consent", { id: invId, decision: "accept", scope: "summary" });
    expect(accepted.reply.text).toContain("summary only");
    await say(qAdmin, "No.1は達成");
    // the figures the supplier shares, in the buyer's walled turn
    const status = await say(pAdmin, "取引先の状況");
    expect(status.intent).toBe("supplier_status");
    expect(await ranWalled(pAdmin)).toBe(true);
    expect(status.reply.text).toContain("回答中 1");
    expect(all(status.reply)).toMatch(/Lv1 回答1\/\d+/);
    const shares = await say(qAdmin, "shared with");
    expect(shares.intent).toBe("supplier_shares");
    expect(all(shares.reply)).toContain("壁テスト自動車");
    const overview = await say(sec, "取引先展開の状況");
    expect(overview.intent).toBe("supplier_overview");
    expect(await ranWalled(sec)).toBe(true);
  });

  it("suppliers: a third company sees and changes nothing of the link, through the intents and behind them", async () => {
    const peek = await click(rAdmin, "supplier_status", { id: invId });
    expect(peek.reply.text).toContain("見つかりませんでした");
    expect(all(peek.reply)).not.toContain("壁テスト部品");
    const grab = await click(rAdmin, "supplier_consent", { id: invId, decision: "withdraw" });
    expect(grab.reply.text).toContain("見つかりませんでした");
    expect((await db().supplierInvitation.findUniqueOrThrow({ where: { id: invId } })).status).toBe("accepted");
    // the service given the parties' own ids while walled to R (a bug's wrong id)
    const walls = app.services.walls;
    const [rOrg, pOrg, qOrg] = await Promise.all([orgOf(rAdmin), orgOf(pAdmin), orgOf(qAdmin)]);
    const s = app.services.suppliers;
    const asR = await walls.forOrg(rOrg, async () => ({
      rollout: (await s.rollout(pOrg, T0)).rows.length,
      forSupplier: await s.forSupplier(qOrg, invId),
      customers: (await s.customersOf(qOrg)).length,
    }));
    if (postgres) {
      expect(asR).toEqual({ rollout: 0, forSupplier: null, customers: 0 });
      const withdraw = await walls.forOrg(rOrg, () => s.decide({ userId: "00000000-0000-4000-8000-000000000000", orgId: qOrg, channel: "slack", at: T0 }, invId, "withdraw"));
      expect(withdraw).toEqual({ ok: false, reason: "not-found" });
      expect((await db().supplierInvitation.findUniqueOrThrow({ where: { id: invId } })).status).toBe("accepted");
    } else {
      expect(asR.rollout).toBeGreaterThan(0);
      expect(asR.forSupplier?.id).toBe(invId);
    }
  });

  it("the turn's own bookkeeping after the handler (a change of language, download links) runs walled too", async () => {
    const who: Who = { ...Q, user: "q-files" };
    await say(who, "No.1は達成");
    const before = scopes.length;
    // a Teams turn: the export's file becomes a download link stored for the company
    const r = (await app.pipeline.handle(turn(who, { kind: "text", text: "download the check sheet" }, { filesAsLinks: true })))!;
    expect(r.intent).toBe("export_sheet");
    const orgId = await orgOf(who);
    // the handler, the change of language (this message is English) and the links: each walled to the company
    expect(scopes.slice(before)).toEqual([orgId, orgId, orgId]);
    expect((await db().user.findUniqueOrThrow({ where: { id: await userOf(who) } })).locale).toBe("en");
    const links = await db().fileDownload.findMany({ where: { userId: await userOf(who) } });
    expect(links.length).toBeGreaterThan(0);
    expect(new Set(links.map((l) => l.orgId))).toEqual(new Set([orgId]));
    expect(all(r.reply)).toContain("https://bot.example.jp/files/");
  });
});
