// Slack distribution: any workspace (or a whole Enterprise Grid org) installs the app through
// /slack/install; events are authorised from the stored installation; uninstalling stops
// everything at once. The real server, Bolt and InstallProvider against local stand-ins of Slack's
// oauth.v2.access, auth.test and auth.revoke, on PGlite and PostgreSQL.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import { SIGNING_SECRET, blockAction, dmEvent, mentionEvent, sign, slashCommand, startFakeSlack, type FakeSlack } from "../helpers/slack.ts";
import { encodeAction } from "../../src/channels/slack/render-blocks.ts";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  appUninstalledEvent,
  installThroughBrowser,
  slackOAuthStandIn,
  tokensRevokedEvent,
  type SlackOAuthStandIn,
} from "../helpers/slack-oauth.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import { isPermanentDeliveryError } from "../../src/booking/outbox-worker.ts";
import { until as waitUntil } from "../helpers/wait.ts";
import { PrismaSlackInstallations } from "../../src/installations/slack-installations.ts";
import { TokenCipher } from "../../src/installations/token-cipher.ts";
import { createLogger } from "../../src/core/logger.ts";
import { deleteCompanyOnRequest, slackRevoker } from "../../src/installations/retention.ts";

const TOKEN_KEY = Buffer.alloc(32, 7).toString("base64");
const ACME = { team: { id: "T0ACME", name: "acme-parts" }, installer: "U0ACMEADMIN" };
const BETA = { team: { id: "T0BETA", name: "beta-motors" }, installer: "U0BETAADMIN" };
const GAMMA = { team: { id: "T0GAMMA", name: "gamma-seats" }, installer: "U0GAMMAADMIN", expiresIn: 600 };
const GRID = { enterprise: { id: "E0GRID", name: "grid-auto" }, orgWide: true, installer: "W0GRIDADMIN" };

