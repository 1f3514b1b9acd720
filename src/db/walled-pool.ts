// The pg Pool that applies the tenant walls (walls.ts) to every statement Prisma's adapter sends.
// A module of its own so that pg is loaded only with PostgreSQL (client.ts imports it then).
import pg from "pg";
import { WALLED_ROLE, type TenantWalls } from "./walls.ts";

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
