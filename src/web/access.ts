// Who may open the web console, and as whom. Chat is the way in: 「管理画面」 hands the person a
// one-time link (10 minutes, single use) that becomes a browser session (8 hours, or until
// sign-out) with the same organisation and roles as in chat. Only SHA-256 hashes of the link and
// session tokens are stored, so a copy of the database opens nothing. Roles are read afresh on
// every request: an admin demoted in chat is a member on the next page.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { Prisma, type Db } from "../db/client.ts";
import type { Caller } from "../core/intent.ts";
import { rolesOf } from "../core/identity.ts";
import { langOfLocale } from "../nlu/language.ts";
import type { Config } from "../config.ts";

export const LINK_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 8 * 3_600_000;

export type LinkState = "ok" | "used" | "expired" | "invalid";

/** The person behind a browser session: a chat Caller plus the session it came through. */
export interface WebCaller extends Caller {
  sessionId: string;
  sessionExpiresAt: Date;
}

export interface WebAccessOptions {
  /** HMAC key for CSRF tokens (the deployment's LINK_SECRET) */
  secret: string;
  secretariatUsers: string[];
  /** where the console is reached, e.g. https://bot.example.com (no trailing slash) */
  baseUrl: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function hash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export class WebAccess {
  constructor(
    private readonly db: Db,
    private readonly opts: WebAccessOptions,
  ) {}

  /** A one-time sign-in link for a person of an organisation (from a verified chat identity). */
  async createLink(who: { userId: string; orgId: string }, now: Date): Promise<{ url: string; expiresAt: Date }> {
    const token = newToken();
    const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
    await this.db.webSignInLink.create({ data: { tokenHash: hash(token), userId: who.userId, orgId: who.orgId, createdAt: now, expiresAt } });
    return { url: `${this.opts.baseUrl}/web/signin/${token}`, expiresAt };
  }

  /** What a link is worth now, without using it (link previews and scanners may open it). */
  async checkLink(token: string, now: Date): Promise<LinkState> {
    if (!TOKEN.test(token)) return "invalid";
    const link = await this.db.webSignInLink.findUnique({ where: { tokenHash: hash(token) } });
    if (!link) return "invalid";
    if (link.usedAt) return "used";
    return link.expiresAt.getTime() > now.getTime() ? "ok" : "expired";
  }

  /**
   * Exchanges a link for a session, once: the link is marked used by a conditional UPDATE, so two
   * browsers racing with the same link cannot both get in.
   */
  async redeem(token: string, now: Date): Promise<{ ok: true; sessionToken: string; expiresAt: Date } | { ok: false; reason: Exclude<LinkState, "ok"> }> {
    if (!TOKEN.test(token)) return { ok: false, reason: "invalid" };
    const tokenHash = hash(token);
    const taken = await this.db.webSignInLink.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (taken.count !== 1) {
      const state = await this.checkLink(token, now);
      return { ok: false, reason: state === "ok" ? "used" : state };
    }
    const link = await this.db.webSignInLink.findUniqueOrThrow({ where: { tokenHash } });
    // the person must still belong to the organisation the link was made for
    const user = await this.db.user.findFirst({ where: { id: link.userId, orgId: link.orgId }, select: { id: true } });
    if (!user) return { ok: false, reason: "invalid" };
    const sessionToken = newToken();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.db.webSession.create({ data: { tokenHash: hash(sessionToken), userId: link.userId, orgId: link.orgId, createdAt: now, expiresAt } });
    return { ok: true, sessionToken, expiresAt };
  }

  /** The person behind a session cookie, or null when it is unknown, ended or expired. */
  async caller(sessionToken: string | undefined, now: Date): Promise<WebCaller | null> {
    if (!sessionToken || !TOKEN.test(sessionToken)) return null;
    const s = await this.db.webSession.findUnique({ where: { tokenHash: hash(sessionToken) } });
    if (!s || s.endedAt || s.expiresAt.getTime() <= now.getTime()) return null;
    const user = await this.db.user.findFirst({ where: { id: s.userId, orgId: s.orgId }, include: { org: { select: { name: true } } } });
    if (!user) return null;
    return {
      sessionId: s.id,
      sessionExpiresAt: s.expiresAt,
      userId: user.id,
      orgId: user.orgId,
      orgName: user.org.name ?? undefined,
      displayName: user.displayName ?? undefined,
      roles: rolesOf(user, this.opts.secretariatUsers),
      lang: langOfLocale(user.locale),
    };
  }

  async endSession(sessionId: string, now: Date): Promise<void> {
    await this.db.webSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: now, pending: Prisma.DbNull } });
  }

  /** The CSRF token of a session: an HMAC of its id, so it needs no storage and dies with it. */
  csrfToken(sessionId: string): string {
    return createHmac("sha256", this.opts.secret).update(`web-csrf:${sessionId}`).digest("base64url");
  }

  checkCsrf(sessionId: string, given: unknown): boolean {
    if (typeof given !== "string") return false;
    const want = Buffer.from(this.csrfToken(sessionId));
    const got = Buffer.from(given);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  /** Something the session waits to confirm (an import preview); replaces what was there. */
  async setPending(sessionId: string, data: Prisma.InputJsonValue | null): Promise<void> {
    await this.db.webSession.update({ where: { id: sessionId }, data: { pending: data === null ? Prisma.DbNull : data } });
  }

  /** Takes the pending data out (read and cleared in one step, so it is applied once). */
  async takePending(sessionId: string): Promise<unknown> {
    const rows = await this.db.$queryRaw<{ pending: unknown }[]>`
      UPDATE "WebSession" s SET pending = NULL FROM (SELECT id, pending FROM "WebSession" WHERE id = ${sessionId}::uuid FOR UPDATE) old
      WHERE s.id = old.id RETURNING old.pending AS pending`;
    return rows[0]?.pending ?? null;
  }

  /** Deletes links and sessions that can no longer be used (run with the other housekeeping). */
  async prune(now: Date): Promise<number> {
    const day = new Date(now.getTime() - 24 * 3_600_000);
    const a = await this.db.webSignInLink.deleteMany({ where: { expiresAt: { lt: day } } });
    const b = await this.db.webSession.deleteMany({ where: { expiresAt: { lt: day } } });
    return a.count + b.count;
  }
}

/** The web access of a deployment: links point at PUBLIC_BASE_URL, or this machine's port. */
export function webAccessFor(db: Db, config: Pick<Config, "linkSecret" | "secretariatUsers" | "publicBaseUrl" | "port">): WebAccess {
  return new WebAccess(db, {
    secret: config.linkSecret,
    secretariatUsers: config.secretariatUsers,
    baseUrl: config.publicBaseUrl ?? `http://localhost:${config.port}`,
  });
}
