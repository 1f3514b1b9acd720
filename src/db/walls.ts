// Tenant walls at run time: the database's row-level security (migration 20261202145500_tenant_walls)
// applied to the work of one turn. Inside `walls.forOrg(orgId, fn)` every statement fn sends to
// PostgreSQL runs as the role "jama_app" (owns no table, cannot bypass RLS) with `app.org_id` set
// for its transaction only; outside such a scope the connection's own role (the tables' owner) runs
// it: that is the separate path for work that spans companies (identity before the organisation
// is known, the outbox, reminders, secretariat aggregates, the supplier roll-out), and
// `walls.acrossCompanies(fn)` is the one way back to it from inside a turn. Which files may call
// it is fixed by test/unit/boundaries.test.ts.
//
// How: a pg Pool whose transactions begin with the role and the organisation in the same round
// trip as BEGIN (one simple-protocol message, no extra round trip), and whose single statements
// outside a transaction are sent as BEGIN, settings, statement and COMMIT in one round trip
// (one Sync: the statement is skipped if the settings fail). This covers every statement
// Prisma sends, raw SQL included (a Prisma client extension, as in Prisma's RLS example, covers
// model queries only, costs a batch transaction per query, and does not reach into interactive
// transactions). The embedded PGlite (one company, one process) runs without the walls.
// The pool itself is in walled-pool.ts, loaded only with PostgreSQL: pg (and the fetch machinery its
// first use loads, ~130 ms) is no part of a start on PGlite.
import { AsyncLocalStorage } from "node:async_hooks";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The role the turns run as; created by the tenant_walls migration. */
export const WALLED_ROLE = "jama_app";

type Scope = { orgId: string } | { acrossCompanies: true };

export class TenantWalls {
  private readonly als = new AsyncLocalStorage<Scope>();

  /** @param enforced false where the database does not apply them (PGlite, or TENANT_WALLS=off) */
  constructor(readonly enforced: boolean) {}

  /** Runs fn with its statements walled to one organisation (on PostgreSQL). */
  forOrg<T>(orgId: string, fn: () => Promise<T>): Promise<T> {
    if (!UUID.test(orgId)) throw new Error(`tenant walls: not an organisation id: ${JSON.stringify(orgId)}`);
    // awaited inside the scope: Prisma's queries are lazy and start at their first `then`
    return this.als.run({ orgId }, async () => await fn());
  }

  /**
   * The narrow path for work that spans companies, from inside a turn: fn's statements run as the
   * tables' owner. Only the files listed in test/unit/boundaries.test.ts may call it.
   */
  acrossCompanies<T>(fn: () => Promise<T>): Promise<T> {
    return this.als.run({ acrossCompanies: true }, async () => await fn());
  }

  /** The organisation the current statements are walled to, if any. */
  currentOrg(): string | undefined {
    const s = this.als.getStore();
    return s && "orgId" in s ? s.orgId : undefined;
  }
}
