// Launch day: thousands of companies press 予約 within a minute. Every seat change is a short
// transaction holding its session's row lock, and each transaction needs one of the process's
// pooled connections. Started all at once, they queue inside Prisma for a connection, most of them
// only to wait again on the same row lock, and those still waiting after Prisma's `maxWait` fail
// (P2028, "unable to start a transaction") and are retried or answered "busy, try again".
// So the process lines them up itself: one at a time per session (the row lock would serialise
// them anyway; waiting here holds no connection), and at most `limit` sessions' transactions at
// once, below the pool size so that the rest of a turn's queries still find a connection. The
// database still guarantees the seats: this is about waiting in order, not about correctness, and
// several instances each have their own queue.

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
}

/** Seat transactions of one process: per session in order, a few sessions at once. */
export class SeatQueue {
  private readonly gate: Gate;
  private readonly perSession = new KeyedQueue();
  constructor(opts: SeatQueueOptions = {}) {
    this.gate = new Gate(Math.max(1, opts.concurrency ?? 6));
  }

  run<T>(seriesNo: number, fn: () => Promise<T>): Promise<T> {
    return this.perSession.run(seriesNo, () => this.gate.run(fn));
  }
}
