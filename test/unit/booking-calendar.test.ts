// Calendar invites parsed back with a standard iCalendar parser (ical.js), times shown in the
// reader's zone, and the booking window, cut-off and reminder rules.
import { describe, expect, it } from "vitest";
import { buildInvite, inviteFile, inviteSequence, type InviteSession } from "../../src/booking/ics.ts";
import { formatDateTime, formatOffset, formatRange, parseJstDateTime, parseJstRange, safeTimeZone, toJstString } from "../../src/booking/time.ts";
import { bookingWindow, cancelWindow, dueReminderOffset, promotesWaitlist, type SessionWindow } from "../../src/booking/rules.ts";
import { parseInvite } from "../helpers/booking.ts";

const session: InviteSession = {
  seriesNo: 3,
  title: "取引先・委託先の管理",
  topic: "取り決め; 委託先, 子会社の把握\n二行目",
  startsAt: new Date("2027-03-18T05:00:00Z"),
  endsAt: new Date("2027-03-18T07:00:00Z"),
  format: "online",
  url: "https://example.jp/meet/3",
  venue: null,
  provisional: true,
  sequence: 2,
};
const stamp = new Date("2026-12-01T01:00:00Z");

describe("calendar invites", () => {
  it("parse in a standard iCalendar parser: METHOD, stable UID, SEQUENCE, times, text", () => {
    const inv = parseInvite(buildInvite({ method: "REQUEST", bookingId: "7b2c", bookingRevision: 1, session, lang: "ja", personalTopic: "ランサムウェア", stamp }));
    expect(inv).toMatchObject({
      method: "REQUEST",
      uid: "booking-7b2c@jama-checksheet-assistant",
      sequence: 3,
      status: "CONFIRMED",
      summary: "第3回 よろず相談会(仮): 取引先・委託先の管理",
      location: "https://example.jp/meet/3",
    });
    expect(inv.start.toISOString()).toBe("2027-03-18T05:00:00.000Z");
    expect(inv.end.toISOString()).toBe("2027-03-18T07:00:00.000Z");
    const text = buildInvite({ method: "REQUEST", bookingId: "7b2c", bookingRevision: 1, session, lang: "ja", personalTopic: "ランサムウェア", stamp });
    expect(text).toContain("DESCRIPTION:取り決め\\; 委託先\\, 子会社の把握\\n二行目");
  });

  it("cancels with METHOD:CANCEL and a higher SEQUENCE for the same UID", () => {
    const req = parseInvite(buildInvite({ method: "REQUEST", bookingId: "b1", bookingRevision: 0, session, lang: "en", stamp }));
    const cancel = parseInvite(buildInvite({ method: "CANCEL", bookingId: "b1", bookingRevision: 1, session, lang: "en", stamp }));
    expect(cancel).toMatchObject({ method: "CANCEL", status: "CANCELLED", uid: req.uid });
    expect(cancel.sequence).toBeGreaterThan(req.sequence);
    expect(cancel.summary).toBe("JAMA consultation session #3 (provisional): 取引先・委託先の管理");
  });

  it("puts the venue as the location of an in-person session", () => {
    const inv = parseInvite(buildInvite({ method: "REQUEST", bookingId: "v", bookingRevision: 0, session: { ...session, format: "venue", venue: "自動車会館", url: null }, lang: "ja", stamp }));
    expect(inv.location).toBe("自動車会館");
  });

  it("names the file and its method for the chat", () => {
    const f = inviteFile({ method: "CANCEL", bookingId: "b", bookingRevision: 1, session, lang: "ja", stamp });
    expect(f.name).toBe("jama-session-03-cancel.ics");
    expect(f.mime).toContain("method=CANCEL");
    expect(inviteSequence(4, 2)).toBe(6);
  });
});

describe("times", () => {
  const start = new Date("2027-03-18T05:00:00Z");
  const end = new Date("2027-03-18T07:00:00Z");
  it("shows Japan time by default, in Japanese and English", () => {
    expect(formatRange(start, end, undefined, "ja")).toBe("2027年3月18日(木) 14:00〜16:00(日本時間)");
    expect(formatRange(start, end, undefined, "en")).toBe("Thu 18 Mar 2027, 14:00–16:00 (JST)");
  });
  it("shows the reader's zone when known, with the date of each end", () => {
    expect(formatRange(start, end, "Europe/Berlin", "en")).toBe("Thu 18 Mar 2027, 06:00–08:00 (GMT+1, Europe/Berlin)");
    expect(formatRange(start, end, "America/New_York", "ja")).toBe("2027年3月18日(木) 01:00〜03:00(EDT, America/New_York)");
    expect(formatRange(new Date("2027-03-18T14:00:00Z"), new Date("2027-03-18T16:00:00Z"), "Asia/Tokyo", "en")).toBe(
      "Thu 18 Mar 2027, 23:00–Fri 19 Mar 2027 01:00 (JST)",
    );
    expect(formatDateTime(start, "Asia/Kolkata", "en")).toBe("Thu 18 Mar 2027, 10:30 (GMT+5:30, Asia/Kolkata)");
  });
  it("falls back to Japan time for an unknown zone", () => {
    expect(safeTimeZone("Mars/Olympus")).toBe("Asia/Tokyo");
    expect(safeTimeZone("")).toBe("Asia/Tokyo");
    expect(formatRange(start, end, "Mars/Olympus", "ja")).toContain("14:00〜16:00(日本時間)");
  });
  it("reads the secretariat's dates as Japan time and rejects impossible ones", () => {
    expect(parseJstDateTime("2027-05-20 14:00")?.toISOString()).toBe("2027-05-20T05:00:00.000Z");
    expect(parseJstDateTime("2027/5/20 9:30")?.toISOString()).toBe("2027-05-20T00:30:00.000Z");
    expect(parseJstDateTime("2027年5月20日 14:00")?.toISOString()).toBe("2027-05-20T05:00:00.000Z");
    expect(parseJstDateTime("２０２７-０５-２０ １４:００")?.toISOString()).toBe("2027-05-20T05:00:00.000Z");
    expect(parseJstDateTime("2027-05-20T05:00:00Z")?.toISOString()).toBe("2027-05-20T05:00:00.000Z");
    expect(parseJstDateTime("2027-05-20T14:00:00+0900")?.toISOString()).toBe("2027-05-20T05:00:00.000Z");
    for (const bad of ["2027-02-30 10:00", "2027-05-20 25:00", "来週", "2027-05", ""]) expect(parseJstDateTime(bad), bad).toBeNull();
    expect(parseJstRange("2027-05-20 14:00〜16:30")).toEqual({ start: new Date("2027-05-20T05:00:00Z"), end: new Date("2027-05-20T07:30:00Z") });
    expect(parseJstRange("2027-05-20 22:00 - 2027-05-21 01:00")?.end.toISOString()).toBe("2027-05-20T16:00:00.000Z");
    expect(toJstString(new Date("2027-05-20T05:00:00Z"))).toBe("2027-05-20 14:00");
    expect(formatOffset(3 * 86_400_000, "ja")).toBe("3日");
    expect(formatOffset(3_600_000, "en")).toBe("1 hour");
    expect(formatOffset(90 * 60_000, "en")).toBe("90 minutes");
  });
});

