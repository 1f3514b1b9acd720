// The web console over the real HTTP server, on PGlite and PostgreSQL: signing in from chat by a
// one-time link, the session cookie, CSRF, the strict headers, who may see what (403 for another
// company's pages and for the secretariat's), answering on a page under chat's rules and its audit
// trail, import with preview, and the secretariat's sessions, registrants and broadcast.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../helpers/db.ts";
import { textTurn } from "../helpers/app.ts";
import { signIn, signInLink, startWebHarness, text, WebClient, type WebHarness } from "../helpers/web.ts";
import { webAccessFor } from "../../src/web/access.ts";
import { setAdmin } from "../../src/core/members.ts";

const A = { org: "console:acme", user: "alice" };
const A2 = { org: "console:acme", user: "bob" };
const B = { org: "console:beta", user: "bea" };
const SEC = { org: "console:jama", user: "sec" };

describeEachDb("web console over HTTP", (kind) => {
  let h: WebHarness;
  const say = async (t: string, who: { org: string; user: string }) => (await h.app.pipeline.handle(textTurn(t, who)))!;

  beforeAll(async () => {
    h = await startWebHarness({ SECRETARIAT_USERS: "console:sec" }, kind);
    // alice is the first of acme (its admin), bob a member; bea is beta's admin
    await say("ヘルプ", A);
    await say("ヘルプ", A2);
    await say("ヘルプ", B);
    // a real server and a fresh database; generous, since it may start beside the browser tests
  }, 180_000);
  afterAll(async () => h?.close());

  it("hands out the link privately in chat, and a link preview does not use it up", async () => {
    const link = await signInLink(h, A);
    expect(link.reply.private).toBe(true);
    expect(link.reply.text).toContain("Web管理画面");
    const c = new WebClient(h.base);
    const first = await c.get(link.path);
    const again = await c.get(link.path);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(text(again.html)).toContain("サインイン");
    // the session exists only after the button
    expect(await h.app.services.db.webSession.count({ where: { userId: (await h.app.services.db.user.findFirstOrThrow({ where: { platformUserId: "alice" } })).id } })).toBe(0);
  });

  it("signs in by the button: an 8-hour HttpOnly, SameSite=Lax session cookie; the link works once", async () => {
    const link = await signInLink(h, A);
    const c = new WebClient(h.base);
    const page = await c.get(link.path);
    const nonce = /name="nonce" value="([^"]+)"/.exec(page.html)![1];
    // without the nonce cookie of the link's own page (another site posting the form): refused
    const forged = await fetch(h.base + link.path, { method: "POST", body: new URLSearchParams({ nonce }), redirect: "manual" });
    expect(forged.status).toBe(403);
    const res = await fetch(h.base + link.path, { method: "POST", body: new URLSearchParams({ nonce }), headers: { cookie: `jama_signin=${c.cookie("jama_signin")}` }, redirect: "manual" });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((x) => x.startsWith("jama_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=28800/);
    expect(cookie).toMatch(/Path=\/web/);
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_BASE_URL is not https here
    // the same link again: a plain page saying it was used, and no session
    const reuse = await c.get(link.path);
    expect(reuse.status).toBe(410);
    expect(text(reuse.html)).toContain("すでに使われています");
    const reusePost = await fetch(h.base + link.path, { method: "POST", body: new URLSearchParams({ nonce }), headers: { cookie: `jama_signin=${c.cookie("jama_signin")}` }, redirect: "manual" });
    expect(reusePost.status).toBe(410);
    expect(reusePost.headers.getSetCookie().some((x) => x.startsWith("jama_session="))).toBe(false);
  });

  it("refuses a forged or an expired link with a plain page", async () => {
    const c = new WebClient(h.base);
    const forged = await c.get("/web/signin/" + "x".repeat(43));
    expect(forged.status).toBe(404);
    expect(text(forged.html)).toContain("このリンクは無効です");
    // a link made 11 minutes ago
    const alice = await h.app.services.db.user.findFirstOrThrow({ where: { platformUserId: "alice" } });
    const access = webAccessFor(h.app.services.db, h.app.config);
    const old = await access.createLink({ userId: alice.id, orgId: alice.orgId }, new Date(Date.now() - 11 * 60_000));
    const expired = await c.get(new URL(old.url).pathname);
    expect(expired.status).toBe(410);
    expect(text(expired.html)).toContain("有効期限");
  });

  it("sends a strict Content-Security-Policy and no script on every page", async () => {
    const c = await signIn(h, A);
    const o = `/web/o/${await c.orgId()}`;
    for (const p of [`${o}/`, `${o}/sheet`, `${o}/items/115`, `${o}/history`, `${o}/files`]) {
      const page = await c.get(p);
      expect(page.status, p).toBe(200);
      const csp = page.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
      expect(page.headers.get("cache-control")).toContain("no-store");
      expect(page.html).not.toMatch(/<script|style="|\son[a-z]+="/i);
      // nothing loaded or linked from another origin
      expect(page.html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
    const css = await c.get("/web/static/console.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
  });

  it("shows another company's pages and the secretariat's to nobody else (403, nothing shown)", async () => {
    const a = await signIn(h, A);
    const b = await signIn(h, B);
    const bOrg = await b.orgId();
    await say("No.2は達成 B社だけのメモ", B);
    for (const p of ["/", "/sheet", "/items/2", "/history", "/files", "/export.csv"]) {
      const page = await a.get(`/web/o/${bOrg}${p}`);
      expect(page.status, p).toBe(403);
      expect(page.html).not.toContain("B社だけのメモ");
    }
    const post = await a.post(`/web/o/${bOrg}/items/2/answer`, { choice: "not_achieved" });
    expect(post.status).toBe(403);
    expect((await h.app.services.db.answer.findFirstOrThrow({ where: { orgId: bOrg, itemNo: 2 } })).status).toBe("achieved");
    for (const p of ["/web/admin/sessions", "/web/admin/progress", "/web/admin/questions", "/web/admin/sessions/1/registrants.csv"]) expect((await a.get(p)).status, p).toBe(403);
    // and without a session: nothing at all
    expect((await new WebClient(h.base).get(`/web/o/${bOrg}/`)).status).toBe(401);
  });

  it("records an answer on the page under chat's rules; chat sees it at once, and the other way round", async () => {
    const c = await signIn(h, A2);
    const o = `/web/o/${await c.orgId()}`;
    const saved = await c.post(`${o}/items/115/answer`, { choice: "achieved", note: "EDR導入済み", evidence: "" });
    expect(saved.status).toBe(200);
    expect(saved.location).toContain("done=saved");
    expect(text(saved.html)).toContain("回答を記録しました");
    // chat: the history names the person and the channel
    const hist = await say("No.115の履歴", A);
    expect(JSON.stringify(hist.reply.blocks)).toContain("Web");
    expect(JSON.stringify(hist.reply.blocks)).toContain("EDR導入済み");
    // chat → page
    await say("No.116は未達成 予算待ち", A);
    const item = await c.get(`${o}/items/116`);
    expect(text(item.html)).toContain("予算待ち");
    const sheet = await c.get(`${o}/sheet?status=not_achieved`);
    expect(text(sheet.html)).toContain("No.116");
    expect(text(sheet.html)).not.toContain("No.115 ");
  });

  it("refuses what chat refuses, keeps what was typed, and changes nothing", async () => {
    const c = await signIn(h, A2);
    const o = `/web/o/${await c.orgId()}`;
    const before = await h.app.services.db.answerEvent.count();
    const noReason = await c.post(`${o}/items/117/answer`, { choice: "not_applicable", note: "", evidence: "https://example.com/x" });
    expect(noReason.status).toBe(400);
    expect(text(noReason.html)).toContain("理由が必要です");
    expect(noReason.html).toContain('value="https://example.com/x"');
    const longNote = await c.post(`${o}/items/117/answer`, { choice: "achieved", note: "あ".repeat(1001) });
    expect(longNote.status).toBe(400);
    expect(text(longNote.html)).toContain("1000文字まで");
    const badChoice = await c.post(`${o}/items/117/answer`, { choice: "maybe" });
    expect(badChoice.status).toBe(400);
    expect((await c.post(`${o}/items/999/answer`, { choice: "achieved" })).status).toBe(404);
    // no CSRF token, or someone else's: refused before anything is read
    const noToken = await c.post(`${o}/items/117/answer`, { choice: "achieved" }, { csrf: null });
    expect(noToken.status).toBe(403);
    const other = await signIn(h, A);
    const wrongToken = await c.post(`${o}/items/117/answer`, { choice: "achieved" }, { csrf: await other.csrf() });
    expect(wrongToken.status).toBe(403);
    expect(await h.app.services.db.answerEvent.count()).toBe(before);
  });

  it("lets only admins change the target or submit, read afresh from chat's roles", async () => {
    const admin = await signIn(h, A);
    const member = await signIn(h, A2);
    const o = `/web/o/${await admin.orgId()}`;
    expect((await member.post(`${o}/target`, { level: "3" })).status).toBe(403);
    const set = await admin.post(`${o}/target`, { level: "3" });
    expect(text(set.html)).toContain("目標レベルを変更しました");
    expect((await h.app.services.db.assessment.findFirstOrThrow({ where: { orgId: await admin.orgId() } })).targetLevel).toBe(3);
    // submitted: answers are locked on the page too
    await admin.post(`${o}/status`, { action: "submit" });
    const locked = await member.post(`${o}/items/118/answer`, { choice: "achieved" });
    expect(locked.status).toBe(409);
    expect(text(locked.html)).toContain("提出済み");
    await admin.post(`${o}/status`, { action: "reopen" });
    // alice hands the admin role to bob in chat and steps down: the open pages follow at once
    const users = await h.app.services.db.user.findMany({ where: { orgId: await admin.orgId() } });
    const bob = users.find((u) => u.platformUserId === "bob")!;
    const alice = users.find((u) => u.platformUserId === "alice")!;
    await setAdmin(h.app.services.db, bob.orgId, bob.id, true);
    await setAdmin(h.app.services.db, alice.orgId, alice.id, false);
    expect((await admin.post(`${o}/target`, { level: "2" })).status).toBe(403);
    expect((await member.post(`${o}/target`, { level: "2" })).status).toBe(200);
    await setAdmin(h.app.services.db, alice.orgId, alice.id, true);
  });

  it("imports a sheet after a preview, once, as an import from the web", async () => {
    const c = await signIn(h, A2);
    const org = await c.orgId();
    const o = `/web/o/${org}`;
    const csv = "No.,回答,メモ\n20,達成,\n21,未達成,予算待ち\n22,対象外,\n999,達成,\n";
    const form = new FormData();
    form.set("sheet", new Blob([csv], { type: "text/csv" }), "記入済み.csv");
    // multipart without the token: refused
    expect((await c.postMultipart(`${o}/import`, form, { csrf: null })).status).toBe(403);
    const preview = await c.postMultipart(`${o}/import`, form);
    expect(preview.status).toBe(200);
    const t = text(preview.html);
    expect(t).toContain("記入済み.csv");
    expect(t).toContain("2件を更新します");
    expect(t).toContain("理由(メモ欄)が必要です");
    expect(t).toContain("No.999 という項目はありません");
    expect(await h.app.services.db.answer.count({ where: { orgId: org, itemNo: { in: [20, 21] } } })).toBe(0);
    const done = await c.post(`${o}/import/confirm`, {});
    expect(text(done.html)).toContain("2件を取り込みました");
    const events = await h.app.services.db.answerEvent.findMany({ where: { orgId: org, itemNo: { in: [20, 21] } } });
    expect(events.map((e) => [e.itemNo, e.kind, e.channel]).sort()).toEqual([
      [20, "import", "web"],
      [21, "import", "web"],
    ]);
    // confirming again applies nothing
    const again = await c.post(`${o}/import/confirm`, {});
    expect(again.status).toBe(409);
    expect(await h.app.services.db.answerEvent.count({ where: { orgId: org, itemNo: { in: [20, 21] } } })).toBe(2);
  });

  it("exports the check sheet as xlsx and csv", async () => {
    const c = await signIn(h, A);
    const o = `/web/o/${await c.orgId()}`;
    const res = await fetch(h.base + `${o}/export.csv`, { headers: { cookie: `jama_session=${c.cookie("jama_session")}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment/);
    const body = await res.text();
    expect(body.split("\r\n").length).toBeGreaterThan(150);
    const xlsx = await fetch(h.base + `${o}/export.xlsx`, { headers: { cookie: `jama_session=${c.cookie("jama_session")}` } });
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
  });

  it("lets the secretariat add, change and cancel a session, with registrants told through the outbox", async () => {
    const sec = await signIn(h, SEC);
    const list = await sec.get("/web/admin/sessions");
    expect(list.status).toBe(200);
    // the seeded series is the terminal chat's demo, and says so
    expect(text(list.html)).toContain("(デモ)");
    const year = new Date().getUTCFullYear() + 2;
    const fields = { seriesNo: "40", title: "Web追加回", topic: "", date: `${year}-05-20`, start: "14:00", end: "16:00", format: "online", url: "", venue: "", capacity: "3", perOrgCap: "2", opensAt: "", closesAt: "", cancelCutoffAt: "" };
    const past = await sec.post("/web/admin/sessions", { ...fields, seriesNo: "41", date: "2020-01-16" });
    expect(past.status).toBe(400);
    expect(text(past.html)).toContain("過去");
    expect(await h.app.services.db.session.count({ where: { seriesNo: 41 } })).toBe(0);
    const created = await sec.post("/web/admin/sessions", fields);
    expect(created.location).toBe("/web/admin/sessions/40?done=created");
    expect(text(created.html)).toContain("Web追加回");
    // two people book it in chat
    expect((await say("第40回を予約", A)).intent).toBe("session_book");
    await say("スキップ", A);
    await say("第40回を予約", B);
    const page = await sec.get("/web/admin/sessions/40");
    expect(text(page.html)).toContain("予約 2名");
    const csv = await sec.get("/web/admin/sessions/40/registrants.csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.html.split("\r\n").filter(Boolean)).toHaveLength(3);
    // fewer seats than taken: refused in words
    const tooFew = await sec.post("/web/admin/sessions/40", { ...fields, capacity: "1", status: "open" });
    expect(tooFew.status).toBe(400);
    expect(text(tooFew.html)).toContain("定員をそれより少なくはできません");
    const moved = await sec.post("/web/admin/sessions/40", { ...fields, start: "15:00", end: "17:00", capacity: "5", status: "open" });
    expect(text(moved.html)).toContain("変更を保存しました");
    const s = await h.app.services.db.session.findUniqueOrThrow({ where: { seriesNo: 40 } });
    expect(s.capacity).toBe(5);
    expect(await h.app.services.db.outboxMessage.count({ where: { kind: "session_changed" } })).toBe(2);
    // a broadcast: a preview first, nothing queued; then sent
    const prev = await sec.post("/web/admin/sessions/40/broadcast", { text: "資料は前日に送ります" });
    expect(text(prev.html)).toContain("2名に送ります");
    expect(await h.app.services.db.outboxMessage.count({ where: { kind: "broadcast" } })).toBe(0);
    const sent = await sec.post("/web/admin/sessions/40/broadcast/send", { text: "資料は前日に送ります", includeWaitlist: "" });
    expect(text(sent.html)).toContain("連絡を送信しました");
    expect(await h.app.services.db.outboxMessage.count({ where: { kind: "broadcast" } })).toBe(2);
    // cancelling asks first
    const ask = await sec.post("/web/admin/sessions/40/cancel", {});
    expect(text(ask.html)).toContain("中止しますか");
    expect((await h.app.services.db.session.findUniqueOrThrow({ where: { seriesNo: 40 } })).status).toBe("open");
    const cancelled = await sec.post("/web/admin/sessions/40/cancel/confirm", {});
    expect(text(cancelled.html)).toContain("中止しました");
    expect((await h.app.services.db.session.findUniqueOrThrow({ where: { seriesNo: 40 } })).status).toBe("cancelled");
    expect(await h.app.services.db.outboxMessage.count({ where: { kind: "session_cancelled" } })).toBe(2);
  });

  it("shows the secretariat anonymous figures only, and the spread only from 5 organisations", async () => {
    const sec = await signIn(h, SEC);
    const few = await sec.get("/web/admin/progress");
    expect(text(few.html)).toContain("5組織未満");
    for (let i = 0; i < 5; i++) {
      const turn = textTurn(`No.${1 + i}は達成`, { org: `console:many-${i}`, user: `u${i}` });
      await h.app.pipeline.handle({ ...turn, org: { externalKey: `console:many-${i}`, name: `秘密商事${i}` } });
    }
    // the figures are kept 5 minutes per process and say so; another instance on the same
    // database counts anew
    expect(text((await sec.get("/web/admin/progress")).html)).toContain("5組織未満");
    expect(text(few.html)).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d 時点/);
    const h2 = await startWebHarnessOn(h);
    try {
      const sec2 = await signIn(h2, SEC);
      const many = await sec2.get("/web/admin/progress");
      const t = text(many.html);
      expect(t).toContain("レベル1の達成率の分布");
      expect(t).not.toContain("秘密商事");
      expect(many.html).not.toContain("console:many");
    } finally {
      await h2.close();
    }
    await say("量子暗号の項目は?", A);
    const q = await sec.get("/web/admin/questions");
    expect(q.status).toBe(200);
  });

  it("signs out: the session ends and its cookie opens nothing", async () => {
    const c = await signIn(h, A);
    const cookie = c.cookie("jama_session")!;
    const out = await c.post("/web/signout", {});
    expect(text(out.html)).toContain("サインアウトしました");
    const res = await fetch(h.base + "/web/", { headers: { cookie: `jama_session=${cookie}` }, redirect: "manual" });
    expect(res.status).toBe(401);
  });
});

/** A second instance on the same database (as with PostgreSQL), so its 5-minute figures start empty. */
async function startWebHarnessOn(h: WebHarness): Promise<WebHarness> {
  const { startServer } = await import("../../src/server.ts");
  const { createApp } = await import("../../src/app.ts");
  const app = await createApp(h.app.config, { db: h.app.db, kb: h.app.services.kb, log: h.app.log });
  const server = await startServer(app, { port: 0 });
  return { app: { ...app, logs: [] }, server, base: `http://127.0.0.1:${server.port}`, close: () => server.close().then(() => app.close()) };
}
