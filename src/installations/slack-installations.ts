// Slack installations through OAuth (one deployment, many workspaces), kept in the database so
// every instance sees the same ones. Tokens are encrypted at rest (TokenCipher). The adapter
// (src/channels/slack) reaches this through the SlackInstallations interface only, so it stays
// free of the database.
//
// Token rotation: a bot token close to its expiry is refreshed once for all concurrent turns and
// all instances. The row is locked (SELECT … FOR UPDATE) for the refresh; whoever waited on the lock
// finds the fresh token and uses it. The new refresh token is committed before the new access token
// is handed out, so a crash cannot lose the only valid refresh token.
import type { Installation } from "@slack/bolt";
import type { Db } from "../db/client.ts";
import type { Logger } from "../core/logger.ts";
import type { TokenCipher } from "./token-cipher.ts";

/** Which installation an event, a click or a stored reference belongs to. */
export interface SlackInstallQuery {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

/** What authorising an event needs: the bot token and who the bot is there. */
export interface SlackAuthorization {
  botToken: string;
  botId?: string;
  botUserId?: string;
  teamId?: string;
  enterpriseId?: string;
}

/** oauth.v2.access with grant_type=refresh_token, as the adapter calls it. */
export type RefreshTokens = (refreshToken: string) => Promise<{ access_token: string; refresh_token: string; expires_in: number }>;

/** The installations as the Slack adapter sees them (no database types). */
export interface SlackInstallations {
  store(installation: Installation, now: Date): Promise<void>;
  /** Whether a workspace (or Grid org) has an active installation, without touching its token. */
  has(query: SlackInstallQuery): Promise<boolean>;
  /** The bot token for a workspace or Grid org; null when it has no (active) installation. */
  authorize(query: SlackInstallQuery, now: Date, refresh?: RefreshTokens): Promise<SlackAuthorization | null>;
  /** app_uninstalled, or the bot's tokens revoked: tokens cleared at once, sends there stopped. */
  uninstall(query: SlackInstallQuery, now: Date, reason: string): Promise<boolean>;
}

/** Refresh when the token has less than this left (Slack's SDKs use the same two hours). */
export const REFRESH_MARGIN_MS = 2 * 3_600_000;

export function installKey(q: SlackInstallQuery): string | undefined {
  if (q.isEnterpriseInstall && q.enterpriseId) return `E:${q.enterpriseId}`;
  return q.teamId ? `T:${q.teamId}` : q.enterpriseId ? `E:${q.enterpriseId}` : undefined;
}

type Row = NonNullable<Awaited<ReturnType<Db["slackInstallation"]["findUnique"]>>>;

export class PrismaSlackInstallations implements SlackInstallations {
  /** one refresh per installation at a time on this instance (the row lock covers the others) */
  private readonly refreshing = new Map<string, Promise<Row>>();
  /** refreshes performed by this instance (for tests and logs) */
  refreshCount = 0;

  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
    private readonly log: Logger,
  ) {}

  async store(i: Installation, now: Date): Promise<void> {
    const isEnterpriseInstall = Boolean(i.isEnterpriseInstall);
    const key = installKey({ teamId: i.team?.id, enterpriseId: i.enterprise?.id, isEnterpriseInstall });
    if (!key) throw new Error("installation names neither a workspace nor an organisation");
    if (!i.bot?.token) throw new Error("installation without a bot token");
    const data = {
      teamId: isEnterpriseInstall ? null : (i.team?.id ?? null),
      enterpriseId: i.enterprise?.id ?? null,
      isEnterpriseInstall,
      appId: i.appId ?? null,
      botId: i.bot.id ?? null,
      botUserId: i.bot.userId ?? null,
      botScopes: i.bot.scopes ?? [],
      botTokenEnc: this.cipher.encrypt(i.bot.token),
      refreshTokenEnc: i.bot.refreshToken ? this.cipher.encrypt(i.bot.refreshToken) : null,
      expiresAt: i.bot.expiresAt ? new Date(i.bot.expiresAt * 1000) : null,
      installerUserId: i.user?.id ?? null,
      info: { teamName: i.team?.name ?? null, enterpriseName: i.enterprise?.name ?? null, enterpriseUrl: i.enterpriseUrl ?? null },
      installedAt: now,
      uninstalledAt: null,
    };
    // a re-install replaces the tokens and clears a former uninstall
    await this.db.slackInstallation.upsert({ where: { installKey: key }, create: { installKey: key, ...data }, update: data });
    this.log.info("slack installation stored", { installKey: key, rotation: Boolean(i.bot.refreshToken) });
  }

