// Who a Slack request speaks for, and where its answer may go: Enterprise Grid org keys, Slack
// Connect guests, the workspace allow-list, Grid user ids (W…) and private files. Validly signed
// requests into the real server, the Web API replaced by the local stand-in; every message the
// bot posts is checked against Block Kit (test/helpers/block-kit.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackHarness, type SlackHarness } from "../helpers/slack-harness.ts";
import { encodeAction } from "../../src/channels/slack/render-blocks.ts";
import { blockAction, dmEvent, mentionEvent, slashCommand } from "../helpers/slack.ts";
import { blockKitProblems } from "../helpers/block-kit.ts";
import { until } from "../helpers/wait.ts";

describe("Slack identity and destinations", () => {
  let h: SlackHarness;
  // T1 is the installing workspace, TPARTNER a listed partner company; anyone else is refused
  beforeAll(async () => {
    h = await startSlackHarness({ SLACK_ALLOWED_TEAMS: "T1,TPARTNER" });
  });
  afterAll(async () => h?.close());

  const db = () => h.app.services.db;
  const orgOf = async (platformUserId: string) =>
    (await db().user.findMany({ where: { platform: "slack", platformUserId }, include: { org: true } })).map((u) => u.org.externalKey);
  const click = (intent: string, params: Record<string, unknown>, o: Parameters<typeof blockAction>[1]) =>
    h.postForm(`payload=${encodeURIComponent(JSON.stringify(blockAction(encodeAction({ intent, params })!, o)))}`);

  it("puts a Grid member's DM and button click in the same company (the event names the org only in authorizations)", async () => {
    await h.postJson(dmEvent("No.115", { user: "UGRID", team: "T1", enterprise: "EGRID" }));
    await click("show_item", { nos: [116] }, { user: "UGRID", team: "T1", enterprise: "EGRID", channel: "DUGRID", responseUrl: h.slack.responseUrl("grid") });
    await until(() => h.postsTo("DUGRID").length >= 2);
    expect(await orgOf("UGRID")).toEqual(["slack:EGRID"]);
  });

  it("keeps a Slack Connect guest in their own company, never the Grid host's, when they click a button", async () => {
    await click("show_item", { nos: [115] }, {
      user: "UGUEST",
      team: "T1",
      enterprise: "EGRID",
      userTeam: "TPARTNER",
      channel: "CSHARED",
      messageTs: "1700000700.000100",
      responseUrl: h.slack.responseUrl("guest"),
    });
    await until(() => h.postsTo("CSHARED").length >= 1);
    expect(h.postsTo("CSHARED")).toHaveLength(1);
    expect(await orgOf("UGUEST")).toEqual(["slack:TPARTNER"]);
    // and it did not take the host's workspace name for the guest's company
    expect((await db().organization.findUnique({ where: { externalKey: "slack:TPARTNER" } }))?.name ?? null).toBeNull();
  });

  it("applies the allow-list to the person's own workspace: a guest from an unlisted one is refused in a listed channel", async () => {
    const before = h.slack.calls.length;
    await h.postJson(mentionEvent("No.115", { user: "UOUTSIDER", team: "T1", userTeam: "TOUTSIDER", channel: "CSHARED2" }));
    await click("show_item", { nos: [115] }, { user: "UOUTSIDER", team: "T1", userTeam: "TOUTSIDER", channel: "CSHARED2", responseUrl: h.slack.responseUrl("outsider") });
    // both were refused when the adapter says so, before any turn started
    await until(() => h.app.logs.filter((l) => l.includes("not allowed") && l.includes("TOUTSIDER")).length >= 2, "both refusals in the log");
    expect(h.slack.calls.slice(before).filter((c) => c.method !== "users.info")).toEqual([]);
    expect(await db().organization.count({ where: { externalKey: "slack:TOUTSIDER" } })).toBe(0);
  });

  it("answers our own member in a shared channel another workspace started (the envelope's team_id is theirs)", async () => {
    await h.postJson(mentionEvent("No.124", { user: "UHOME", team: "TORIGIN", installedTeam: "T1", userTeam: "T1", channel: "CFROMB", ts: "1700000800.000100" }));
    await until(() => h.postsTo("CFROMB").length >= 1);
    const [post] = h.postsTo("CFROMB");
    expect(String(post.args.text)).toContain("No.124");
    expect(await orgOf("UHOME")).toEqual(["slack:T1"]);
  });

  it("sends a private export asked for by slash command in a channel to a Grid user's (W…) DM, never the channel", async () => {
    const r = await h.postForm(slashCommand("エクスポート", { user: "WGRIDUSER", team: "T1", channel: "CEXPORT", responseUrl: h.slack.responseUrl("export") }));
    expect(r.status).toBe(200);
    const [done] = await h.slack.waitFor("files.completeUploadExternal", 1, 15_000).then((c) => c.filter((x) => JSON.stringify(x.args).includes("DWGRIDUSER")));
    expect(done.args.channel_id).toBe("DWGRIDUSER");
    expect(h.slack.calls.find((c) => c.method === "conversations.open")?.args.users).toBe("WGRIDUSER");
    const answer = h.slack.calls.find((c) => c.method === "response_url" && c.args.id === "export")!;
    expect(answer.args.response_type).toBe("ephemeral");
    expect(h.slack.calls.filter((c) => c.method === "files.completeUploadExternal" && c.args.channel_id === "CEXPORT")).toHaveLength(0);
    expect(h.postsTo("CEXPORT")).toHaveLength(0);
  });

  it("answers a private button in a channel only to the clicker, with its file in their DM", async () => {
    await click("export_sheet", { format: "csv" }, { user: "UPRIV", channel: "CPRIV", messageTs: "1700000900.000100", responseUrl: h.slack.responseUrl("priv") });
    await until(() => h.slack.calls.some((c) => c.method === "files.completeUploadExternal" && c.args.channel_id === "DUPRIV"));
    const eph = h.slack.calls.filter((c) => c.method === "chat.postEphemeral" && c.args.channel === "CPRIV");
    expect(eph).toHaveLength(1);
    expect(eph[0].args.user).toBe("UPRIV");
    expect(h.postsTo("CPRIV")).toHaveLength(0);
    expect(h.slack.calls.filter((c) => c.method === "files.completeUploadExternal" && c.args.channel_id === "CPRIV")).toHaveLength(0);
  });

  it("answers a click on a slash command's ephemeral answer through its response_url, in the command's conversation", async () => {
    const answer = (id: string) => h.slack.waitFor("response_url", 1).then(() => until(() => h.slack.calls.some((c) => c.method === "response_url" && c.args.id === id))).then(() => h.slack.calls.find((c) => c.method === "response_url" && c.args.id === id)!);
    await h.postForm(slashCommand("No.115", { user: "UEPH", channel: "CEPH", responseUrl: h.slack.responseUrl("eph1") }));
    expect(String((await answer("eph1")).args.text)).toContain("No.115");
    await click("show_item", { nos: [116] }, { user: "UEPH", channel: "CEPH", ephemeral: true, messageTs: "1700001000.000100", responseUrl: h.slack.responseUrl("eph2") });
    const clicked = await answer("eph2");
    expect(clicked.args).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(clicked.args.text)).toContain("No.116");
    // the next command follows on from the click, not from the command before it
    await h.postForm(slashCommand("次の項目", { user: "UEPH", channel: "CEPH", responseUrl: h.slack.responseUrl("eph3") }));
    expect(String((await answer("eph3")).args.text)).toContain("No.117");
    expect(h.postsTo("CEPH")).toHaveLength(0);
  });

  it("posted only valid Block Kit in all of the above", () => {
    const posts = h.slack.posts();
    expect(posts.length).toBeGreaterThan(4);
    for (const p of posts) expect(blockKitProblems({ text: p.args.text, blocks: p.args.blocks }), `${p.method} ${JSON.stringify(p.args).slice(0, 200)}`).toEqual([]);
  });
});
