// Sign-in links and browser sessions on the database, with pinned times (any date): a link works
// within 10 minutes and once, even when two browsers race with it; a session lasts 8 hours or
// until sign-out; roles come from the user row each time; CSRF tokens belong to one session.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb, openTestDb } from "../helpers/db.ts";
import type { DbHandle } from "../../src/db/client.ts";
import { WebAccess } from "../../src/web/access.ts";

const T0 = new Date("2031-02-03T04:05:06Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const tokenOf = (url: string) => url.split("/").pop()!;

describeEachDb("web access", (kind) => {
  let db: DbHandle;
  let access: WebAccess;
  let who: { userId: string; orgId: string };

  beforeAll(async () => {
    db = await openTestDb(kind);
    access = new WebAccess(db.prisma, { secret: "s", secretariatUsers: ["console:sec"], baseUrl: "https://bot.example.com" });
    const org = await db.prisma.organization.create({ data: { externalKey: "console:acc", platform: "console", name: "Acc" } });
    const user = await db.prisma.user.create({ data: { orgId: org.id, platform: "console", platformUserId: "sec", role: "admin" } });
    who = { userId: user.id, orgId: org.id };
  }, 120_000);
  afterAll(async () => db?.close());

  it("makes links under the public address, valid 10 minutes, usable once", async () => {
    const link = await access.createLink(who, T0);
    expect(link.url).toMatch(/^https:\/\/bot\.example\.com\/web\/signin\/[A-Za-z0-9_-]{43}$/);
    expect(link.expiresAt).toEqual(at(10));
    const token = tokenOf(link.url);
    expect(await access.checkLink(token, at(9.9))).toBe("ok");
    expect(await access.checkLink(token, at(10))).toBe("expired");
    expect((await access.redeem(token, at(10.1)))).toEqual({ ok: false, reason: "expired" });
    const fresh = tokenOf((await access.createLink(who, T0)).url);
    const r = await access.redeem(fresh, at(1));
    expect(r.ok).toBe(true);
    expect(await access.checkLink(fresh, at(2))).toBe("used");
    expect(await access.redeem(fresh, at(2))).toEqual({ ok: false, reason: "used" });
    expect(await access.checkLink("x".repeat(43), T0)).toBe("invalid");
    expect(await access.checkLink("../../etc", T0)).toBe("invalid");
    // only hashes are stored
    expect(await db.prisma.webSignInLink.count({ where: { tokenHash: fresh } })).toBe(0);
  });

  it("lets only one of two browsers racing with the same link in", async () => {
    const token = tokenOf((await access.createLink(who, T0)).url);
    const results = await Promise.all([access.redeem(token, at(1)), access.redeem(token, at(1)), access.redeem(token, at(1))]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r as { reason: string }).reason)).toEqual(["used", "used"]);
  });

  it("keeps a session 8 hours or until sign-out, with roles read from the user row", async () => {
    const r = await access.redeem(tokenOf((await access.createLink(who, T0)).url), T0);
    if (!r.ok) throw new Error(r.reason);
    const caller = await access.caller(r.sessionToken, at(8 * 60 - 1));
    expect(caller).toMatchObject({ userId: who.userId, orgId: who.orgId, orgName: "Acc" });
    expect([...caller!.roles].sort()).toEqual(["admin", "member", "secretariat"]);
    expect(await access.caller(r.sessionToken, at(8 * 60))).toBeNull();
    await db.prisma.user.update({ where: { id: who.userId }, data: { role: "member" } });
    expect([...(await access.caller(r.sessionToken, at(1)))!.roles].sort()).toEqual(["member", "secretariat"]);
    await db.prisma.user.update({ where: { id: who.userId }, data: { role: "admin" } });
    await access.endSession(caller!.sessionId, at(2));
    expect(await access.caller(r.sessionToken, at(3))).toBeNull();
    expect(await access.caller(undefined, at(3))).toBeNull();
    expect(await access.caller("nonsense", at(3))).toBeNull();
  });

  it("ties a CSRF token to its session", async () => {
    const a = access.csrfToken("00000000-0000-0000-0000-000000000001");
    expect(access.checkCsrf("00000000-0000-0000-0000-000000000001", a)).toBe(true);
    expect(access.checkCsrf("00000000-0000-0000-0000-000000000002", a)).toBe(false);
    expect(access.checkCsrf("00000000-0000-0000-0000-000000000001", "")).toBe(false);
    expect(access.checkCsrf("00000000-0000-0000-0000-000000000001", undefined)).toBe(false);
    const other = new WebAccess(db.prisma, { secret: "another deployment", secretariatUsers: [], baseUrl: "" });
    expect(other.checkCsrf("00000000-0000-0000-0000-000000000001", a)).toBe(false);
  });

  it("hands a pending preview out once, and prunes what can no longer be used", async () => {
    const r = await access.redeem(tokenOf((await access.createLink(who, T0)).url), T0);
    if (!r.ok) throw new Error(r.reason);
    const { sessionId } = (await access.caller(r.sessionToken, T0))!;
    await access.setPending(sessionId, { kind: "import", changes: [{ no: 1, status: "achieved" }] });
    const [first, second] = await Promise.all([access.takePending(sessionId), access.takePending(sessionId)]);
    expect([first, second].filter(Boolean)).toEqual([{ kind: "import", changes: [{ no: 1, status: "achieved" }] }]);
    const removed = await access.prune(at(8 * 60 + 25 * 60));
    expect(removed).toBeGreaterThan(0);
    expect(await db.prisma.webSession.count()).toBe(0);
    expect(await db.prisma.webSignInLink.count()).toBe(0);
  });
});