describeEachDb("Slack OAuth distribution", (kind) => {
  let slack: FakeSlack;
  let oauth: SlackOAuthStandIn;
  let app: TestApp;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    oauth = slackOAuthStandIn(slack);
    app = await createTestApp(
      { SLACK_CLIENT_ID: CLIENT_ID, SLACK_CLIENT_SECRET: CLIENT_SECRET, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, SLACK_TOKEN_KEY: TOKEN_KEY },
      { dbKind: kind },
    );
    server = await startServer(app, { port: 0 });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await slack?.close();
  });

  const db = () => app.services.db;
  const post = (body: unknown) => {
    const raw = JSON.stringify(body);
    return fetch(`${base}/slack/events`, { method: "POST", headers: { "content-type": "application/json", ...sign(raw) }, body: raw });
  };
  const postForm = (form: string) =>
    fetch(`${base}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...sign(form) }, body: form });
  const postsIn = (channel: string) => slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === channel);
  /** a DM in a workspace; `grid`: a workspace of the Grid org installed org-wide */
  const dm = (text: string, user: string, team: string, grid?: string) => {
    const e = dmEvent(text, { user, team, enterprise: grid });
    if (grid) {
      Object.assign(e, { enterprise_id: grid, is_enterprise_install: true });
      e.authorizations[0] = { ...e.authorizations[0], is_enterprise_install: true };
    }
    return e;
  };

  it("serves a plain bilingual install page whose link carries the client id, the scopes and a state tied to a cookie", async () => {
    const res = await fetch(`${base}/slack/install`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Slackに追加");
    expect(html).toContain("Add to Slack");
    const href = new URL(/href="([^"]+)"/.exec(html.replace(/&amp;/g, "&"))![1]);
    expect(href.origin + href.pathname).toBe("https://slack.com/oauth/v2/authorize");
    expect(href.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(href.searchParams.get("scope")).toContain("chat:write");
    const state = href.searchParams.get("state")!;
    expect(state.length).toBeGreaterThan(20);
    expect(res.headers.get("set-cookie")).toContain(`slack-app-oauth-state=${state}`);
    expect(res.headers.get("set-cookie")).toMatch(/HttpOnly/);
  });

  it("refuses a redirect whose state is missing, forged or from another browser, and stores nothing", async () => {
    const before = slack.calls.filter((c) => c.method === "oauth.v2.access").length;
    const noCookie = await installThroughBrowser(base, oauth.grant(ACME), { cookie: null });
    const forged = await installThroughBrowser(base, oauth.grant(ACME), { state: "forged.state.value" });
    const otherBrowser = await installThroughBrowser(base, oauth.grant(ACME), { cookie: "slack-app-oauth-state=someone-elses" });
    for (const r of [noCookie, forged, otherBrowser]) {
      expect(r.result.status).toBe(400);
      expect(r.resultHtml).toContain("追加できませんでした");
      expect(r.resultHtml).toContain("Nothing was stored");
    }
    expect(slack.calls.filter((c) => c.method === "oauth.v2.access").length).toBe(before);
    expect(await db().slackInstallation.count()).toBe(0);
  });

  it("drops an event from a workspace with no installation: acknowledged, nothing stored, nothing answered", async () => {
    const res = await post(dmEvent("ヘルプ", { user: "U0STRANGER", team: "T0NOBODY" }));
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(postsIn("DU0STRANGER")).toEqual([]);
    expect(await db().organization.count({ where: { externalKey: "slack:T0NOBODY" } })).toBe(0);
    expect(await db().inboxDelivery.count()).toBe(0);
    expect(app.logs.some((l) => l.includes("without an installation"))).toBe(true);
  });

  it("two workspaces install at once; each is answered with its own token, stored encrypted", async () => {
    const [a, b] = await Promise.all([installThroughBrowser(base, oauth.grant(ACME)), installThroughBrowser(base, oauth.grant(BETA))]);
    expect(a.result.status).toBe(200);
    expect(a.resultHtml).toContain("acme-parts");
    expect(a.resultHtml).toContain("追加しました");
    expect(b.resultHtml).toContain("beta-motors");
    const rows = await db().slackInstallation.findMany({ orderBy: { installKey: "asc" } });
    expect(rows.map((r) => r.installKey)).toEqual(["T:T0ACME", "T:T0BETA"]);
    const [acmeToken] = oauth.tokensOf("T0ACME");
    for (const r of rows) {
      expect(r.botTokenEnc).toMatch(/^v1:/);
      expect(r.botTokenEnc).not.toContain("xoxb");
      expect(r.botUserId).toBe(`U0BOT${r.teamId}`);
      expect(r.installerUserId).toMatch(/ADMIN$/);
    }
    // the raw column, as anyone reading the database sees it
    const raw = await db().$queryRaw<{ t: string }[]>`SELECT "botTokenEnc" AS t FROM "SlackInstallation"`;
    expect(raw.some((r) => r.t.includes(acmeToken))).toBe(false);

    await post(dm("ヘルプ", "U0ALICE", "T0ACME"));
    await post(dm("ヘルプ", "U0BOB", "T0BETA"));
    await waitUntil(() => postsIn("DU0ALICE").length === 1 && postsIn("DU0BOB").length === 1);
    expect(postsIn("DU0ALICE")[0].token).toBe(acmeToken);
    expect(postsIn("DU0BOB")[0].token).toBe(oauth.tokensOf("T0BETA")[0]);
    const orgs = await db().organization.findMany({ where: { externalKey: { in: ["slack:T0ACME", "slack:T0BETA"] } } });
    expect(orgs).toHaveLength(2);
  });

  it("an org-wide Enterprise Grid install answers every workspace of the org as one company", async () => {
    const g = await installThroughBrowser(base, oauth.grant(GRID));
    expect(g.result.status).toBe(200);
    expect(g.resultHtml).toContain("組織全体");
    const row = await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "E:E0GRID" } });
    expect(row).toMatchObject({ isEnterpriseInstall: true, teamId: null, enterpriseId: "E0GRID" });
    await post(dm("ヘルプ", "W0CAROL", "T0GRIDWS1", "E0GRID"));
    await post(dm("ヘルプ", "W0DAVE", "T0GRIDWS2", "E0GRID"));
    await waitUntil(() => postsIn("DW0CAROL").length === 1 && postsIn("DW0DAVE").length === 1);
    expect(postsIn("DW0CAROL")[0].token).toBe(oauth.tokensOf("E0GRID")[0]);
    const carol = await db().user.findFirstOrThrow({ where: { platformUserId: "W0CAROL" }, include: { org: true } });
    const dave = await db().user.findFirstOrThrow({ where: { platformUserId: "W0DAVE" } });
    expect(carol.org.externalKey).toBe("slack:E0GRID");
    expect(dave.orgId).toBe(carol.orgId);
  });

  it("serves a Slack Connect guest only when the guest's own workspace installed the app too", async () => {
    // a guest from a workspace without the app, in a channel of an installed one: no company is made
    await post(mentionEvent("ヘルプ", { user: "U0GUEST", team: "T0ACME", userTeam: "T0NOBODY2", channel: "C0SHARED" }));
    // a guest from an installed workspace (BETA) is answered, as BETA's company
    await post(mentionEvent("ヘルプ", { user: "U0BOBGUEST", team: "T0ACME", userTeam: "T0BETA", channel: "C0SHARED" }));
    await waitUntil(() => postsIn("C0SHARED").length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(postsIn("C0SHARED")).toHaveLength(1);
    expect(await db().organization.count({ where: { externalKey: "slack:T0NOBODY2" } })).toBe(0);
    const guest = await db().user.findFirstOrThrow({ where: { platformUserId: "U0BOBGUEST" }, include: { org: true } });
    expect(guest.org.externalKey).toBe("slack:T0BETA");
  });

  it("in a channel of an org-wide Grid install, a guest whose workspace has no installation is acknowledged and dropped", async () => {
    // the Grid org E0GRID installed org-wide (test above); a channel of its workspace T0GRIDWS1
    const inGrid = (user: string, userTeam: string) => {
      const e = mentionEvent("ヘルプ", { user, team: "T0GRIDWS1", userTeam, channel: "C0GRIDSHARED" });
      Object.assign(e, { enterprise_id: "E0GRID", is_enterprise_install: true });
      e.authorizations[0] = { ...e.authorizations[0], enterprise_id: "E0GRID" as never, is_enterprise_install: true };
      return e;
    };
    const orgsBefore = await db().organization.count();
    const usersBefore = await db().user.count();
    const res = await post(inGrid("U0GRIDGUEST", "T0OUTSIDER"));
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(postsIn("C0GRIDSHARED")).toEqual([]);
    // nothing stored: no company for the guest's workspace, none pooled into the Grid org's
    expect(await db().organization.count()).toBe(orgsBefore);
    expect(await db().user.count()).toBe(usersBefore);
    expect(await db().user.count({ where: { platformUserId: "U0GRIDGUEST" } })).toBe(0);
    // a guest whose own workspace installed the app (BETA) is answered there, as BETA's company
    await post(inGrid("U0BETAINGRID", "T0BETA"));
    await waitUntil(() => postsIn("C0GRIDSHARED").length === 1);
    const guest = await db().user.findFirstOrThrow({ where: { platformUserId: "U0BETAINGRID" }, include: { org: true } });
    expect(guest.org.externalKey).toBe("slack:T0BETA");
  });

  it("a colleague from another workspace of the Grid org is the org's company in a message, a click and a slash command", async () => {
    // W0ERIN's own workspace is T0GRIDWS2; she writes in a channel of T0GRIDWS1 (org-wide install of E0GRID)
    slack.users.set("W0ERIN", { team: "T0GRIDWS2", enterprise: "E0GRID" });
    const gridToken = oauth.tokensOf("E0GRID")[0];
    await post(mentionEvent("No.115", { user: "W0ERIN", team: "T0GRIDWS1", userTeam: "T0GRIDWS2", enterprise: "E0GRID", orgWide: true, channel: "C0GRIDCOLL", ts: "1700002000.000100" }));
    await waitUntil(() => postsIn("C0GRIDCOLL").length === 1);
    const value = encodeAction({ intent: "show_item", params: { nos: [116] } })!;
    const click = blockAction(value, { user: "W0ERIN", team: "T0GRIDWS1", userTeam: "T0GRIDWS2", enterprise: "E0GRID", orgWide: true, channel: "C0GRIDCOLL", messageTs: "1700002000.000100", responseUrl: slack.responseUrl("erin-click") });
    expect((await postForm(`payload=${encodeURIComponent(JSON.stringify(click))}`)).status).toBe(200);
    await waitUntil(() => postsIn("C0GRIDCOLL").length === 2);
    expect((await postForm(slashCommand("No.117", { user: "W0ERIN", team: "T0GRIDWS1", enterprise: "E0GRID", orgWide: true, channel: "C0GRIDCOLL", responseUrl: slack.responseUrl("erin-cmd") }))).status).toBe(200);
    await waitUntil(() => slack.calls.some((c) => c.method === "response_url" && c.args.id === "erin-cmd"));
    // one person, in the Grid org's company: nothing made for her own workspace
    const erin = await db().user.findMany({ where: { platformUserId: "W0ERIN" }, include: { org: true } });
    expect(erin.map((u) => u.org.externalKey)).toEqual(["slack:E0GRID"]);
    expect(await db().organization.count({ where: { externalKey: "slack:T0GRIDWS2" } })).toBe(0);
    // Slack was asked with the org's installation token
    const asked = slack.calls.filter((c) => c.method === "users.info" && c.args.user === "W0ERIN");
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((c) => c.token === gridToken)).toBe(true);
    expect(postsIn("C0GRIDCOLL").every((c) => c.token === gridToken)).toBe(true);
  });

  it("a person from another Grid org in the same channel stays external: never the host org's company", async () => {
    // W0MALLORY belongs to another organisation (E0OTHER) whose workspace has no installation
    slack.users.set("W0MALLORY", { team: "T0OTHERWS", enterprise: "E0OTHER" });
    const gridOrg = await db().organization.findUniqueOrThrow({ where: { externalKey: "slack:E0GRID" } });
    const gridUsers = await db().user.count({ where: { orgId: gridOrg.id } });
    await post(mentionEvent("No.115", { user: "W0MALLORY", team: "T0GRIDWS1", userTeam: "T0OTHERWS", enterprise: "E0GRID", orgWide: true, channel: "C0GRIDEXT", ts: "1700002100.000100" }));
    const click = blockAction(encodeAction({ intent: "show_item", params: { nos: [115] } })!, {
      user: "W0MALLORY",
      team: "T0GRIDWS1",
      userTeam: "T0OTHERWS",
      enterprise: "E0GRID",
      orgWide: true,
      channel: "C0GRIDEXT",
      responseUrl: slack.responseUrl("mallory-click"),
    });
    await postForm(`payload=${encodeURIComponent(JSON.stringify(click))}`);
    // a slash command names only the host's workspace and org: users.info says whose she is
    await postForm(slashCommand("No.115", { user: "W0MALLORY", team: "T0GRIDWS1", enterprise: "E0GRID", orgWide: true, channel: "C0GRIDEXT", responseUrl: slack.responseUrl("mallory-cmd") }));
    await waitUntil(() => app.logs.filter((l) => l.includes("not allowed") && l.includes("T0OTHERWS")).length >= 3, "three refusals");
    expect(postsIn("C0GRIDEXT")).toEqual([]);
    expect(slack.calls.some((c) => c.method === "response_url" && String(c.args.id).startsWith("mallory"))).toBe(false);
    expect(await db().user.count({ where: { platformUserId: "W0MALLORY" } })).toBe(0);
    expect(await db().user.count({ where: { orgId: gridOrg.id } })).toBe(gridUsers);
    // and a guest from an installed workspace outside the org (BETA) is served as BETA, by slash command too
    slack.users.set("U0BETASLASH", { team: "T0BETA" });
    await postForm(slashCommand("No.115", { user: "U0BETASLASH", team: "T0GRIDWS1", enterprise: "E0GRID", orgWide: true, channel: "C0GRIDEXT", responseUrl: slack.responseUrl("beta-cmd") }));
    await waitUntil(() => slack.calls.some((c) => c.method === "response_url" && c.args.id === "beta-cmd"));
    const beta = await db().user.findFirstOrThrow({ where: { platformUserId: "U0BETASLASH" }, include: { org: true } });
    expect(beta.org.externalKey).toBe("slack:T0BETA");
  });

  it("when users.info fails, a person from another workspace counts as external: dropped, never pooled into the Grid org", async () => {
    slack.users.set("W0FRANK", { team: "T0GRIDWS3", enterprise: "E0GRID" });
    // Slack fails to answer about this one person (only them: other turns' lookups go on)
    const usual = slack.handlers.get("users.info")!;
    slack.handlers.set("users.info", (args, token, req) => (args.user === "W0FRANK" ? { ok: false, error: "fatal_error" } : usual(args, token, req)));
    await post(mentionEvent("No.115", { user: "W0FRANK", team: "T0GRIDWS1", userTeam: "T0GRIDWS3", enterprise: "E0GRID", orgWide: true, channel: "C0GRIDFAIL", ts: "1700002200.000100" }));
    await waitUntil(() => app.logs.some((l) => l.includes("not allowed") && l.includes("T0GRIDWS3")), "the refusal");
    slack.handlers.set("users.info", usual);
    expect(slack.calls.some((c) => c.method === "users.info" && c.args.user === "W0FRANK")).toBe(true);
    expect(postsIn("C0GRIDFAIL")).toEqual([]);
    expect(await db().user.count({ where: { platformUserId: "W0FRANK" } })).toBe(0);
    expect(await db().organization.count({ where: { externalKey: "slack:T0GRIDWS3" } })).toBe(0);
  });

  it("with a workspace install in a Grid org, a colleague from another workspace of the org is the org's company", async () => {
    const ws = { team: { id: "T0GWS1", name: "delta-ws1" }, enterprise: { id: "E0DELTA", name: "delta" }, installer: "W0DELTAADMIN" };
    expect((await installThroughBrowser(base, oauth.grant(ws))).result.status).toBe(200);
    expect(await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T0GWS1" } })).toMatchObject({ isEnterpriseInstall: false, enterpriseId: "E0DELTA" });
    slack.users.set("W0GINA", { team: "T0GWS2", enterprise: "E0DELTA" });
    await post(mentionEvent("No.115", { user: "W0GINA", team: "T0GWS1", userTeam: "T0GWS2", enterprise: "E0DELTA", channel: "C0DELTA", ts: "1700002300.000100" }));
    await post(mentionEvent("No.116", { user: "W0HOST", team: "T0GWS1", enterprise: "E0DELTA", channel: "C0DELTA", ts: "1700002301.000100" }));
    await waitUntil(() => postsIn("C0DELTA").length === 2);
    const gina = await db().user.findFirstOrThrow({ where: { platformUserId: "W0GINA" }, include: { org: true } });
    const host = await db().user.findFirstOrThrow({ where: { platformUserId: "W0HOST" } });
    expect(gina.org.externalKey).toBe("slack:E0DELTA");
    expect(host.orgId).toBe(gina.orgId);
    expect(postsIn("C0DELTA").every((c) => c.token === oauth.tokensOf("T0GWS1")[0])).toBe(true);
  });

  it("a re-install replaces the token in place; the next answer uses the new one", async () => {
    const again = await installThroughBrowser(base, oauth.grant(ACME));
    expect(again.result.status).toBe(200);
    expect(await db().slackInstallation.count({ where: { teamId: "T0ACME" } })).toBe(1);
    const [, fresh] = oauth.tokensOf("T0ACME");
    await post(dm("ヘルプ", "U0ALICE", "T0ACME"));
    await waitUntil(() => postsIn("DU0ALICE").length === 2);
    expect(postsIn("DU0ALICE")[1].token).toBe(fresh);
  });

  it("app_uninstalled clears the tokens at once and stops all sends there; the company's data stays; others go on", async () => {
    const alice = await db().user.findFirstOrThrow({ where: { platformUserId: "U0ALICE" } });
    const ref = await db().conversationRef.findFirstOrThrow({ where: { userId: alice.id, active: true } });
    expect(ref.reference).toMatchObject({ channel: "U0ALICE", team: "T0ACME" });
    // before: a proactive message reaches her
    await server.slack!.sendTo(ref.reference, { text: "before", blocks: [] });

    expect((await post(appUninstalledEvent({ team: "T0ACME" }))).status).toBe(200);
    await waitUntil(async () => (await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T0ACME" } })).uninstalledAt !== null);
    const row = await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T0ACME" } });
    expect(row).toMatchObject({ botTokenEnc: null, refreshTokenEnc: null });
    expect(await db().conversationRef.count({ where: { orgId: alice.orgId, active: true } })).toBe(0);
    // a proactive send (what the outbox does) fails for good, so the outbox stops retrying
    const err = await server.slack!.sendTo(ref.reference, { text: "after", blocks: [] }).then(() => null, (e) => e);
    expect(err).not.toBeNull();
    expect(isPermanentDeliveryError(err)).toBe(true);
    expect(postsIn("U0ALICE").map((c) => c.args.text)).toEqual(["before"]);
    // a message from that workspace is dropped
    const posted = slack.calls.filter((c) => c.method === "chat.postMessage").length;
    await post(dm("ヘルプ", "U0ALICE", "T0ACME"));
    await post(dm("ヘルプ", "U0BOB", "T0BETA"));
    await waitUntil(() => postsIn("DU0BOB").length === 2);
    expect(slack.calls.filter((c) => c.method === "chat.postMessage").length).toBe(posted + 1);
    // the company's data is still there for its admins to export
    expect(await db().organization.count({ where: { externalKey: "slack:T0ACME" } })).toBe(1);
    expect(await db().user.count({ where: { orgId: alice.orgId } })).toBeGreaterThan(0);
  });

  it("tokens_revoked for the bot does the same; a revoked user token alone changes nothing", async () => {
    await post(tokensRevokedEvent({ team: "T0BETA", oauth: ["U0BETAADMIN"] }));
    await new Promise((r) => setTimeout(r, 300));
    expect((await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T0BETA" } })).botTokenEnc).not.toBeNull();
    await post(tokensRevokedEvent({ team: "T0BETA", bot: ["U0BOTT0BETA"] }));
    await waitUntil(async () => (await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T0BETA" } })).botTokenEnc === null);
    const bob = await db().user.findFirstOrThrow({ where: { platformUserId: "U0BOB" } });
    expect(await db().conversationRef.count({ where: { userId: bob.id, active: true } })).toBe(0);
  });

  it("after an uninstall, installing again brings the workspace back", async () => {
    const back = await installThroughBrowser(base, oauth.grant(ACME));
    expect(back.result.status).toBe(200);
    const row = await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T0ACME" } });
    expect(row.uninstalledAt).toBeNull();
    const before = postsIn("DU0ALICE").length;
    await post(dm("ヘルプ", "U0ALICE", "T0ACME"));
    await waitUntil(() => postsIn("DU0ALICE").length === before + 1);
    expect(postsIn("DU0ALICE").at(-1)!.token).toBe(oauth.tokensOf("T0ACME").at(-1));
  });

  it("with token rotation, 20 concurrent turns during a refresh cause exactly one refresh; the new refresh token is stored", async () => {
    // the first token lives 10 minutes: inside the refresh margin, so the first turn refreshes
    expect((await installThroughBrowser(base, oauth.grant(GAMMA))).result.status).toBe(200);
    const installed = await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T0GAMMA" } });
    expect(installed.refreshTokenEnc).toMatch(/^v1:/);
    const refreshes = () => slack.calls.filter((c) => c.method === "oauth.v2.access" && c.args.grant_type === "refresh_token");
    expect(refreshes()).toHaveLength(0);
    slack.delay("oauth.v2.access", 300); // the refresh is in flight while the other turns arrive
    const users = Array.from({ length: 20 }, (_, i) => `U0G${String(i).padStart(3, "0")}`);
    const acks = await Promise.all(users.map((u) => post(dm("ヘルプ", u, "T0GAMMA"))));
    expect(acks.every((r) => r.status === 200)).toBe(true);
    await waitUntil(() => users.every((u) => postsIn(`D${u}`).length === 1), "20 answers", 60_000);
    slack.delay("oauth.v2.access", 0);
    expect(refreshes()).toHaveLength(1);
    const [, fresh] = oauth.tokensOf("T0GAMMA");
    expect(users.map((u) => postsIn(`D${u}`)[0].token)).toEqual(users.map(() => fresh));
    const row = await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T0GAMMA" } });
    expect(row.refreshTokenEnc).not.toBe(installed.refreshTokenEnc);
    expect(row.expiresAt!.getTime() - Date.now()).toBeGreaterThan(11 * 3_600_000);
    const cipher = new TokenCipher(Buffer.from(TOKEN_KEY, "base64"));
    expect(cipher.decrypt(row.refreshTokenEnc!)).toBe(oauth.refreshTokensOf("T0GAMMA").at(-1));
    expect(cipher.decrypt(row.botTokenEnc!)).toBe(fresh);
  });

  it("two instances on one database refresh an expiring token once between them (the row lock)", async () => {
    // a second installation store is a second instance: its own in-process single flight, same rows
    const log = createLogger("silent");
    const cipher = new TokenCipher(Buffer.from(TOKEN_KEY, "base64"));
    const instances = [new PrismaSlackInstallations(db(), cipher, log), new PrismaSlackInstallations(db(), cipher, log)];
    const soon = new Date(Date.now() + 60_000);
    await db().slackInstallation.update({ where: { installKey: "T:T0GAMMA" }, data: { expiresAt: soon } });
    let calls = 0;
    const refresh = async (refreshToken: string) => {
      calls++;
      await new Promise((r) => setTimeout(r, 200));
      expect(refreshToken).toBe(oauth.refreshTokensOf("T0GAMMA").at(-1));
      return { access_token: "xoxe.xoxb-1-T0GAMMA-manual", refresh_token: "xoxe-1-T0GAMMA-manual", expires_in: 43200 };
    };
    const now = new Date();
    const got = await Promise.all(Array.from({ length: 20 }, (_, i) => instances[i % 2].authorize({ teamId: "T0GAMMA" }, now, refresh)));
    expect(calls).toBe(1);
    expect(new Set(got.map((g) => g!.botToken))).toEqual(new Set(["xoxe.xoxb-1-T0GAMMA-manual"]));
    expect(instances[0].refreshCount + instances[1].refreshCount).toBe(1);
  });

  it("an uninstall while a reminder is queued: the reminder is not sent and not retried", async () => {
    const alice = await db().user.findFirstOrThrow({ where: { platformUserId: "U0ALICE" } });
    const startsAt = new Date("2027-07-01T05:00:00Z");
    await app.booking.service.addSession({
      seriesNo: 901, title: "uninstall test", topic: "", areas: [], startsAt, endsAt: new Date(startsAt.getTime() + 7_200_000),
      format: "online", url: "https://example.jp/meet", venue: null, capacity: 10, perOrgCap: 5, opensAt: null, closesAt: null,
      cancelCutoffAt: null, status: "open", provisional: false,
    });
    const booked = await app.booking.service.book(901, { userId: alice.id, orgId: alice.orgId, platform: "slack" }, {}, new Date("2027-06-01T00:00:00Z"));
    expect(booked.kind).toBe("confirmed");
    const dueAt = new Date(startsAt.getTime() - 3_600_000 + 60_000);
    expect(await app.booking.service.enqueueDueReminders(dueAt, [3_600_000])).toBe(1);
    const queued = await db().outboxMessage.findFirstOrThrow({ where: { userId: alice.id, kind: "reminder" } });
    expect(queued.status).toBe("pending");

    await post(appUninstalledEvent({ team: "T0ACME" }));
    await waitUntil(async () => (await db().slackInstallation.findUniqueOrThrow({ where: { installKey: "T:T0ACME" } })).uninstalledAt !== null);
    const before = postsIn("U0ALICE").length;
    await app.booking.outbox.tick(dueAt);
    const after = await db().outboxMessage.findUniqueOrThrow({ where: { id: queued.id } });
    expect(after.status).toBe("failed");
    expect(postsIn("U0ALICE")).toHaveLength(before);
    await app.booking.outbox.tick(new Date(dueAt.getTime() + 3_600_000));
    expect(postsIn("U0ALICE")).toHaveLength(before);
  });

  it("deleting a company on request revokes its bot token (auth.revoke), forgets the installation and deletes its data", async () => {
    // uninstalls and revocations above called no auth.revoke: Slack had already invalidated those tokens
    expect(slack.calls.filter((c) => c.method === "auth.revoke")).toEqual([]);
    const grid = await db().organization.findUniqueOrThrow({ where: { externalKey: "slack:E0GRID" } });
    expect(await db().user.count({ where: { orgId: grid.id } })).toBeGreaterThan(0);
    const token = oauth.tokensOf("E0GRID").at(-1)!;
    const cipher = new TokenCipher(Buffer.from(TOKEN_KEY, "base64"));
    const r = await deleteCompanyOnRequest(db(), "slack:E0GRID", { decrypt: (s) => cipher.decrypt(s), revoke: slackRevoker(slack.url) }, app.log);
    expect(r.revoked).toEqual(["E:E0GRID"]);
    expect(r.rows).toMatchObject({ Organization: 1 });
    const revokes = slack.calls.filter((c) => c.method === "auth.revoke");
    expect(revokes.map((c) => c.token)).toEqual([token]);
    expect(oauth.revoked.has(token)).toBe(true);
    expect(await db().slackInstallation.count({ where: { installKey: "E:E0GRID" } })).toBe(0);
    expect(await db().organization.count({ where: { externalKey: "slack:E0GRID" } })).toBe(0);
    expect(await db().user.count({ where: { orgId: grid.id } })).toBe(0);
    // the org's people are now strangers: acknowledged and dropped
    expect((await post(dm("ヘルプ", "W0CAROL", "T0GRIDWS1", "E0GRID"))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(postsIn("DW0CAROL")).toHaveLength(1); // the one answer from before the deletion
    expect(await db().organization.count({ where: { externalKey: "slack:E0GRID" } })).toBe(0);
  });
});
