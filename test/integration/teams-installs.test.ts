// Teams installs through the real server and pipeline with a local Bot Connector: a new personal
// install is greeted once with the help (Teams sends installationUpdate and conversationUpdate for
// it), teams and group chats are recorded, and a removal retires the conversation's references so
// the outbox sends nothing more there. On PGlite and PostgreSQL.
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../src/server.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import { deleteExpiredCompanies } from "../../src/installations/retention.ts";
import {
  TEAM_ID,
  TENANT,
  channelMention,
  installationUpdate,
  personalInstall,
  personalMessage,
  postActivity,
  startFakeConnector,
  teamMembership,
  visible,
  type FakeConnector,
} from "../helpers/teams.ts";

describeEachDb("Teams installs", (kind) => {
  let app: TestApp;
  let running: RunningServer;
  let connector: FakeConnector;

  beforeAll(async () => {
    app = await createTestApp({ TEAMS_ENABLED: "true" }, { dbKind: kind });
    running = await startServer(app, { port: 0 });
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await running?.close();
    await connector?.close();
    await app?.close();
  });
  afterEach(async () => {
    await running.teams!.idle();
    connector.calls.length = 0;
  });

  const db = () => app.services.db;
  const who = (aad: string) => ({ serviceUrl: connector.url, aad, name: "佐藤 花子" });
  const send = async (activity: unknown) => {
    expect((await postActivity(running.port, activity)).status).toBe(200);
    await running.teams!.idle();
  };

  it("greets a new personal install once with the help, though Teams announces it twice, and records it", async () => {
    const hanako = who("aaaaaaaa-0000-0000-0000-0000000000a1");
    await send(installationUpdate("add", hanako));
    await send(personalInstall(hanako));
    expect(connector.posts()).toHaveLength(1);
    expect(visible(connector.posts()[0])).toContain("できること");
    const row = await db().teamsInstallation.findUniqueOrThrow({ where: { conversationId: "a:1personal-aaaaaaaa" } });
    expect(row).toMatchObject({ scope: "personal", tenantId: TENANT, byUserId: "aaaaaaaa-0000-0000-0000-0000000000a1", removedAt: null });
  });

  it("records a team install (and its name) without posting anything in the team", async () => {
    await send(installationUpdate("add", { ...who("aaaaaaaa-0000-0000-0000-0000000000b1"), in: "team" }));
    await send(teamMembership("added", who("aaaaaaaa-0000-0000-0000-0000000000b1")));
    expect(connector.posts()).toHaveLength(0);
    const row = await db().teamsInstallation.findUniqueOrThrow({ where: { conversationId: TEAM_ID } });
    expect(row).toMatchObject({ scope: "team", teamId: TEAM_ID, teamName: "品質保証部", removedAt: null });
  });

  it("a personal uninstall retires the person's reference: a reminder queued for them is not sent", async () => {
    const hanako = who("aaaaaaaa-0000-0000-0000-0000000000a1");
    await send(personalMessage("ヘルプ", hanako));
    const user = await db().user.findFirstOrThrow({ where: { platformUserId: "aaaaaaaa-0000-0000-0000-0000000000a1" } });
    expect(await db().conversationRef.count({ where: { userId: user.id, active: true } })).toBe(1);

    const startsAt = new Date("2027-07-02T05:00:00Z");
    await app.booking.service.addSession({
      seriesNo: 902, title: "teams uninstall", topic: "", areas: [], startsAt, endsAt: new Date(startsAt.getTime() + 7_200_000),
      format: "online", url: "https://example.jp/meet", venue: null, capacity: 10, perOrgCap: 5, opensAt: null, closesAt: null,
      cancelCutoffAt: null, status: "open", provisional: false,
    });
    expect((await app.booking.service.book(902, { userId: user.id, orgId: user.orgId, platform: "teams" }, {}, new Date("2027-06-01T00:00:00Z"))).kind).toBe("confirmed");
    const dueAt = new Date(startsAt.getTime() - 3_600_000 + 60_000);
    expect(await app.booking.service.enqueueDueReminders(dueAt, [3_600_000])).toBe(1);
    connector.calls.length = 0;

    await send(installationUpdate("remove", hanako));
    const row = await db().teamsInstallation.findUniqueOrThrow({ where: { conversationId: "a:1personal-aaaaaaaa" } });
    expect(row.removedAt).not.toBeNull();
    expect(await db().conversationRef.count({ where: { userId: user.id, active: true } })).toBe(0);
    await app.booking.outbox.tick(dueAt);
    expect(connector.posts()).toHaveLength(0);
    expect((await db().outboxMessage.findFirstOrThrow({ where: { userId: user.id, kind: "reminder" } })).status).toBe("failed");
    // the person's data stays
    expect(await db().user.count({ where: { id: user.id } })).toBe(1);
  });

  it("removing the bot from a team retires the references of the team's threads, and a re-add records it again", async () => {
    const taro = who("aaaaaaaa-0000-0000-0000-0000000000c1");
    // someone in the team's channel talks to the bot (the team's General channel is TEAM_ID here)
    const mention = channelMention("ヘルプ", taro) as { conversation: { id: string }; channelData: Record<string, unknown> };
    mention.conversation.id = `${TEAM_ID};messageid=1700000000123`;
    await send(mention);
    const threadRefs = () => db().conversationRef.count({ where: { platform: "teams", active: true, conversationKey: { startsWith: `teams:${encodeURIComponent(TEAM_ID)}` } } });
    expect(await threadRefs()).toBe(1);
    // a person's personal chat is not part of the team and stays
    await send(personalMessage("ヘルプ", taro));
    const personalRefs = () => db().conversationRef.count({ where: { platform: "teams", active: true, conversationKey: "teams:aaaaaaaa-0000-0000-0000-0000000000c1" } });
    expect(await personalRefs()).toBe(1);

    await send(teamMembership("removed", taro));
    expect(await threadRefs()).toBe(0);
    expect(await personalRefs()).toBe(1);
    expect((await db().teamsInstallation.findUniqueOrThrow({ where: { conversationId: TEAM_ID } })).removedAt).not.toBeNull();

    await send(installationUpdate("add", { ...taro, in: "team" }));
    expect((await db().teamsInstallation.findUniqueOrThrow({ where: { conversationId: TEAM_ID } })).removedAt).toBeNull();
  });

  it("removing the app from a tenant's last conversation starts the retention clock; the company's data goes after the period", async () => {
    const DAY = 86_400_000;
    const days = app.config.retentionDaysAfterUninstall;
    const tenant = "dddddddd-0000-4000-8000-00000000d001";
    const ichiro = { ...who("dddddddd-0000-0000-0000-0000000000d1"), tenant };
    const jiro = { ...who("eeeeeeee-0000-0000-0000-0000000000e1"), tenant };
    for (const p of [ichiro, jiro]) {
      await send(installationUpdate("add", p));
      await send(personalInstall(p));
    }
    await send(personalMessage("No.115は達成", ichiro));
    const org = await db().organization.findUniqueOrThrow({ where: { externalKey: `teams:${tenant}` } });
    expect(await db().answer.count({ where: { orgId: org.id } })).toBe(1);
    const run = (at: Date) => deleteExpiredCompanies(db(), at, days, app.log);
    const removedAt = async (aad: string) => (await db().teamsInstallation.findUniqueOrThrow({ where: { conversationId: `a:1personal-${aad.slice(0, 8)}` } })).removedAt!;

    // one person removes it: the app is still in the tenant (jiro's chat), nothing is counted down
    await send(installationUpdate("remove", ichiro));
    const first = await removedAt("dddddddd");
    expect((await run(new Date(first.getTime() + (days + 1) * DAY))).deleted).toEqual([]);
    expect(await db().organization.count({ where: { id: org.id } })).toBe(1);

    // the last one removes it: kept through the period, deleted after it
    await send(installationUpdate("remove", jiro));
    const last = await removedAt("eeeeeeee");
    expect(app.logs.some((l) => l.includes("the retention period starts") && l.includes(tenant))).toBe(true);
    expect((await run(new Date(last.getTime() + (days - 1) * DAY))).deleted).toEqual([]);
    expect(await db().answer.count({ where: { orgId: org.id } })).toBe(1);
    const after = await run(new Date(last.getTime() + (days + 1) * DAY));
    expect(after.deleted.map((d) => d.externalKey)).toEqual([`teams:${tenant}`]);
    expect(await db().organization.count({ where: { id: org.id } })).toBe(0);
    expect(await db().answer.count({ where: { orgId: org.id } })).toBe(0);
    expect(await db().teamsInstallation.count({ where: { tenantId: tenant } })).toBe(0);
    // the other tenant of this suite (its team still has the app) keeps everything
    expect(await db().organization.count({ where: { externalKey: `teams:${TENANT}` } })).toBe(1);
  });

  it("a re-install in the tenant stops the retention clock", async () => {
    const DAY = 86_400_000;
    const days = app.config.retentionDaysAfterUninstall;
    const tenant = "ffffffff-0000-4000-8000-00000000f001";
    const saburo = { ...who("ffffffff-0000-0000-0000-0000000000f1"), tenant };
    await send(installationUpdate("add", saburo));
    await send(personalMessage("No.115は達成", saburo));
    await send(installationUpdate("remove", saburo));
    const removed = (await db().teamsInstallation.findUniqueOrThrow({ where: { conversationId: "a:1personal-ffffffff" } })).removedAt!;
    await send(installationUpdate("add", saburo));
    const later = new Date(removed.getTime() + (days + 30) * DAY);
    expect((await deleteExpiredCompanies(db(), later, days, app.log)).deleted).toEqual([]);
    const org = await db().organization.findUniqueOrThrow({ where: { externalKey: `teams:${tenant}` } });
    expect(await db().answer.count({ where: { orgId: org.id } })).toBe(1);
    // removed again: the clock starts from the new removal
    await send(installationUpdate("remove", saburo));
    const again = (await db().teamsInstallation.findUniqueOrThrow({ where: { conversationId: "a:1personal-ffffffff" } })).removedAt!;
    expect((await deleteExpiredCompanies(db(), new Date(again.getTime() + (days - 1) * DAY), days, app.log)).deleted).toEqual([]);
    expect((await deleteExpiredCompanies(db(), new Date(again.getTime() + (days + 1) * DAY), days, app.log)).deleted.map((d) => d.externalKey)).toEqual([`teams:${tenant}`]);
  });

  it("a tenant whose people still reach the bot after the last recorded removal keeps its data", async () => {
    const days = app.config.retentionDaysAfterUninstall;
    const tenant = "abababab-0000-4000-8000-00000000ab01";
    const shiro = { ...who("abababab-0000-0000-0000-0000000000ab"), tenant };
    await send(installationUpdate("add", shiro));
    await send(installationUpdate("remove", shiro));
    const removed = (await db().teamsInstallation.findUniqueOrThrow({ where: { conversationId: "a:1personal-abababab" } })).removedAt!;
    // someone of the tenant writes later (the app is still there, in a chat the bot never heard of)
    await send(personalMessage("ヘルプ", { ...who("acacacac-0000-0000-0000-0000000000ac"), tenant }));
    const org = await db().organization.findUniqueOrThrow({ where: { externalKey: `teams:${tenant}` } });
    await db().user.updateMany({ where: { orgId: org.id }, data: { lastSeenAt: new Date(removed.getTime() + 60_000) } });
    const r = await deleteExpiredCompanies(db(), new Date(removed.getTime() + (days + 1) * 86_400_000), days, app.log);
    expect(r.deleted).toEqual([]);
    expect(r.stillInstalled).toEqual([`teams:${tenant}`]);
    expect(await db().organization.count({ where: { id: org.id } })).toBe(1);
  });
});
