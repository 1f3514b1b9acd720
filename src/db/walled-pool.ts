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
    const [text, values] = args;
    const config = (typeof text === "string" ? { text, values } : { ...(text as pg.QueryConfig), ...(values ? { values } : {}) }) as pg.QueryConfig;
    // a single statement in a turn: its own transaction, begun with the role and the organisation,
    // and sent with them and its COMMIT in one round trip (WalledStatement)
    return (async () => {
      const client = (await connect()) as pg.PoolClient;
      let broken: Error | undefined;
      try {
        return await new Promise((resolve, reject) => {
          const q = new WalledStatement(org, config, (err, result) => (err ? reject(err) : resolve(result)));
          client.query(q as unknown as pg.QueryConfig);
        });
      } catch (e) {
        // the statement failed, or the walls did and it was never run: the transaction is rolled back
        await client.query("ROLLBACK").catch((r: Error) => (broken = r));
        // a named statement (a kept plan, client.ts) may or may not be prepared on the server now,
        // while pg counts it as prepared once any step was parsed: the connection is not reused
        if (config.name) broken ??= e as Error;
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

/**
 * One statement behind the walls in one round trip: BEGIN, the role, the organisation, the
 * statement and COMMIT are written together in the extended protocol and closed by a single Sync.
 * Before a Sync, PostgreSQL skips every message after one that failed: if the walls cannot be set,
 * the statement is not run, and if it fails, COMMIT is not run either (the caller rolls back).
 * Sent one after another, as before, these took three round trips (BEGIN with the settings, the
 * statement, COMMIT), a good part of a turn's time on a walled statement.
 */
class WalledStatement extends (pg.Query as unknown as QueryClass) {
  constructor(
    private readonly orgId: string,
    config: pg.QueryConfig,
    done: (err: Error | null, result?: pg.QueryResult) => void,
  ) {
    // always the extended protocol (a statement without values would otherwise go as a simple query)
    super({ ...config, queryMode: "extended" } as pg.QueryConfig, undefined, (err: Error | null, results: pg.QueryResult | pg.QueryResult[]) =>
      // the results of BEGIN, the two settings, the statement and COMMIT: the statement's is the fourth
      err ? done(err) : Array.isArray(results) && results.length === 5 ? done(null, results[3]) : done(new Error("walled statement: unexpected results")),
    );
  }

  prepare(connection: Connection): void {
    // orgId is checked against UUID in forOrg: inlining it cannot inject anything
    for (const text of ["BEGIN", `SET LOCAL role ${WALLED_ROLE}`, `SET LOCAL app.org_id = '${this.orgId}'`]) plainStep(connection, text);
    super.prepare(connection); // the statement: parse, bind, describe, then _getRows below
  }

  _getRows(connection: Connection): void {
    connection.execute({ portal: "", rows: 0 });
    plainStep(connection, "COMMIT");
    connection.sync();
  }
}

/** A statement without values or rows, in the extended protocol (no Sync of its own). */
function plainStep(connection: Connection, text: string): void {
  connection.parse({ text, types: [] });
  connection.bind({ values: [] });
  connection.execute({ portal: "", rows: 0 });
}

type Connection = {
  parse(q: { text: string; types: number[] }): void;
  bind(q: { values: unknown[] }): void;
  execute(q: { portal: string; rows: number }): void;
  sync(): void;
};

/** pg's Query with the two steps of its extended-protocol path that WalledStatement extends. */
type QueryClass = new (
  config: pg.QueryConfig,
  values: undefined,
  callback: (err: Error | null, results: pg.QueryResult | pg.QueryResult[]) => void,
) => { prepare(connection: Connection): void; _getRows(connection: Connection, rows?: number): void };