  private async find(q: SlackInstallQuery): Promise<Row | null> {
    // An event from a workspace of a Grid org installed org-wide names the workspace and the org:
    // the workspace's own installation first, then the org's.
    const keys = q.isEnterpriseInstall
      ? [q.enterpriseId && `E:${q.enterpriseId}`]
      : [q.teamId && `T:${q.teamId}`, q.enterpriseId && `E:${q.enterpriseId}`];
    for (const key of keys) {
      if (!key) continue;
      const row = await this.db.slackInstallation.findUnique({ where: { installKey: key } });
      if (row?.botTokenEnc && !row.uninstalledAt) return row;
    }
    return null;
  }

  async has(q: SlackInstallQuery): Promise<boolean> {
    return (await this.find(q)) !== null;
  }

  async authorize(q: SlackInstallQuery, now: Date, refresh?: RefreshTokens): Promise<SlackAuthorization | null> {
    let row = await this.find(q);
    if (!row) return null;
    if (row.refreshTokenEnc && row.expiresAt && row.expiresAt.getTime() - now.getTime() < REFRESH_MARGIN_MS) {
      if (!refresh) throw new Error("token rotation needs a refresh function");
      row = await this.refreshOnce(row, now, refresh);
    }
    return {
      botToken: this.cipher.decrypt(row.botTokenEnc!),
      botId: row.botId ?? undefined,
      botUserId: row.botUserId ?? undefined,
      teamId: row.teamId ?? q.teamId,
      enterpriseId: row.enterpriseId ?? undefined,
    };
  }

  private refreshOnce(row: Row, now: Date, refresh: RefreshTokens): Promise<Row> {
    const running = this.refreshing.get(row.id);
    if (running) return running;
    const p = this.refreshLocked(row.id, now, refresh).finally(() => this.refreshing.delete(row.id));
    this.refreshing.set(row.id, p);
    return p;
  }

  private async refreshLocked(id: string, now: Date, refresh: RefreshTokens): Promise<Row> {
    return this.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "SlackInstallation" WHERE id = ${id}::uuid FOR UPDATE`;
        const row = await tx.slackInstallation.findUniqueOrThrow({ where: { id } });
        if (!row.botTokenEnc || !row.refreshTokenEnc || row.uninstalledAt) throw new Error("installation was removed during a token refresh");
        // another instance refreshed while this one waited for the lock
        if (row.expiresAt && row.expiresAt.getTime() - now.getTime() >= REFRESH_MARGIN_MS) return row;
        const r = await refresh(this.cipher.decrypt(row.refreshTokenEnc));
        this.refreshCount++;
        this.log.info("slack bot token refreshed", { installKey: row.installKey });
        return tx.slackInstallation.update({
          where: { id },
          data: {
            botTokenEnc: this.cipher.encrypt(r.access_token),
            refreshTokenEnc: this.cipher.encrypt(r.refresh_token),
            expiresAt: new Date(now.getTime() + r.expires_in * 1000),
          },
        });
      },
      { maxWait: 15_000, timeout: 30_000 },
    );
  }

  async uninstall(q: SlackInstallQuery, now: Date, reason: string): Promise<boolean> {
    const key = installKey(q);
    if (!key) return false;
    // Nothing more goes to that workspace (or Grid org): the tokens go and, in the same transaction,
    // the stored conversation references the outbox would use are retired. The company's data
    // itself stays (README: retention).
    const path = key.startsWith("E:") ? ["enterprise"] : ["team"];
    const [cleared, refs] = await this.db.$transaction([
      this.db.slackInstallation.updateMany({
        where: { installKey: key },
        data: { botTokenEnc: null, refreshTokenEnc: null, expiresAt: null, uninstalledAt: now },
      }),
      this.db.conversationRef.updateMany({
        where: { platform: "slack", active: true, reference: { path, equals: key.slice(2) } },
        data: { active: false },
      }),
    ]);
    this.log.info("slack installation removed", { installKey: key, reason, tokensCleared: cleared.count, referencesRetired: refs.count });
    return cleared.count > 0;
  }
}
