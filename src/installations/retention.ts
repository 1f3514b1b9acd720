// What happens to a company's data once its Slack workspace (or Grid org) uninstalled the app, or
// once the Teams app was removed from the last conversation of its tenant (src/installations/teams-installs.ts):
// it stays for RETENTION_DAYS_AFTER_UNINSTALL days (default 90) so its admins can still export it
// (the web console, an export from a re-install), then a background run deletes all of it. The
// operator deletes a company at once on request (npm run company:delete). A re-install before the
// period ends keeps everything.
//
// This is work that spans companies: it runs outside any turn, as the tables' owner (src/db/walls.ts).
import type { Db } from "../db/client.ts";
import type { Logger } from "../core/logger.ts";

const DAY_MS = 86_400_000;

/** Rows deleted per table for one company. */
export type Deleted = Record<string, number>;

/**
 * Deletes every row of one company, its audit trail included, in one transaction. Seats it held
 * are given back to their sessions. Returns the counts per table; null when no such company.
 */
export async function deleteCompanyData(db: Db, orgId: string): Promise<Deleted | null> {
  return db.$transaction(
    async (tx) => {
      const org = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Organization" WHERE id = ${orgId}::uuid FOR UPDATE`;
      if (!org.length) return null;
      // the append-only trigger lets this transaction, and this organisation, delete its audit rows
      await tx.$queryRaw`SELECT set_config('app.purge_org', ${orgId}, true)`;
      const n: Deleted = {};
      const run = async (table: string, sql: string) => {
        n[table] = (n[table] ?? 0) + (await tx.$executeRawUnsafe(sql, orgId));
      };
      // seats taken by the company's confirmed bookings go back to their sessions
      await tx.$executeRawUnsafe(
        `UPDATE "Session" s SET "confirmedCount" = s."confirmedCount" - c.n, sequence = s.sequence + 1
         FROM (SELECT "sessionId", count(*)::int AS n FROM "Booking" WHERE "orgId" = $1::uuid AND status = 'confirmed' GROUP BY "sessionId") c
         WHERE s.id = c."sessionId"`,
        orgId,
      );
      await run("OutboxMessage", `DELETE FROM "OutboxMessage" WHERE "userId" IN (SELECT id FROM "User" WHERE "orgId" = $1::uuid)`);
      for (const table of ["AnswerEvent", "Answer", "AnswerWalk", "FileDownload", "Feedback", "QuestionLog", "Booking", "ConversationState", "ConversationRef", "WebSignInLink", "WebSession", "SupplierCodeAttempt", "SessionAlert"])
        await run(table, `DELETE FROM "${table}" WHERE "orgId" = $1::uuid`);
      await run("Assessment", `DELETE FROM "Assessment" WHERE "orgId" = $1::uuid`);
      // the deliveries the inbox still holds carry the company's messages (the turn, the answer);
      // one stored before its turn knew the organisation names the company by its key only
      await run(
        "InboxDelivery",
        `DELETE FROM "InboxDelivery" WHERE "orgId" = $1::uuid OR turn -> 'org' ->> 'externalKey' = (SELECT "externalKey" FROM "Organization" WHERE id = $1::uuid)`,
      );
      await run("TurnEffect", `DELETE FROM "TurnEffect" WHERE "orgId" = $1::uuid`);
      // the supplier roll-out between this company and another: both sides' records of it go
      await run("SupplierEvent", `DELETE FROM "SupplierEvent" WHERE "buyerOrgId" = $1::uuid OR "supplierOrgId" = $1::uuid`);
      await run("SupplierInvitation", `DELETE FROM "SupplierInvitation" WHERE "buyerOrgId" = $1::uuid OR "supplierOrgId" = $1::uuid`);
      await run("User", `DELETE FROM "User" WHERE "orgId" = $1::uuid`);
      await run("Organization", `DELETE FROM "Organization" WHERE id = $1::uuid`);
      return n;
    },
    { maxWait: 15_000, timeout: 120_000 },
  );
}

/** The company a Slack installation belongs to (as src/channels/slack names it: the Grid org, or the workspace). */
function companyKey(i: { teamId: string | null; enterpriseId: string | null }): string | undefined {
  const id = i.enterpriseId || i.teamId;
  return id ? `slack:${id}` : undefined;
}

export interface RetentionResult {
  /** companies whose data was deleted */
  deleted: { externalKey: string; rows: Deleted }[];
  /** uninstalled installations whose company is still installed elsewhere (another workspace of its Grid org) */
  stillInstalled: string[];
}

/**
 * When the Teams app left the last conversation of each tenant: tenants with recorded installs
 * (TeamsInstallation), none of them in place any more, the latest removal at or before `before`.
 * A re-install anywhere in the tenant (its row's removedAt cleared) takes the tenant off this list.
 */
