// Resolves who is speaking: the organisation (created on first contact) and the user in it.
// Always from the platform identity the adapter verified, never from message text or payloads.
import type { Db } from "../db/client.ts";
import type { Caller, Role } from "./intent.ts";
import type { Turn } from "./turn.ts";
import type { Lang } from "./reply.ts";
import { langOfLocale } from "../nlu/language.ts";
import type { TurnRow } from "./turn-rows.ts";

export async function resolveCaller(db: Db, turn: Turn, secretariatUsers: string[]): Promise<Caller> {
  const org = await findOrCreateOrg(db, turn);
  const key = { orgId: org.id, platform: turn.platform, platformUserId: turn.user.platformUserId };
  let user = await db.user.findUnique({ where: { orgId_platform_platformUserId: key } });
  if (!user) {
    // The first person of an organisation becomes its admin (sets the target level, locks the
    // sheet; `メンバー一覧` hands the role on). The organisation's row is locked while deciding, so
    // two people arriving at the same moment cannot both be first.
    user = await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Organization" WHERE id = ${org.id}::uuid FOR UPDATE`;
      const existing = await tx.user.findUnique({ where: { orgId_platform_platformUserId: key } });
      if (existing) return existing;
      const first = (await tx.user.count({ where: { orgId: org.id } })) === 0;
      return tx.user.create({
        data: { ...key, displayName: turn.user.name, role: first ? "admin" : "member", timeZone: turn.user.timeZone, locale: turn.user.locale },
      });
    });
  } else if (userChanged(turn, user)) {
    user = await db.user.update({
      where: { id: user.id },
      data: { displayName: turn.user.name ?? user.displayName, timeZone: turn.user.timeZone ?? user.timeZone, lastSeenAt: turn.receivedAt },
    });
  }
  return callerOf(org, user, secretariatUsers);
}

/**
 * The caller from the rows a turn found stored (turn-rows.ts), when nothing about them is new:
 * undefined when the organisation or person is yet to be made, or a name or time zone changed,
 * and resolveCaller must do it.
 */
export function knownCaller(row: TurnRow, turn: Turn, secretariatUsers: string[]): Caller | undefined {
  const { org, user } = row;
  if (!org || !user) return undefined;
  if (turn.org.name && turn.org.name !== org.name) return undefined;
  if (userChanged(turn, user)) return undefined;
  return callerOf(org, user, secretariatUsers);
}

/** The platform gives a name or time zone other than the stored one (kept up to date by resolveCaller). */
function userChanged(turn: Turn, user: { displayName: string | null; timeZone: string | null }): boolean {
  return (turn.user.name !== undefined && turn.user.name !== user.displayName) || (turn.user.timeZone !== undefined && turn.user.timeZone !== user.timeZone);
}

type OrgRow = { id: string; name: string | null };
type UserRow = { id: string; platform: string; platformUserId: string; displayName: string | null; role: string; locale: string | null };

function callerOf(org: OrgRow, user: UserRow, secretariatUsers: string[]): Caller {
  return {
    userId: user.id,
    orgId: org.id,
    orgName: org.name ?? undefined,
    displayName: user.displayName ?? undefined,
    roles: rolesOf(user, secretariatUsers),
    lang: langOfLocale(user.locale),
  };
}

/** Stores the language a person is answered in (User.locale), for every conversation of theirs. */
export async function setPreferredLang(db: Db, userId: string, lang: Lang): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { locale: lang } });
}

/**
 * A user's roles, the same wherever they come in (a chat turn, the web console): member always,
 * admin from the stored role, secretariat from the stored role or SECRETARIAT_USERS.
 */
export function rolesOf(user: { role: string; platform: string; platformUserId: string }, secretariatUsers: string[]): Set<Role> {
  const roles = new Set<Role>(["member"]);
  if (user.role === "admin") roles.add("admin");
  if (user.role === "secretariat" || secretariatUsers.includes(`${user.platform}:${user.platformUserId}`)) roles.add("secretariat");
  return roles;
}

/**
 * The organisation of a workspace or tenant, created on first contact. INSERT … ON CONFLICT DO
 * NOTHING (createMany with skipDuplicates) rather than Prisma's upsert, which reads then inserts
 * and fails with a unique violation when two people of a new organisation arrive together.
 */
async function findOrCreateOrg(db: Db, turn: Turn) {
  const where = { externalKey: turn.org.externalKey };
  let org = await db.organization.findUnique({ where });
  if (!org) {
    await db.organization.createMany({ data: [{ ...where, platform: turn.platform, name: turn.org.name }], skipDuplicates: true });
    org = await db.organization.findUniqueOrThrow({ where });
  }
  if (turn.org.name && turn.org.name !== org.name) org = await db.organization.update({ where, data: { name: turn.org.name } });
  return org;
}
