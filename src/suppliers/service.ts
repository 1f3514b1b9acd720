// The supplier roll-out (issue 13): a customer invites its suppliers by code, a supplier's admin
// consents to share its figures with that customer (or refuses, or withdraws later), and the
// customer sees where each supplier stands. Every method takes the caller's organisation id from
// the verified platform identity and filters by it: an invitation id from a button payload never
// reaches another organisation's row. Every change writes a SupplierEvent in the same transaction.
// Tenant walls: the intents run walled to the caller's organisation; an invitation row is visible
// to both its customer and its supplier (migration tenant_walls), so reading and deciding on a link
// stays walled. What a link lets one company see of the other (the customer's name, the figures a
// supplier consented to share, its admins to remind) and the code looked up before a supplier
// joins take the walls' narrow path, in the few methods marked "across companies" below.
import { randomUUID } from "node:crypto";
import type { Db, TenantWalls } from "../db/client.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import type { AnswerChoices } from "../assessment/choices.ts";
import { UNANSWERED } from "../assessment/choices.ts";
import { ATTEMPTS, CODE_DAYS, generateCode, hashCode, normalizeCode } from "./codes.ts";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
const DAY = 86_400_000;
/** At most one reminder per supplier in this time. */
export const REMIND_EVERY_MS = 7 * DAY;

export interface Actor {
  userId: string;
  orgId: string;
  /** slack | teams | console | web */
  channel: string;
  at: Date;
}

export type InvitationState = "invited" | "joined" | "answering" | "submitted" | "declined" | "expired";
export type Scope = "summary" | "items";

export interface LevelFigures {
  level: 1 | 2 | 3;
  items: number;
  answered: number;
  achieved: number;
  excluded: number;
  /** achieved ÷ (items − excluded); null when nothing is left to count */
  rate: number | null;
}

/** What a consenting supplier shares by default: per level, submitted or not, last updated. */
export interface SharedSummary {
  levels: LevelFigures[];
  submitted: boolean;
  lastUpdated: Date | null;
  lv1Complete: boolean;
  lv2Complete: boolean;
}

/** A supplier's own roll-out, counts only (never names): its invitations to its own suppliers. */
export interface ChainCounts {
  invited: number;
  joined: number;
  submitted: number;
}

export interface RolloutRow {
  id: string;
  name: string;
  contact: string | null;
  state: InvitationState;
  /** the supplier withdrew a consent it had given (state is "declined") */
  withdrawn: boolean;
  scope: Scope | null;
  dueDate: Date | null;
  overdue: boolean;
  createdAt: Date;
  expiresAt: Date;
  lastActivity: Date;
  lastRemindedAt: Date | null;
  remindersOff: boolean;
  /** present only while the supplier consents to this customer */
  shared: SharedSummary | null;
  chain: ChainCounts | null;
}

export interface Rollout {
  rows: RolloutRow[];
  totals: Record<InvitationState, number> & { all: number; lv1Complete: number; lv2Complete: number; remindable: number };
}

export type JoinResult =
  | { ok: true; invitation: InvitationView; already: boolean }
  | { ok: false; reason: "limited" | "unknown" | "own" | "linked"; linkedId?: string };

export interface InvitationView {
  id: string;
  buyerOrgId: string;
  buyerName: string | null;
  inviterName: string | null;
  supplierName: string;
  dueDate: Date | null;
  status: string;
  scope: Scope;
  remindersOff: boolean;
  decidedAt: Date | null;
}

export type DecideResult = { ok: true; invitation: InvitationView; changed: boolean } | { ok: false; reason: "not-found" };

export class SupplierService {
  constructor(
    readonly db: Db,
    readonly kb: Knowledge,
    readonly choices: AnswerChoices,
    private readonly fiscalYearOf: (now: Date) => number,
    private readonly walls?: TenantWalls,
  ) {}

  /** The walls' narrow path, for the reads and writes marked "across companies" (and nothing else). */
  private acrossCompanies<T>(fn: () => Promise<T>): Promise<T> {
    return this.walls ? this.walls.acrossCompanies(fn) : fn();
  }

