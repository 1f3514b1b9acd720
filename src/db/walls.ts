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
// outside a transaction become BEGIN+settings / statement / COMMIT. This covers every statement
// Prisma sends, raw SQL included (a Prisma client extension, as in Prisma's RLS example, covers
// model queries only, costs a batch transaction per query, and does not reach into interactive
// transactions). The embedded PGlite (one company, one process) runs without the walls.
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

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

/** BEGIN with the role and the organisation for this transaction, in one message. */
function beginWalled(orgId: string): string {
  // orgId is checked against UUID in forOrg: inlining it cannot inject anything
  return `BEGIN; SELECT set_config('role', '${WALLED_ROLE}', true), set_config('app.org_id', '${orgId}', true)`;
}

const patched = new WeakSet<pg.PoolClient>();

/**
 * A pg Pool for PrismaPg that applies the walls of the current scope. Only the query shapes Prisma's
 * adapter sends are handled: `query(config)` with a text, and transactions begun with "BEGIN".
 */
export function walledPool(config: pg.PoolConfig, walls: TenantWalls): pg.Pool {
  const pool = new pg.Pool(config);
  type AnyFn = (...a: unknown[]) => unknown;
  const plainConnect = pool.connect.bind(pool) as AnyFn;
  const plainQuery = pool.query.bind(pool) as AnyFn;

  const connect = (...args: unknown[]): unknown => {
    if (args.length) return plainConnect(...args); // the callback form (pg's own pool.query)
    return (plainConnect() as Promise<pg.PoolClient>).then((client) => {
      if (!patched.has(client)) {
        patched.add(client);
        const plain = client.query.bind(client) as AnyFn;
        (client as { query: unknown }).query = (q: unknown, ...rest: unknown[]) => {
          const org = walls.currentOrg();
          if (org && isBegin(q)) return plain(beginWalled(org));
          return plain(q, ...rest);
        };
      }
      return client;
    });
  };

  const query = (...args: unknown[]): unknown => {
    const org = walls.currentOrg();
    if (!org || typeof args.at(-1) === "function") return plainQuery(...args);
    // a single statement in a turn: its own transaction, begun with the role and the organisation
    return (async () => {
      const client = (await connect()) as pg.PoolClient;
      let broken: Error | undefined;
      try {
        await client.query("BEGIN"); // walled by the patch above
        const result = await (client.query as AnyFn)(...args);
        await client.query("COMMIT");
        return result;
      } catch (e) {
        await client.query("ROLLBACK").catch((r: Error) => (broken = r));
        throw e;
      } finally {
        client.release(broken);
      }
    })();
  };

  Object.assign(pool, { connect, query });
  return pool;
}

function isBegin(q: unknown): boolean {
  const text = typeof q === "string" ? q : typeof q === "object" && q && "text" in q ? (q as { text: unknown }).text : undefined;
  return typeof text === "string" && text.trim().toUpperCase() === "BEGIN";
}