describe("booking window, cut-off and reminders", () => {
  const s: SessionWindow = {
    status: "open",
    startsAt: new Date("2027-03-18T05:00:00Z"),
    endsAt: new Date("2027-03-18T07:00:00Z"),
    opensAt: new Date("2027-01-01T00:00:00Z"),
    closesAt: new Date("2027-03-15T08:00:00Z"),
    cancelCutoffAt: new Date("2027-03-17T08:00:00Z"),
  };
  const at = (iso: string) => new Date(iso);

  it("opens, closes and ends at the right instants", () => {
    expect(bookingWindow(s, at("2026-12-31T23:59:59Z"))).toBe("not_yet_open");
    expect(bookingWindow(s, at("2027-01-01T00:00:00Z"))).toBe("open");
    expect(bookingWindow(s, at("2027-03-15T07:59:59Z"))).toBe("open");
    expect(bookingWindow(s, at("2027-03-15T08:00:00Z"))).toBe("deadline_passed");
    expect(bookingWindow(s, at("2027-03-18T05:00:00Z"))).toBe("started");
    expect(bookingWindow({ ...s, status: "closed" }, at("2027-02-01T00:00:00Z"))).toBe("closed");
    expect(bookingWindow({ ...s, status: "cancelled" }, at("2027-02-01T00:00:00Z"))).toBe("cancelled");
    expect(bookingWindow({ ...s, opensAt: null, closesAt: null }, at("2027-03-18T04:59:00Z"))).toBe("open");
  });

  it("lets a seat go until the cut-off, and the waitlist until the start", () => {
    expect(cancelWindow(s, "confirmed", at("2027-03-17T07:59:59Z"))).toBe("ok");
    expect(cancelWindow(s, "confirmed", at("2027-03-17T08:00:00Z"))).toBe("past_cutoff");
    expect(cancelWindow(s, "waitlisted", at("2027-03-17T09:00:00Z"))).toBe("ok");
    expect(cancelWindow(s, "waitlisted", at("2027-03-18T05:00:00Z"))).toBe("started");
    expect(cancelWindow({ ...s, cancelCutoffAt: null }, "confirmed", at("2027-03-18T04:00:00Z"))).toBe("ok");
    expect(cancelWindow({ ...s, status: "cancelled" }, "confirmed", at("2027-03-17T09:00:00Z"))).toBe("ok");
    expect(promotesWaitlist(s, at("2027-03-18T04:59:00Z"))).toBe(true);
    expect(promotesWaitlist(s, at("2027-03-18T05:00:00Z"))).toBe(false);
    expect(promotesWaitlist({ ...s, status: "cancelled" }, at("2027-02-01T00:00:00Z"))).toBe(false);
  });

  it("picks the reminder that is due, never a stale one, never one older than the booking", () => {
    const D = 86_400_000;
    const H = 3_600_000;
    const start = s.startsAt;
    const booked = at("2027-02-01T00:00:00Z");
    const t = (ms: number) => new Date(start.getTime() - ms);
    expect(dueReminderOffset(start, booked, [3 * D, H], t(4 * D))).toBeNull();
    expect(dueReminderOffset(start, booked, [3 * D, H], t(3 * D))).toBe(3 * D);
    expect(dueReminderOffset(start, booked, [3 * D, H], t(2 * H))).toBe(3 * D);
    expect(dueReminderOffset(start, booked, [3 * D, H], t(30 * 60_000))).toBe(H);
    expect(dueReminderOffset(start, booked, [3 * D, H], start)).toBeNull();
    expect(dueReminderOffset(start, t(2 * D), [3 * D, H], t(2 * D - 1))).toBeNull();
    expect(dueReminderOffset(start, t(2 * D), [3 * D, H], t(H))).toBe(H);
  });
});
