// A company whose Slack workspace uninstalled the app keeps its data for the retention period
// (RETENTION_DAYS_AFTER_UNINSTALL), then the background run deletes all of it, audit trail
// included; a re-install, or another workspace of the same Grid org, keeps it. On PGlite and PostgreSQL.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import { companyFootprint, deleteCompanyData, deleteCompanyOnRequest, deleteExpiredCompanies, teamsTenantsUninstalled } from "../../src/installations/retention.ts";
import { turnToJson } from "../../src/inbox/serialize.ts";

const DAY = 86_400_000;
const UNINSTALLED = new Date("2026-03-01T00:00:00Z");

describeEachDb("retention after uninstall", (kind) => {
  let app: TestApp;
  const db = () => app.services.db;
  const who = (team: string) => ({ org: `slack:${team}`, user: `U${team}`, platform: "slack" as const, conversation: `slack:D${team}` });
  const orgOf = (key: string) => db().organization.findUnique({ where: { externalKey: key } });
  const install = (installKey: string, teamId: string | null, enterpriseId: string | null, uninstalledAt: Date | null) =>
    db().slackInstallation.create({
      data: { installKey, teamId, enterpriseId, isEnterpriseInstall: installKey.startsWith("E:"), botTokenEnc: uninstalledAt ? null : "enc", installedAt: new Date("2026-01-01T00:00:00Z"), uninstalledAt },
    });
  const companyRows = async (orgId: string) => ({
    users: await db().user.count({ where: { orgId } }),
    answers: await db().answer.count({ where: { orgId } }),
    events: await db().answerEvent.count({ where: { orgId } }),
    assessments: await db().assessment.count({ where: { orgId } }),
    bookings: await db().booking.count({ where: { orgId } }),
  });
  let sessionId: string;

  beforeAll(async () => {
    app = await createTestApp({}, { dbKind: kind });
    // GONE: uninstalled; KEEP: installed; BACK: uninstalled then installed again; TW1/TW2: two workspaces of Grid org EGRID
    for (const team of ["GONE", "KEEP", "BACK"]) await app.pipeline.handle(textTurn("No.115は達成", who(team)));
    await app.pipeline.handle(textTurn("No.115は達成", { ...who("TW1"), org: "slack:EGRID" }));
    await install("T:GONE", "GONE", null, UNINSTALLED);
    await install("T:KEEP", "KEEP", null, null);
    await install("T:BACK", "BACK", null, null);
    await install("T:TW1", "TW1", "EGRID", UNINSTALLED);
    await install("T:TW2", "TW2", "EGRID", null);
    // a seat GONE holds in a session: given back when its data goes
    const gone = (await orgOf("slack:GONE"))!;
    const user = await db().user.findFirstOrThrow({ where: { orgId: gone.id } });
    const session = await db().session.create({
      data: { seriesNo: 901, title: "t", startsAt: new Date("2026-06-01T01:00:00Z"), endsAt: new Date("2026-06-01T02:00:00Z"), format: "online", capacity: 10, confirmedCount: 1 },
    });
    sessionId = session.id;
    await db().booking.create({ data: { sessionId, orgId: gone.id, userId: user.id, status: "confirmed", platform: "slack" } });
  });
  afterAll(async () => app?.close());

  it("keeps the data through the retention period", async () => {
    const r = await deleteExpiredCompanies(db(), new Date(UNINSTALLED.getTime() + 89 * DAY), 90, app.log);
    expect(r.deleted).toEqual([]);
    const gone = (await orgOf("slack:GONE"))!;
    expect(await companyRows(gone.id)).toEqual({ users: 1, answers: 1, events: 1, assessments: 1, bookings: 1 });
    expect(await db().slackInstallation.count({ where: { installKey: "T:GONE" } })).toBe(1);
  });

  it("audit rows stay undeletable outside the deletion of their own company", async () => {
    const gone = (await orgOf("slack:GONE"))!;
    const keep = (await orgOf("slack:KEEP"))!;
    await expect(db().answerEvent.deleteMany({ where: { orgId: gone.id } })).rejects.toThrow(/append-only/);
    // naming another company for deletion does not open this one's trail
    await expect(
      db().$transaction(async (tx) => {
        await tx.$queryRaw`SELECT set_config('app.purge_org', ${keep.id}, true)`;
        return tx.answerEvent.deleteMany({ where: { orgId: gone.id } });
      }),
    ).rejects.toThrow(/append-only/);
    expect(await db().answerEvent.count({ where: { orgId: gone.id } })).toBe(1);
  });

  it("deletes everything of an uninstalled company after the period, and nothing of the others", async () => {
    const gone = (await orgOf("slack:GONE"))!;
    const others = await Promise.all(["slack:KEEP", "slack:BACK", "slack:EGRID"].map(async (k) => [k, await companyRows((await orgOf(k))!.id)] as const));
    // BACK came back before its period ended: installed again
    await db().slackInstallation.update({ where: { installKey: "T:BACK" }, data: { uninstalledAt: null, botTokenEnc: "enc2" } });

    const r = await deleteExpiredCompanies(db(), new Date(UNINSTALLED.getTime() + 90 * DAY), 90, app.log);
    expect(r.deleted.map((d) => d.externalKey)).toEqual(["slack:GONE"]);
    expect(r.deleted[0].rows).toMatchObject({ Organization: 1, User: 1, Answer: 1, AnswerEvent: 1, Assessment: 1, Booking: 1 });
    // the Grid org still has TW2: the company stays, the uninstalled workspace's record goes
    expect(r.stillInstalled).toEqual(["T:TW1"]);

    expect(await orgOf("slack:GONE")).toBeNull();
    expect(await companyRows(gone.id)).toEqual({ users: 0, answers: 0, events: 0, assessments: 0, bookings: 0 });
    expect((await db().session.findUniqueOrThrow({ where: { id: sessionId } })).confirmedCount).toBe(0);
    expect(await db().slackInstallation.findMany({ select: { installKey: true }, orderBy: { installKey: "asc" } })).toEqual([
      { installKey: "T:BACK" },
      { installKey: "T:KEEP" },
      { installKey: "T:TW2" },
    ]);
    for (const [k, rows] of others) expect(await companyRows((await orgOf(k))!.id), k).toEqual(rows);

    // a second run finds nothing more to do
    const again = await deleteExpiredCompanies(db(), new Date(UNINSTALLED.getTime() + 400 * DAY), 90, app.log);
    expect(again).toEqual({ deleted: [], stillInstalled: [] });
  });

  it("deletes a company at once on request, and says when there is none", async () => {
    const keep = (await orgOf("slack:KEEP"))!;
    const rows = await deleteCompanyData(db(), keep.id);
    expect(rows).toMatchObject({ Organization: 1, Answer: 1, AnswerEvent: 1 });
    expect(await orgOf("slack:KEEP")).toBeNull();
    expect(await deleteCompanyData(db(), keep.id)).toBeNull();
  });

  it("deleting a Teams company on request also removes its tenant's install records and inbox deliveries, and nothing of another tenant", async () => {
    const tw = (tenant: string, user: string) => ({ org: `teams:${tenant}`, user, platform: "teams" as const, conversation: `teams:a:1personal-${user}` });
    await app.pipeline.handle(textTurn("No.115は達成", tw("TEN1", "aad-1")));
    await app.pipeline.handle(textTurn("No.115は達成", tw("TEN2", "aad-2")));
    const installedAt = new Date("2026-01-01T00:00:00Z");
    const installs = [
      ["a:1personal-ten1", "TEN1", "personal", null],
      ["19:ten1team@thread.tacv2", "TEN1", "team", UNINSTALLED],
      ["a:1personal-ten2", "TEN2", "personal", null],
      // TEN3 added the app and removed it; nobody ever wrote: install records and no company
      ["a:1personal-ten3", "TEN3", "personal", UNINSTALLED],
    ] as const;
    for (const [conversationId, tenantId, scope, removedAt] of installs)
      await db().teamsInstallation.create({ data: { conversationId, tenantId, scope, byUserId: `aad-${tenantId}`, installedAt, removedAt } });
    // deliveries the inbox still holds (they carry the people's messages)
    // (one stored before its turn knew the organisation, one after; and a turn's mark of a data change)
    for (const tenant of ["TEN1", "TEN2"]) {
      const org = (await orgOf(`teams:${tenant}`))!;
      const turn = () => turnToJson(textTurn("秘密の相談", tw(tenant, `aad-${tenant}`))) as never;
      await db().inboxDelivery.create({ data: { platform: "teams", deliveryId: `inbox-${tenant}-1`, turn: turn(), destination: {}, status: "pending", receivedAt: installedAt } });
      await db().inboxDelivery.create({ data: { platform: "teams", deliveryId: `inbox-${tenant}-2`, orgId: org.id, turn: turn(), destination: {}, status: "done", receivedAt: installedAt } });
      await db().turnEffect.create({ data: { key: `teams:inbox-${tenant}-2`, orgId: org.id, attempt: "a1", intent: "record_answer", at: installedAt } });
    }
    const inboxOf = async (tenant: string) => (await db().inboxDelivery.findMany()).filter((d) => (d.turn as { org: { externalKey: string } }).org.externalKey === `teams:${tenant}`).length;
    const effectsOf = async (tenant: string) => db().turnEffect.count({ where: { key: { startsWith: `teams:inbox-${tenant}` } } });
    const noSlack = { decrypt: () => "", revoke: () => Promise.reject(new Error("no Slack token to revoke for a Teams company")) };

    const before = await companyFootprint(db(), "teams:TEN1");
    expect(before).toMatchObject({ slackInstallations: 0, teamsInstallations: 2, org: { users: 1, assessments: 1 } });
    const r = await deleteCompanyOnRequest(db(), "teams:TEN1", noSlack, app.log);
    expect(r).toMatchObject({ revoked: [], slackInstallations: 0, teamsInstallations: 2 });
    // TurnEffect: the mark the recorded answer's own turn left, and the one above
    expect(r.rows).toMatchObject({ Organization: 1, User: 1, Answer: 1, InboxDelivery: 2, TurnEffect: 2 });
    expect(await companyFootprint(db(), "teams:TEN1")).toEqual({ org: null, slackInstallations: 0, teamsInstallations: 0 });
    expect(await inboxOf("TEN1")).toBe(0);
    expect(await effectsOf("TEN1")).toBe(0);
    // the other tenant keeps everything
    expect(await companyFootprint(db(), "teams:TEN2")).toMatchObject({ teamsInstallations: 1, org: { users: 1, assessments: 1 } });
    expect(await inboxOf("TEN2")).toBe(2);
    expect(await effectsOf("TEN2")).toBe(1);

    // a tenant with install records only is still something to delete (the script no longer says "nothing")
    expect(await companyFootprint(db(), "teams:TEN3")).toEqual({ org: null, slackInstallations: 0, teamsInstallations: 1 });
    expect(await deleteCompanyOnRequest(db(), "teams:TEN3", noSlack, app.log)).toMatchObject({ rows: null, teamsInstallations: 1 });
    expect(await db().teamsInstallation.count({ where: { tenantId: "TEN3" } })).toBe(0);
    // and the retention run finds neither tenant again afterwards
    expect(await teamsTenantsUninstalled(db(), new Date(UNINSTALLED.getTime() + 400 * DAY))).toEqual([]);
    // the same for a Slack workspace whose data went but whose installation record is still there
    expect(await companyFootprint(db(), "slack:KEEP")).toEqual({ org: null, slackInstallations: 1, teamsInstallations: 0 });
  });
});
