// Replays that change nothing twice (issue 10). A turn from the inbox can be worked out again: the
// process died after the turn changed data and before its answer was stored, or a transient
// database error after the change made the pipeline try it again. So every data change a turn makes
// writes one row of TurnEffect (keyed by the delivery) in the same transaction as the change: a
// later attempt of the same delivery finds the row and does not run the intent again (the pipeline
// answers that the request was already carried out), and an attempt working at the same moment
// (another instance that took the row after a lost lease) cannot commit a change of its own: its
// write of the row is refused and its transaction rolled back.
//
// How: the Prisma driver adapter is wrapped (for PGlite and PostgreSQL alike, below the walls'
// pool), so that inside `effects.during(...)` the first writing statement of every transaction is
// preceded by the TurnEffect write, and a writing statement outside a transaction gets a
// transaction of its own with it. Every statement Prisma sends passes here, raw SQL included, so
// no intent or domain module has to remember it. Reads, and turns outside the scope (read-only
// intents, the terminal chat), are not touched.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";

/** One attempt of one turn that may change data. */
export interface EffectScope {
  /** platform:deliveryId */
  key: string;
  /** this attempt (a new one each time the turn is worked out) */
  attempt: string;
  intent: string;
  orgId?: string;
  /** the turn's time (one clock per turn; pruning compares it with the application's clock) */
  at: Date;
}

/** Raised when another attempt of the same delivery changed data first: this one must change nothing. */
export class EffectFenceError extends Error {
  constructor(key: string) {
    super(`another attempt of delivery ${key} changed data already: this attempt's change is refused`);
    this.name = "EffectFenceError";
  }
}

export class TurnEffects {
  private readonly als = new AsyncLocalStorage<EffectScope>();

  /** The key a delivery's effects are kept under. */
  static key(platform: string, deliveryId: string): string {
    return `${platform}:${deliveryId}`;
  }

  /** Runs fn as one attempt of the turn of `key`: its data changes are written with the TurnEffect row. */
  during<T>(scope: Omit<EffectScope, "attempt"> & { attempt?: string }, fn: () => Promise<T>): Promise<T> {
    // awaited inside the scope: Prisma's queries are lazy and start at their first `then`
    return this.als.run({ ...scope, attempt: scope.attempt ?? randomUUID() }, async () => await fn());
  }

  /**
   * Runs fn outside any turn's scope: for one transaction that carries the changes of several
   * turns at once (the seat queue's group commit), which must not be marked as, nor fenced by,
   * whichever turn happened to start it.
   */
  outside<T>(fn: () => Promise<T>): Promise<T> {
    return this.als.exit(fn);
  }

  current(): EffectScope | undefined {
    return this.als.getStore();
  }
}

const STRING = { scalarType: "string", arity: "scalar" } as const;
const PLAIN = { sql: "", args: [], argTypes: [] };

function fenceQuery(s: EffectScope): SqlQuery {
  return {
    // the row is written by the first attempt that changes data; a later write of the same attempt
    // counts, another attempt's is refused (no row affected)
    sql: `INSERT INTO "TurnEffect" (key, attempt, intent, "orgId", at) VALUES ($1, $2, $3, $4::uuid, $5::timestamptz AT TIME ZONE 'UTC')
          ON CONFLICT (key) DO UPDATE SET writes = "TurnEffect".writes + 1 WHERE "TurnEffect".attempt = EXCLUDED.attempt`,
    args: [s.key, s.attempt, s.intent, s.orgId ?? null, s.at.toISOString()],
    argTypes: [STRING, STRING, STRING, STRING, STRING],
  } as unknown as SqlQuery;
}

/** Statements that change rows (Prisma's and the raw SQL of the domain modules). */
export function isWrite(sql: string): boolean {
  const head = sql.trimStart().slice(0, 10).toUpperCase();
  if (/^(INSERT|UPDATE|DELETE|MERGE)\b/.test(head)) return true;
  return /^WITH\b/.test(head) && /\b(INSERT|UPDATE|DELETE)\b/i.test(sql);
}

async function fence(tx: Transaction, s: EffectScope): Promise<void> {
  const n = await tx.executeRaw(fenceQuery(s));
  if (n !== 1) throw new EffectFenceError(s.key);
}

class FencedTransaction implements Transaction {
  private fenced = false;
  constructor(
    private readonly inner: Transaction,
    private readonly scope: EffectScope,
  ) {}
  get options() {
    return this.inner.options;
  }
  get provider() {
    return this.inner.provider;
  }
  get adapterName() {
    return this.inner.adapterName;
  }
  private async before(q: SqlQuery): Promise<void> {
    if (this.fenced || !isWrite(q.sql)) return;
    await fence(this.inner, this.scope);
    this.fenced = true;
  }
  async queryRaw(q: SqlQuery): Promise<SqlResultSet> {
    await this.before(q);
    return this.inner.queryRaw(q);
  }
  async executeRaw(q: SqlQuery): Promise<number> {
    await this.before(q);
    return this.inner.executeRaw(q);
  }
  commit() {
    return this.inner.commit();
  }
  rollback() {
    return this.inner.rollback();
  }
  createSavepoint(name: string) {
    return this.inner.createSavepoint!(name);
  }
  rollbackToSavepoint(name: string) {
    return this.inner.rollbackToSavepoint!(name);
  }
  releaseSavepoint(name: string) {
    return this.inner.releaseSavepoint!(name);
  }
}

class FencedAdapter implements SqlDriverAdapter {
  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly effects: TurnEffects,
  ) {}
  get provider() {
    return this.inner.provider;
  }
  get adapterName() {
    return this.inner.adapterName;
  }
  queryRaw(q: SqlQuery): Promise<SqlResultSet> {
    const s = this.effects.current();
    return s && isWrite(q.sql) ? this.alone(s, (tx) => tx.queryRaw(q)) : this.inner.queryRaw(q);
  }
  executeRaw(q: SqlQuery): Promise<number> {
    const s = this.effects.current();
    return s && isWrite(q.sql) ? this.alone(s, (tx) => tx.executeRaw(q)) : this.inner.executeRaw(q);
  }
  executeScript(script: string) {
    return this.inner.executeScript(script);
  }
  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const tx = await this.inner.startTransaction(isolationLevel);
    const s = this.effects.current();
    return s ? new FencedTransaction(tx, s) : tx;
  }
  getConnectionInfo() {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }
  dispose() {
    return this.inner.dispose();
  }

  /** A writing statement sent on its own: in a transaction of its own, with the TurnEffect row. */
  private async alone<T>(s: EffectScope, run: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx = await this.inner.startTransaction();
    // the adapters that do not send BEGIN/COMMIT through the engine (usePhantomQuery) end it themselves
    const own = !tx.options.usePhantomQuery;
    try {
      await fence(tx, s);
      const result = await run(tx);
      if (own) await tx.executeRaw({ ...PLAIN, sql: "COMMIT" });
      await tx.commit();
      return result;
    } catch (e) {
      if (own) await tx.executeRaw({ ...PLAIN, sql: "ROLLBACK" }).catch(() => undefined);
      await tx.rollback().catch(() => undefined);
      throw e;
    }
  }
}

/** The adapter factory Prisma is given: the driver's, with the turn effects applied. */
export function fencedAdapterFactory(inner: SqlMigrationAwareDriverAdapterFactory, effects: TurnEffects): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => new FencedAdapter(await inner.connect(), effects),
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}