  /** A new invitation of `buyerOrgId`; returns the code (shown once: only its hash is kept). */
  async invite(actor: Actor, s: { name: string; contact?: string | null; dueDate?: Date | null }): Promise<{ id: string; code: string; expiresAt: Date }> {
    const code = generateCode();
    const expiresAt = new Date(actor.at.getTime() + CODE_DAYS * DAY);
    const id = randomUUID();
    await this.db.$transaction(async (tx) => {
      await tx.supplierInvitation.create({
        data: {
          id,
          buyerOrgId: actor.orgId,
          supplierName: s.name,
          contact: s.contact ?? null,
          dueDate: s.dueDate ?? null,
          codeHash: hashCode(normalizeCode(code)!),
          createdById: actor.userId,
          createdAt: actor.at,
          expiresAt,
        },
      });
      await event(tx, { invitationId: id, buyerOrgId: actor.orgId, kind: "invite", actor, detail: { due: s.dueDate?.toISOString().slice(0, 10) ?? null } });
    });
    return { id, code, expiresAt };
  }

  /** Many invitations in one transaction: all or nothing. */
  async inviteMany(actor: Actor, list: { name: string; contact?: string | null; dueDate?: Date | null }[]): Promise<{ id: string; code: string; name: string; expiresAt: Date }[]> {
    const expiresAt = new Date(actor.at.getTime() + CODE_DAYS * DAY);
    const made = list.map((s) => ({ ...s, id: randomUUID(), code: generateCode() }));
    await this.db.$transaction(async (tx) => {
      await tx.supplierInvitation.createMany({
        data: made.map((s) => ({
          id: s.id,
          buyerOrgId: actor.orgId,
          supplierName: s.name,
          contact: s.contact ?? null,
          dueDate: s.dueDate ?? null,
          codeHash: hashCode(normalizeCode(s.code)!),
          createdById: actor.userId,
          createdAt: actor.at,
          expiresAt,
        })),
      });
      await tx.supplierEvent.createMany({
        data: made.map((s) => ({ invitationId: s.id, buyerOrgId: actor.orgId, actorId: actor.userId, kind: "invite", channel: actor.channel, at: actor.at, detail: { bulk: true } })),
      });
    }, { timeout: 30_000 });
    return made.map((s) => ({ id: s.id, code: s.code, name: s.name, expiresAt }));
  }

  /**
   * A supplier's member typed a code. Wrong codes are counted per person and per organisation;
   * past the limit nothing is looked up at all, so a right code found by guessing is refused too.
   * The first organisation that uses a code binds it; another organisation gets "unknown", the
   * same answer as a code that never existed (nothing tells a guesser they came close).
   */
  async join(actor: Actor, typed: string): Promise<JoinResult> {
    // The attempt is written first and counted with the others, so many tries sent at the same
    // moment all see each other (a count-then-write would let them all through); a try that
    // turns out right, or that is not a guess (one's own code), is taken back.
    const since = new Date(actor.at.getTime() - ATTEMPTS.windowMs);
    const attempt = await this.db.supplierCodeAttempt.create({ data: { userId: actor.userId, orgId: actor.orgId, at: actor.at }, select: { id: true } });
    const [mine, ours] = await Promise.all([
      this.db.supplierCodeAttempt.count({ where: { userId: actor.userId, at: { gt: since }, id: { lte: attempt.id } } }),
      this.db.supplierCodeAttempt.count({ where: { orgId: actor.orgId, at: { gt: since }, id: { lte: attempt.id } } }),
    ]);
    if (mine > ATTEMPTS.perUser || ours > ATTEMPTS.perOrg) return { ok: false, reason: "limited" };
    const result = await this.tryCode(actor, typed);
    if (result.ok || result.reason !== "unknown") await this.db.supplierCodeAttempt.delete({ where: { id: attempt.id } });
    return result;
  }

  /** Forgets wrong codes older than the window they count in (hourly housekeeping). */
  async pruneAttempts(now: Date): Promise<number> {
    const r = await this.db.supplierCodeAttempt.deleteMany({ where: { at: { lte: new Date(now.getTime() - ATTEMPTS.windowMs) } } });
    return r.count;
  }

