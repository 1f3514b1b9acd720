// Where the Teams app is installed (personal scopes, teams, group chats), recorded from the
// installationUpdate and conversationUpdate activities the adapter reads. A removal retires the
// stored conversation references of that conversation (and of its channel threads), so the outbox
// stops sending there; the company's data stays. Once the app is gone from the tenant's last
// recorded conversation, the retention clock runs (src/installations/retention.ts): the company's
// data is deleted RETENTION_DAYS_AFTER_UNINSTALL days later, unless the app is installed again.
import type { Db } from "../db/client.ts";
import type { Logger } from "../core/logger.ts";
import { teamsTenantsUninstalled } from "./retention.ts";

export interface TeamsInstallChange {
  change: "added" | "removed";
  scope: "personal" | "team" | "groupChat";
  /** the conversation the app was added to or removed from */
  conversationId: string;
  tenantId?: string;
  /** a team's id (its General channel's conversation id) and name */
  teamId?: string;
  teamName?: string;
  byUserId?: string;
  /** a new personal install: greet the person with the help */
  greet: boolean;
}

/** What the Teams adapter needs (no database types). */
export interface TeamsInstalls {
  record(change: TeamsInstallChange, at: Date): Promise<void>;
}

export class PrismaTeamsInstalls implements TeamsInstalls {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  async record(c: TeamsInstallChange, at: Date): Promise<void> {
    const key = c.teamId ?? c.conversationId;
    const data = { tenantId: c.tenantId ?? null, scope: c.scope, teamId: c.teamId ?? null, teamName: c.teamName ?? null, byUserId: c.byUserId ?? null };
    if (c.change === "added") {
      await this.db.teamsInstallation.upsert({
        where: { conversationId: key },
        create: { conversationId: key, ...data, installedAt: at },
        update: { ...data, installedAt: at, removedAt: null },
      });
      this.log.info("teams app added", { scope: c.scope, tenant: c.tenantId });
      return;
    }
    await this.db.teamsInstallation.upsert({
      where: { conversationId: key },
      create: { conversationId: key, ...data, installedAt: at, removedAt: at },
      update: { removedAt: at, byUserId: data.byUserId },
    });
    // the conversation itself, and every thread of it ("<channel id>;messageid=<root>")
    const ids = [...new Set([c.conversationId, ...(c.teamId ? [c.teamId] : [])])];
    const retired = await this.db.conversationRef.updateMany({
      where: {
        platform: "teams",
        active: true,
        OR: ids.flatMap((id) => [
          { reference: { path: ["conversation", "id"], equals: id } },
          { reference: { path: ["conversation", "id"], string_starts_with: `${id};` } },
        ]),
      },
      data: { active: false },
    });
    this.log.info("teams app removed", { scope: c.scope, tenant: c.tenantId, referencesRetired: retired.count });
    if (c.tenantId && (await teamsTenantsUninstalled(this.db, at, c.tenantId)).length)
      this.log.info("teams app gone from the tenant's last conversation: the retention period starts", { tenant: c.tenantId });
  }
}