export async function teamsTenantsUninstalled(db: Db | Tx, before: Date, tenantId?: string): Promise<{ tenantId: string; uninstalledAt: Date }[]> {
  const rows = await db.$queryRaw<{ tenantId: string; uninstalledAt: Date }[]>`
    SELECT "tenantId", max("removedAt") AS "uninstalledAt" FROM "TeamsInstallation"
    WHERE "tenantId" IS NOT NULL AND (${tenantId ?? null}::text IS NULL OR "tenantId" = ${tenantId ?? null}::text)
    GROUP BY "tenantId"
    HAVING bool_and("removedAt" IS NOT NULL) AND max("removedAt") <= ${before}`;
  return rows.map((r) => ({ tenantId: r.tenantId, uninstalledAt: new Date(r.uninstalledAt) }));
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * The background run (the housekeeping scheduler gives `now`): deletes the data of every company
 * whose Slack installation was uninstalled more than `days` days before `now` and not installed again.
 */
export async function deleteExpiredCompanies(db: Db, now: Date, days: number, log: Logger): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const expired = await db.slackInstallation.findMany({ where: { uninstalledAt: { lte: cutoff }, botTokenEnc: null } });
  const result: RetentionResult = { deleted: [], stillInstalled: [] };
  for (const inst of expired) {
    const key = companyKey(inst);
    if (!key) continue;
    const claimed = await db.$transaction(async (tx) => {
      // a re-install between the query above and now wins: the row is checked again under its lock
      const [row] = await tx.$queryRaw<{ uninstalledAt: Date | null; botTokenEnc: string | null }[]>`
        SELECT "uninstalledAt", "botTokenEnc" FROM "SlackInstallation" WHERE id = ${inst.id}::uuid FOR UPDATE`;
      if (!row || row.botTokenEnc || !row.uninstalledAt || row.uninstalledAt > cutoff) return "reinstalled" as const;
      // another workspace of the same Grid org (or the org-wide install) still has the app
      const others = await tx.slackInstallation.count({
        where: {
          id: { not: inst.id },
          botTokenEnc: { not: null },
          uninstalledAt: null,
          OR: [{ enterpriseId: inst.enterpriseId ?? inst.teamId }, { teamId: inst.enterpriseId ?? inst.teamId }],
        },
      });
      return others ? ("elsewhere" as const) : ("expired" as const);
    });
    // the installation's record goes last: a run that fails half-way is taken up again by the next
    const forget = () => db.slackInstallation.deleteMany({ where: { id: inst.id, botTokenEnc: null, uninstalledAt: { lte: cutoff } } });
    if (claimed === "reinstalled") continue;
    if (claimed === "elsewhere") {
      await forget();
      result.stillInstalled.push(inst.installKey);
      log.info("uninstalled workspace's record removed; its company is still installed elsewhere", { installKey: inst.installKey, company: key });
      continue;
    }
    const org = await db.organization.findUnique({ where: { externalKey: key }, select: { id: true } });
    const rows = org ? await deleteCompanyData(db, org.id) : null;
    await forget();
    result.deleted.push({ externalKey: key, rows: rows ?? {} });
    log.info("company data deleted after its retention period", { company: key, installKey: inst.installKey, days, rows });
  }
  await deleteExpiredTeamsTenants(db, cutoff, days, log, result);
  return result;
}

/**
 * The same for Teams: a tenant whose last install was removed before `cutoff` and that has not
 * installed the app again. A tenant whose people still reached the bot after that removal (an
 * install the bot never heard of, from before installs were recorded) is kept.
 */
async function deleteExpiredTeamsTenants(db: Db, cutoff: Date, days: number, log: Logger, result: RetentionResult): Promise<void> {
  for (const { tenantId } of await teamsTenantsUninstalled(db, cutoff)) {
    const key = `teams:${tenantId}`;
    const org = await db.organization.findUnique({ where: { externalKey: key }, select: { id: true } });
    const decision = await db.$transaction(async (tx) => {
      // a re-install between the query above and now wins: the tenant's rows are read again under their locks
      await tx.$queryRaw`SELECT id FROM "TeamsInstallation" WHERE "tenantId" = ${tenantId} FOR UPDATE`;
      const [still] = await teamsTenantsUninstalled(tx, cutoff, tenantId);
      if (!still) return "reinstalled" as const;
      const seenSince = org ? await tx.user.count({ where: { orgId: org.id, lastSeenAt: { gt: still.uninstalledAt } } }) : 0;
      return seenSince ? ("in-use" as const) : ("expired" as const);
    });
    if (decision === "reinstalled") continue;
    // the tenant's install records go last: a run that fails half-way is taken up again by the next
    const forget = () => db.teamsInstallation.deleteMany({ where: { tenantId, removedAt: { not: null, lte: cutoff } } });
    if (decision === "in-use") {
      await forget();
      result.stillInstalled.push(key);
      log.info("teams tenant's removed installs forgotten; its people still reach the bot", { company: key });
      continue;
    }
    const rows = org ? await deleteCompanyData(db, org.id) : null;
    await forget();
    result.deleted.push({ externalKey: key, rows: rows ?? {} });
    log.info("company data deleted after its retention period", { company: key, days, rows });
  }
}

