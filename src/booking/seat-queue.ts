// Launch day: thousands of companies press 予約 within a minute. Every seat change is a short
// transaction holding its session's row lock, and each transaction needs one of the process's
// pooled connections. Started all at once, they queue inside Prisma for a connection, most of them
// only to wait again on the same row lock, and those still waiting after Prisma's `maxWait` fail
// (P2028, "unable to start a transaction") and are retried or answered "busy, try again".
// So the process lines them up itself: one at a time per session (the row lock would serialise
// them anyway; waiting here holds no connection), and at most `limit` sessions' transactions at
// once, below the pool size so that the rest of a turn's queries still find a connection. The
// database still guarantees the seats: this is about waiting in order, not about correctness, and
// several instances each have their own queue. Bookings go one step further (SeatQueue.join): those
// waiting for one session are answered together by one transaction.

/** First come, first served, at most `limit` at a time. */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.running--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/** One at a time per key (a session), first come, first served; keys run side by side. */
export class KeyedQueue {
  private readonly tails = new Map<string | number, Promise<unknown>>();

  run<T>(key: string | number, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

export interface SeatQueueOptions {
  /** seat transactions running at once in this process (default 6, for a pool of 10 connections) */
  concurrency?: number;
  /** requests answered by one batch at most (default 500); 1: one transaction per request */
  maxBatch?: number;
}

/** What a batch's flush gives back for each request: its answer, or the error it alone met. */
export type Settled<T> = { value: T } | { error: unknown };

interface OpenBatch {
  entries: { req: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[];
}

/**
 * Seat transactions of one process: per session in order, a few sessions at once, and bookings
 * grouped: while a session's transaction runs, the requests that arrive for it gather in one
 * batch, answered together by the next transaction (group commit). Under a rush a few
 * transactions of hundreds of requests each take the place of thousands of one-request ones.
 */
export class SeatQueue {
  private readonly gate: Gate;
  private readonly perSession = new KeyedQueue();
  private readonly open = new Map<string | number, OpenBatch>();
  private readonly maxBatch: number;
  constructor(opts: SeatQueueOptions = {}) {
    this.gate = new Gate(Math.max(1, opts.concurrency ?? 6));
    this.maxBatch = Math.max(1, opts.maxBatch ?? 500);
  }

  /** One transaction of its own, after everything already in line for the session. */
  run<T>(key: string | number, fn: () => Promise<T>): Promise<T> {
    // requests arriving after this one must not overtake it by joining a batch in front of it
    this.open.delete(key);
    return this.perSession.run(key, () => this.gate.run(fn));
  }

  /**
   * Joins the session's open batch, or opens one at the end of its line. When its turn comes, the
   * batch closes and `flush` answers every request that joined, in the order they came; the first
   * request's `flush` serves the whole batch, so all callers of one key must pass the same one.
   */
  join<R, T>(key: string | number, req: R, flush: (reqs: R[]) => Promise<Settled<T>[]>): Promise<T> {
    let batch = this.open.get(key);
    if (!batch) {
      const b: OpenBatch = { entries: [] };
      batch = b;
      this.open.set(key, b);
      void this.perSession.run(key, () =>
        this.gate.run(async () => {
          if (this.open.get(key) === b) this.open.delete(key);
          const entries = b.entries;
          try {
            const out = await flush(entries.map((e) => e.req as R));
            entries.forEach((e, i) => {
              const r = out[i];
              if (!r) e.reject(new Error("seat batch: no answer for a request"));
              else if ("value" in r) e.resolve(r.value);
              else e.reject(r.error);
            });
          } catch (err) {
            for (const e of entries) e.reject(err);
          }
        }),
      );
    }
    const joined = batch;
    return new Promise<T>((resolve, reject) => {
      joined.entries.push({ req, resolve: resolve as (v: unknown) => void, reject });
      if (joined.entries.length >= this.maxBatch && this.open.get(key) === joined) this.open.delete(key);
    });
  }
}