  private async tryCode(actor: Actor, typed: string): Promise<JoinResult> {
    const canonical = normalizeCode(typed);
    const fail = async (reason: "unknown") => ({ ok: false as const, reason });
    if (!canonical) return fail("unknown");
    const found = await this.invitationByCode(hashCode(canonical));
    if (!found) return fail("unknown");
    if (found.supplierOrgId && found.supplierOrgId !== actor.orgId) return fail("unknown");
    if (!found.supplierOrgId && found.expiresAt.getTime() <= actor.at.getTime()) return fail("unknown");
    if (found.buyerOrgId === actor.orgId) return { ok: false, reason: "own" };
    if (found.supplierOrgId === actor.orgId) return { ok: true, invitation: await this.view(found.id), already: true };
    // one consent per customer: a second code of the same customer finds the link already there
    const linked = await this.db.supplierInvitation.findFirst({ where: { buyerOrgId: found.buyerOrgId, supplierOrgId: actor.orgId } });
    if (linked) return { ok: false, reason: "linked", linkedId: linked.id };
    const bound = await this.bindToSupplier(found, actor).catch((err: unknown) => {
      // two codes of one customer used at the same moment: the unique (buyer, supplier) refuses one
      if ((err as { code?: string }).code === "P2002") return false;
      throw err;
    });
    if (!bound) {
      const again = await this.db.supplierInvitation.findUnique({ where: { id: found.id } });
      if (again?.supplierOrgId === actor.orgId) return { ok: true, invitation: await this.view(found.id), already: true };
      return fail("unknown");
    }
    return { ok: true, invitation: await this.view(found.id), already: false };
  }

  /**
   * Across companies: the invitation a typed code names, before the typing company is linked to
   * it (until then the row belongs to the customer alone). Found by the hash of the whole code.
   */
  private invitationByCode(codeHash: string) {
    return this.acrossCompanies(() => this.db.supplierInvitation.findUnique({ where: { codeHash } }));
  }

  /**
   * Across companies: binds a customer's unused invitation to the supplier that used its code
   * (true), unless another one took it first (false). The only write to a row not yet visible to
   * the supplier; the row names both companies once bound.
   */
  private bindToSupplier(found: { id: string; buyerOrgId: string }, actor: Actor): Promise<boolean> {
    return this.acrossCompanies(() =>
      this.db.$transaction(async (tx) => {
        const r = await tx.supplierInvitation.updateMany({
          where: { id: found.id, supplierOrgId: null },
          data: { supplierOrgId: actor.orgId, usedAt: actor.at, usedById: actor.userId, status: "pending" },
        });
        if (r.count !== 1) return false;
        await event(tx, { invitationId: found.id, buyerOrgId: found.buyerOrgId, supplierOrgId: actor.orgId, kind: "join", actor });
        return true;
      }),
    );
  }

  /** An invitation as the supplier sees it; only when it is bound to `supplierOrgId`. */
  async forSupplier(supplierOrgId: string, id: string): Promise<InvitationView | null> {
    const row = await this.db.supplierInvitation.findFirst({ where: { id, supplierOrgId } });
    return row ? this.view(row.id) : null;
  }

  /** The customers a supplier is linked to (「共有先の一覧」). */
  async customersOf(supplierOrgId: string): Promise<InvitationView[]> {
    const rows = await this.db.supplierInvitation.findMany({ where: { supplierOrgId }, orderBy: { usedAt: "asc" }, select: { id: true } });
    return Promise.all(rows.map((r) => this.view(r.id)));
  }

