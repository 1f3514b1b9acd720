// The people of one organisation and their role. Only an organisation admin changes roles, only
// within their own organisation, and an organisation always keeps at least one admin.
import type { Db } from "../db/client.ts";

export interface Member {
  id: string;
  name: string;
  platform: string;
  admin: boolean;
  lastSeenAt: Date;
}

export async function listMembers(db: Db, orgId: string): Promise<Member[]> {
  const users = await db.user.findMany({ where: { orgId }, orderBy: [{ role: "asc" }, { lastSeenAt: "desc" }], take: 100 });
  return users.map((u) => ({
    id: u.id,
    name: u.displayName ?? u.platformUserId,
    platform: u.platform,
    admin: u.role === "admin",
    lastSeenAt: u.lastSeenAt,
  }));
}

export type RoleChange =
  | { ok: true; member: Member; changed: boolean }
  | { ok: false; reason: "not-found" | "last-admin" };

/**
 * Makes a member of `orgId` an admin or a member again. A user id from another organisation is
 * "not found": the caller's organisation bounds the lookup. Serialised per organisation so two
 * admins demoting each other at once cannot leave it without one.
 */
export async function setAdmin(db: Db, orgId: string, userId: string, admin: boolean): Promise<RoleChange> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Organization" WHERE id = ${orgId}::uuid FOR UPDATE`;
    const user = await tx.user.findFirst({ where: { id: userId, orgId } });
    if (!user || user.role === "secretariat") return { ok: false, reason: "not-found" } as const;
    const member = (admin_: boolean): Member => ({
      id: user.id,
      name: user.displayName ?? user.platformUserId,
      platform: user.platform,
      admin: admin_,
      lastSeenAt: user.lastSeenAt,
    });
    if ((user.role === "admin") === admin) return { ok: true, member: member(admin), changed: false } as const;
    if (!admin && (await tx.user.count({ where: { orgId, role: "admin" } })) <= 1) return { ok: false, reason: "last-admin" } as const;
    await tx.user.update({ where: { id: user.id }, data: { role: admin ? "admin" : "member" } });
    return { ok: true, member: member(admin), changed: true } as const;
  });
}