/** Slack's auth.revoke for a bot token (the operator's deletion on request). */
export type RevokeToken = (botToken: string) => Promise<void>;

/** auth.revoke through Slack's Web API (or the stand-in at `apiUrl`). */
export function slackRevoker(apiUrl = "https://slack.com/api/"): RevokeToken {
  return async (botToken) => {
    const res = await fetch(`${apiUrl.replace(/\/?$/, "/")}auth.revoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${botToken}`, "content-type": "application/x-www-form-urlencoded" },
      body: "",
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string };
    // a token Slack no longer knows is as good as revoked
    if (!body.ok && !["invalid_auth", "token_revoked", "account_inactive", "not_authed"].includes(body.error ?? "")) {
      throw new Error(`auth.revoke failed: ${body.error ?? res.status}`);
    }
  };
}

export interface DeletionOnRequest {
  externalKey: string;
  /** Slack installations of the company whose bot token was revoked (auth.revoke) and removed */
  revoked: string[];
  /** Slack installation records removed (revoked or already uninstalled) */
  slackInstallations: number;
  /** Teams install records of the tenant removed */
  teamsInstallations: number;
  rows: Deleted | null;
}

/** What a company leaves in the database: its rows (through its Organization) and its install records. */
export interface CompanyFootprint {
  org: { id: string; name: string | null; users: number; assessments: number; bookings: number } | null;
  slackInstallations: number;
  teamsInstallations: number;
}

function slackInstallsOf(externalKey: string) {
  const id = externalKey.slice("slack:".length);
  return { OR: [{ installKey: { in: [`T:${id}`, `E:${id}`] } }, { enterpriseId: id }] };
}

/**
 * Everything `deleteCompanyOnRequest` would delete, counted: a company may have install records
 * and no Organization yet (installed, nobody wrote), and those must go on request too.
 */
export async function companyFootprint(db: Db, externalKey: string): Promise<CompanyFootprint> {
  const org = await db.organization.findUnique({ where: { externalKey }, include: { _count: { select: { users: true, assessments: true, bookings: true } } } });
  return {
    org: org ? { id: org.id, name: org.name, users: org._count.users, assessments: org._count.assessments, bookings: org._count.bookings } : null,
    slackInstallations: externalKey.startsWith("slack:") ? await db.slackInstallation.count({ where: slackInstallsOf(externalKey) }) : 0,
    teamsInstallations: externalKey.startsWith("teams:") ? await db.teamsInstallation.count({ where: { tenantId: externalKey.slice("teams:".length) } }) : 0,
  };
}

/**
 * The operator deletes a company at once (its admins asked): while the app is still installed
 * in its Slack workspace or Grid org, the bot token is revoked first (auth.revoke: the app no longer
 * acts there, and the workspace sees it removed) and the installation forgotten; then every row of
 * the company goes. `decrypt` opens a stored token (TokenCipher). After app_uninstalled or
 * tokens_revoked Slack has already invalidated the tokens: nothing is left to revoke there.
 */
export async function deleteCompanyOnRequest(
  db: Db,
  externalKey: string,
  slack: { decrypt: (stored: string) => string; revoke: RevokeToken },
  log: Logger,
): Promise<DeletionOnRequest> {
  const revoked: string[] = [];
  let slackInstallations = 0;
  if (externalKey.startsWith("slack:")) {
    const installs = await db.slackInstallation.findMany({ where: slackInstallsOf(externalKey) });
    slackInstallations = installs.length;
    for (const inst of installs) {
      if (inst.botTokenEnc) {
        await slack.revoke(slack.decrypt(inst.botTokenEnc));
        revoked.push(inst.installKey);
      }
      // as on an uninstall: the stored conversation references there (guests' too) retire with it
      const [path, ref] = inst.installKey.startsWith("E:") ? [["enterprise"], inst.enterpriseId ?? ""] : [["team"], inst.teamId ?? ""];
      await db.$transaction([
        db.conversationRef.updateMany({ where: { platform: "slack", active: true, reference: { path, equals: ref } }, data: { active: false } }),
        db.slackInstallation.delete({ where: { id: inst.id } }),
      ]);
    }
  }
  const org = await db.organization.findUnique({ where: { externalKey }, select: { id: true } });
  const rows = org ? await deleteCompanyData(db, org.id) : null;
  // The tenant's install records (which conversations have the app, who added it) go last, after
  // its data: a deletion that fails half-way is simply run again. Left behind they would keep the
  // tenant's team names and people's ids, and the retention run would later find the tenant again.
  // Teams has no token to revoke: if the app is still in the tenant's conversations, a new message
  // starts a new, empty company.
  let teamsInstallations = 0;
  if (externalKey.startsWith("teams:")) {
    teamsInstallations = (await db.teamsInstallation.deleteMany({ where: { tenantId: externalKey.slice("teams:".length) } })).count;
  }
  log.info("company data deleted on request", { company: externalKey, revoked, slackInstallations, teamsInstallations, rows });
  return { externalKey, revoked, slackInstallations, teamsInstallations, rows };
}