  /**
   * The supplier's admin decides: accept (with a scope), decline, change the scope, withdraw, or
   * share again after a withdrawal. Bound to the supplier's own organisation.
   */
  async decide(actor: Actor, id: string, decision: "accept" | "decline" | "withdraw", scope: Scope = "summary"): Promise<DecideResult> {
    const result = await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ status: string; scope: string; buyerOrgId: string }[]>`
        SELECT status, scope, "buyerOrgId" FROM "SupplierInvitation" WHERE id = ${id}::uuid AND "supplierOrgId" = ${actor.orgId}::uuid FOR UPDATE`;
      const row = rows[0];
      if (!row) return null;
      const next = decision === "accept" ? "accepted" : decision === "decline" ? (row.status === "accepted" ? "withdrawn" : "declined") : "withdrawn";
      if (decision === "withdraw" && row.status !== "accepted") return { changed: false };
      const changed = next !== row.status || (decision === "accept" && scope !== row.scope);
      if (!changed) return { changed: false };
      await tx.supplierInvitation.update({
        where: { id },
        data: { status: next, ...(decision === "accept" ? { scope } : {}), decidedAt: actor.at, decidedById: actor.userId },
      });
      const kind =
        decision === "accept" ? (row.status === "accepted" ? "scope" : row.status === "withdrawn" || row.status === "declined" ? "reshare" : "accept") : next === "withdrawn" ? "withdraw" : "decline";
      await event(tx, { invitationId: id, buyerOrgId: row.buyerOrgId, supplierOrgId: actor.orgId, kind, actor, detail: { from: row.status, to: next, scope: decision === "accept" ? scope : row.scope } });
      return { changed: true };
    });
    if (!result) return { ok: false, reason: "not-found" };
    return { ok: true, invitation: await this.view(id), changed: result.changed };
  }

  /** The supplier stops (or allows again) reminders from one customer. */
  async setRemindersOff(actor: Actor, id: string, off: boolean): Promise<DecideResult> {
    const result = await this.db.$transaction(async (tx) => {
      const row = await tx.supplierInvitation.findFirst({ where: { id, supplierOrgId: actor.orgId } });
      if (!row) return null;
      if (row.remindersOff === off) return { changed: false };
      await tx.supplierInvitation.update({ where: { id }, data: { remindersOff: off } });
      await event(tx, { invitationId: id, buyerOrgId: row.buyerOrgId, supplierOrgId: actor.orgId, kind: off ? "reminders-off" : "reminders-on", actor });
      return { changed: true };
    });
    if (!result) return { ok: false, reason: "not-found" };
    return { ok: true, invitation: await this.view(id), changed: result.changed };
  }

  /** The admins of an organisation (whom a consent request or a reminder goes to). */
  async adminsOf(orgId: string): Promise<{ id: string; platform: string; name: string }[]> {
    const users = await this.db.user.findMany({ where: { orgId, role: "admin" }, orderBy: { lastSeenAt: "desc" }, take: 5 });
    return users.map((u) => ({ id: u.id, platform: u.platform, name: u.displayName ?? u.platformUserId }));
  }

  /** The buyer's view of its suppliers: every invitation, its state, and what consent covers. */
  async rollout(buyerOrgId: string, now: Date): Promise<Rollout> {
    const rows = await this.db.supplierInvitation.findMany({ where: { buyerOrgId }, orderBy: { createdAt: "asc" } });
    const consenting = rows.filter((r) => r.status === "accepted" && r.supplierOrgId).map((r) => r.supplierOrgId!);
    // across companies: what the consenting suppliers share (the consent itself was read above, walled)
    const [figures, chains] = await this.acrossCompanies(() => Promise.all([this.summaries(consenting, now), this.chainCounts(consenting, now)]));
    const out: RolloutRow[] = rows.map((r) => {
      const shared = r.status === "accepted" && r.supplierOrgId ? (figures.get(r.supplierOrgId) ?? emptySummary(this.kb)) : null;
      const state = stateOf(r, shared, now);
      const overdue = Boolean(r.dueDate && dayOf(now) > dayOf(r.dueDate) && state !== "submitted");
      const times = [r.createdAt, r.usedAt, r.decidedAt, r.lastRemindedAt, shared?.lastUpdated].filter((d): d is Date => d instanceof Date);
      return {
        id: r.id,
        name: r.supplierName,
        contact: r.contact,
        state,
        withdrawn: r.status === "withdrawn",
        scope: r.status === "accepted" ? (r.scope as Scope) : null,
        dueDate: r.dueDate,
        overdue,
        createdAt: r.createdAt,
        expiresAt: r.expiresAt,
        lastActivity: new Date(Math.max(...times.map((d) => d.getTime()))),
        lastRemindedAt: r.lastRemindedAt,
        remindersOff: r.remindersOff,
        shared,
        chain: shared && r.supplierOrgId ? (chains.get(r.supplierOrgId) ?? { invited: 0, joined: 0, submitted: 0 }) : null,
      };
    });
    out.sort((a, b) => attention(a) - attention(b) || (a.dueDate?.getTime() ?? Infinity) - (b.dueDate?.getTime() ?? Infinity) || a.name.localeCompare(b.name, "ja"));
    const totals = { all: out.length, invited: 0, joined: 0, answering: 0, submitted: 0, declined: 0, expired: 0, lv1Complete: 0, lv2Complete: 0, remindable: 0 };
    for (const r of out) {
      totals[r.state]++;
      if (r.shared?.lv1Complete) totals.lv1Complete++;
      if (r.shared?.lv2Complete) totals.lv2Complete++;
      if (remindable(r, now)) totals.remindable++;
    }
    return { rows: out, totals };
  }

  /** One row of the buyer's view, bound to the buyer (a forged id of another organisation: null). */
  async rolloutRow(buyerOrgId: string, id: string, now: Date): Promise<RolloutRow | null> {
    const r = await this.rollout(buyerOrgId, now);
    return r.rows.find((x) => x.id === id) ?? null;
  }

  /**
   * Item-level answers of a supplier, only when it chose to share them with this buyer. The
   * invitation is looked up by the buyer's organisation: another customer's id finds nothing.
   */
  async sharedItems(buyerOrgId: string, id: string, now: Date): Promise<{ name: string; answers: Map<number, string> } | null> {
    const inv = await this.db.supplierInvitation.findFirst({ where: { id, buyerOrgId, status: "accepted", scope: "items" } });
    if (!inv?.supplierOrgId) return null;
    const supplierOrgId = inv.supplierOrgId;
    // across companies: the supplier's answers, which it chose to share with this buyer (checked above, walled)
    const answers = await this.acrossCompanies(async () => {
      const a = await this.db.assessment.findUnique({
        where: { orgId_fiscalYear_guidelineVersion: { orgId: supplierOrgId, fiscalYear: this.fiscalYearOf(now), guidelineVersion: this.kb.version } },
      });
      const out = new Map<number, string>();
      if (a) for (const x of await this.db.answer.findMany({ where: { assessmentId: a.id, orgId: supplierOrgId } })) out.set(x.itemNo, x.status);
      return out;
    });
    return { name: inv.supplierName, answers };
  }

  /**
   * Queues one reminder per chosen supplier to its admins, through the outbox: only to suppliers
   * that joined, have not submitted, did not stop reminders, and were not reminded in the last
   * week. The invitation row is locked while deciding, so two clicks at once send one reminder.
   */
  async remind(actor: Actor, ids: string[], now: Date): Promise<{ reminded: string[]; skipped: string[] }> {
    const view = await this.rollout(actor.orgId, now);
    const byId = new Map(view.rows.map((r) => [r.id, r]));
    const reminded: string[] = [];
    const skipped: string[] = [];
    for (const id of ids) {
      const r = byId.get(id);
      if (!r || !remindable(r, now)) {
        skipped.push(id);
        continue;
      }
      // the supplier (fixed once a code bound it) and its admins, before the row is locked
      const link = await this.db.supplierInvitation.findFirst({ where: { id, buyerOrgId: actor.orgId }, select: { supplierOrgId: true } });
      const admins = link?.supplierOrgId ? await this.supplierAdmins(link.supplierOrgId) : [];
      const ok = await this.db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ lastRemindedAt: Date | null; supplierOrgId: string | null; remindersOff: boolean }[]>`
          SELECT "lastRemindedAt", "supplierOrgId", "remindersOff" FROM "SupplierInvitation" WHERE id = ${id}::uuid AND "buyerOrgId" = ${actor.orgId}::uuid FOR UPDATE`;
        const row = rows[0];
        if (!row?.supplierOrgId || row.supplierOrgId !== link?.supplierOrgId || row.remindersOff) return false;
        if (row.lastRemindedAt && now.getTime() - row.lastRemindedAt.getTime() < REMIND_EVERY_MS) return false;
        if (!admins.length) return false;
        await tx.supplierInvitation.update({ where: { id }, data: { lastRemindedAt: now } });
        await tx.outboxMessage.createMany({
          data: admins.map((u) => ({
            dedupeKey: `supplier-reminder:${id}:${u.id}:${now.toISOString()}`,
            userId: u.id,
            kind: "supplier_reminder",
            payload: { platform: u.platform, invitationId: id },
            notBefore: now,
            createdAt: now,
          })),
          skipDuplicates: true,
        });
        await event(tx, { invitationId: id, buyerOrgId: actor.orgId, supplierOrgId: row.supplierOrgId, kind: "remind", actor, detail: { admins: admins.length } });
        return true;
      });
      (ok ? reminded : skipped).push(id);
    }
    return { reminded, skipped };
  }

  /** Across companies: whom a buyer's reminder goes to, the admins of a supplier linked to it (ids and platforms). */
  private supplierAdmins(supplierOrgId: string): Promise<{ id: string; platform: string }[]> {
    return this.acrossCompanies(() => this.db.user.findMany({ where: { orgId: supplierOrgId, role: "admin" }, take: 5, select: { id: true, platform: true } }));
  }

  /** Queues a consent request to the supplier's admins (a member used the code). */
  async requestConsent(invitationId: string, supplierOrgId: string, now: Date): Promise<number> {
    const admins = await this.db.user.findMany({ where: { orgId: supplierOrgId, role: "admin" }, take: 5 });
    const r = await this.db.outboxMessage.createMany({
      data: admins.map((u) => ({
        dedupeKey: `supplier-consent:${invitationId}:${u.id}`,
        userId: u.id,
        kind: "supplier_consent_request",
        payload: { platform: u.platform, invitationId },
        notBefore: now,
        createdAt: now,
      })),
      skipDuplicates: true,
    });
    return r.count;
  }

  /** Deployment-wide roll-out figures for the secretariat: counts only, never a name or an answer. */
  overview(now: Date): Promise<{ invitations: number; joined: number; consenting: number; submitted: number; buyers: number; tiers: number[] }> {
    // across companies: the secretariat's counts of every company's roll-out
    return this.acrossCompanies(() => this.overviewOfAll(now));
  }

  private async overviewOfAll(now: Date): Promise<{ invitations: number; joined: number; consenting: number; submitted: number; buyers: number; tiers: number[] }> {
    const fy = this.fiscalYearOf(now);
    const [row] = await this.db.$queryRaw<{ invitations: bigint; joined: bigint; consenting: bigint; submitted: bigint; buyers: bigint }[]>`
      SELECT COUNT(*) AS invitations,
        COUNT(*) FILTER (WHERE i."supplierOrgId" IS NOT NULL) AS joined,
        COUNT(*) FILTER (WHERE i.status = 'accepted') AS consenting,
        COUNT(*) FILTER (WHERE i.status = 'accepted' AND s.status = 'submitted') AS submitted,
        COUNT(DISTINCT i."buyerOrgId") AS buyers
      FROM "SupplierInvitation" i
      LEFT JOIN "Assessment" s ON s."orgId" = i."supplierOrgId" AND s."fiscalYear" = ${fy} AND s."guidelineVersion" = ${this.kb.version}`;
    // tiers: organisations reached at depth 1, 2, 3… below the companies that invite but were
    // never invited themselves (bounded depth, so a cycle of invitations cannot loop)
    const tiers = await this.db.$queryRaw<{ depth: number; orgs: bigint }[]>`
      WITH RECURSIVE chain(org, depth) AS (
        SELECT DISTINCT i."supplierOrgId", 1 FROM "SupplierInvitation" i
        WHERE i."supplierOrgId" IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM "SupplierInvitation" j WHERE j."supplierOrgId" = i."buyerOrgId")
        UNION
        SELECT i."supplierOrgId", c.depth + 1 FROM "SupplierInvitation" i JOIN chain c ON i."buyerOrgId" = c.org
        WHERE i."supplierOrgId" IS NOT NULL AND c.depth < 6)
      SELECT depth, COUNT(DISTINCT org) AS orgs FROM (SELECT org, MIN(depth) AS depth FROM chain GROUP BY org) m GROUP BY depth ORDER BY depth`;
    return {
      invitations: Number(row?.invitations ?? 0),
      joined: Number(row?.joined ?? 0),
      consenting: Number(row?.consenting ?? 0),
      submitted: Number(row?.submitted ?? 0),
      buyers: Number(row?.buyers ?? 0),
      tiers: tiers.map((t) => Number(t.orgs)),
    };
  }

  private async view(id: string): Promise<InvitationView> {
    const r = await this.db.supplierInvitation.findUniqueOrThrow({ where: { id } });
    // across companies: the names of the customer and of the person who invited, which the link
    // (visible to the caller, read just above) shows its supplier
    const [buyer, inviter] = await this.acrossCompanies(() =>
      Promise.all([
        this.db.organization.findUnique({ where: { id: r.buyerOrgId }, select: { name: true } }),
        this.db.user.findUnique({ where: { id: r.createdById }, select: { displayName: true } }),
      ]),
    );
    return {
      id: r.id,
      buyerOrgId: r.buyerOrgId,
      buyerName: buyer?.name ?? null,
      inviterName: inviter?.displayName ?? null,
      supplierName: r.supplierName,
      dueDate: r.dueDate,
      status: r.status,
      scope: r.scope as Scope,
      remindersOff: r.remindersOff,
      decidedAt: r.decidedAt,
    };
  }

  /** Shared figures of consenting suppliers, in one query for all of them. */
  private async summaries(orgIds: string[], now: Date): Promise<Map<string, SharedSummary>> {
    const out = new Map<string, SharedSummary>();
    if (!orgIds.length) return out;
    const lv = ([1, 2, 3] as const).map((l) => this.kb.itemsOfLevel(l).map((i) => i.no));
    const nos = lv.flat();
    const levelOf = lv.flatMap((list, i) => list.map(() => i + 1));
    const fy = this.fiscalYearOf(now);
    // answers grouped by organisation, level and answer (a few rows per supplier), and the
    // assessments themselves (submitted or not, also without any answer yet)
    const [groups, assessments] = await Promise.all([
      this.db.$queryRaw<{ org: string; level: number | null; status: string; n: bigint; last: Date }[]>`
        SELECT s."orgId" AS org, lv.level AS level, a.status AS status, COUNT(*) AS n, MAX(a."answeredAt") AS last
        FROM "Assessment" s
        JOIN "Answer" a ON a."assessmentId" = s.id AND a.status <> ${UNANSWERED}
        LEFT JOIN unnest(${nos}::int[], ${levelOf}::int[]) AS lv(no, level) ON lv.no = a."itemNo"
        WHERE s."orgId" = ANY(${orgIds}::uuid[]) AND s."fiscalYear" = ${fy} AND s."guidelineVersion" = ${this.kb.version}
        GROUP BY s."orgId", lv.level, a.status`,
      this.db.assessment.findMany({ where: { orgId: { in: orgIds }, fiscalYear: fy, guidelineVersion: this.kb.version }, select: { orgId: true, status: true } }),
    ]);
    const acc = new Map<string, { levels: { answered: number; achieved: number; excluded: number }[]; last: Date | null }>();
    for (const a of assessments) acc.set(a.orgId, { levels: [0, 1, 2].map(() => ({ answered: 0, achieved: 0, excluded: 0 })), last: null });
    for (const g of groups) {
      const o = acc.get(String(g.org));
      if (!o) continue;
      if (!o.last || g.last > o.last) o.last = g.last;
      const level = g.level === null ? null : Number(g.level);
      if (!level || !this.choices.get(g.status)) continue;
      const t = o.levels[level - 1];
      const n = Number(g.n);
      t.answered += n;
      if (this.choices.countsAsAchieved(g.status)) t.achieved += n;
      if (this.choices.excluded(g.status)) t.excluded += n;
    }
    for (const a of assessments) {
      const o = acc.get(a.orgId)!;
      const levels = ([1, 2, 3] as const).map((level, i): LevelFigures => {
        const items = lv[i].length;
        const { answered, achieved, excluded } = o.levels[i];
        return { level, items, answered, achieved, excluded, rate: items - excluded > 0 ? achieved / (items - excluded) : null };
      });
      out.set(a.orgId, summaryOf(levels, a.status === "submitted", o.last));
    }
    return out;
  }

  /** For each supplier, its own invitations: how many, joined, submitted (counts only). */
  private async chainCounts(orgIds: string[], now: Date): Promise<Map<string, ChainCounts>> {
    const out = new Map<string, ChainCounts>();
    if (!orgIds.length) return out;
    const rows = await this.db.$queryRaw<{ org: string; invited: bigint; joined: bigint; submitted: bigint }[]>`
      SELECT i."buyerOrgId" AS org, COUNT(*) AS invited,
        COUNT(*) FILTER (WHERE i."supplierOrgId" IS NOT NULL) AS joined,
        COUNT(*) FILTER (WHERE i.status = 'accepted' AND s.status = 'submitted') AS submitted
      FROM "SupplierInvitation" i
      LEFT JOIN "Assessment" s ON s."orgId" = i."supplierOrgId" AND s."fiscalYear" = ${this.fiscalYearOf(now)} AND s."guidelineVersion" = ${this.kb.version}
      WHERE i."buyerOrgId" = ANY(${orgIds}::uuid[])
      GROUP BY i."buyerOrgId"`;
    for (const r of rows) out.set(String(r.org), { invited: Number(r.invited), joined: Number(r.joined), submitted: Number(r.submitted) });
    return out;
  }
}

function summaryOf(levels: LevelFigures[], submitted: boolean, lastUpdated: Date | null): SharedSummary {
  const complete = (l: LevelFigures) => l.items > 0 && l.achieved + l.excluded >= l.items && l.achieved > 0;
  const lv1Complete = complete(levels[0]);
  return { levels, submitted, lastUpdated, lv1Complete, lv2Complete: lv1Complete && complete(levels[1]) };
}

function emptySummary(kb: Knowledge): SharedSummary {
  const levels = ([1, 2, 3] as const).map((level): LevelFigures => ({ level, items: kb.itemsOfLevel(level).length, answered: 0, achieved: 0, excluded: 0, rate: kb.itemsOfLevel(level).length ? 0 : null }));
  return summaryOf(levels, false, null);
}

function stateOf(r: { status: string; supplierOrgId: string | null; expiresAt: Date }, shared: SharedSummary | null, now: Date): InvitationState {
  if (r.status === "declined" || r.status === "withdrawn") return "declined";
  if (!r.supplierOrgId) return r.expiresAt.getTime() <= now.getTime() ? "expired" : "invited";
  if (r.status === "pending" || !shared) return "joined";
  if (shared.submitted) return "submitted";
  return shared.levels.some((l) => l.answered > 0) ? "answering" : "joined";
}

const ORDER: Record<InvitationState, number> = { expired: 1, declined: 2, invited: 3, joined: 4, answering: 5, submitted: 6 };

/** Lower first: overdue before the rest, then the states that need the buyer to act. */
function attention(r: RolloutRow): number {
  return (r.overdue ? 0 : 10) + ORDER[r.state];
}

/** A supplier the buyer can remind now: joined, not submitted, not stopped, not reminded this week. */
export function remindable(r: RolloutRow, now: Date): boolean {
  if (r.state !== "joined" && r.state !== "answering") return false;
  if (r.remindersOff) return false;
  return !r.lastRemindedAt || now.getTime() - r.lastRemindedAt.getTime() >= REMIND_EVERY_MS;
}

/** The calendar day in Japan, as yyyy-mm-dd (due dates are days). */
export function dayOf(d: Date): string {
  return new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

async function event(
  tx: Tx,
  e: { invitationId: string; buyerOrgId: string; supplierOrgId?: string | null; kind: string; actor: Actor; detail?: Record<string, unknown> },
): Promise<void> {
  await tx.supplierEvent.create({
    data: {
      invitationId: e.invitationId,
      buyerOrgId: e.buyerOrgId,
      supplierOrgId: e.supplierOrgId ?? null,
      actorId: e.actor.userId,
      kind: e.kind,
      channel: e.actor.channel,
      at: e.actor.at,
      ...(e.detail ? { detail: e.detail as never } : {}),
    },
  });
}
