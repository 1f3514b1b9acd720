// Transactions that lose a race (serialization failure 40001 / Prisma P2034, deadlock 40P01, a
// transaction that could not start in time P2028) are retried a few times with jittered backoff;
// after that the caller gets a BookingBusyError and the user a polite "please try again".

const TRANSIENT_SQLSTATES = new Set(["40001", "40P01"]);
const TRANSIENT_PRISMA = new Set(["P2034", "P2028"]);

export class BookingBusyError extends Error {
  constructor(public readonly lastError: unknown) {
    super("the booking could not be completed after several attempts (database busy)");
    this.name = "BookingBusyError";
  }
}

/** True for errors that a second attempt of the same transaction can cure. */
export function isTransientDbError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (!e || typeof e !== "object" || depth > 6 || seen.has(e)) return false;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.code === "string" && (TRANSIENT_PRISMA.has(o.code) || TRANSIENT_SQLSTATES.has(o.code))) return true;
    if (typeof o.originalCode === "string" && TRANSIENT_SQLSTATES.has(o.originalCode)) return true;
    if (o.kind === "TransactionWriteConflict") return true;
    return visit(o.meta, depth + 1) || visit(o.driverAdapterError, depth + 1) || visit(o.cause, depth + 1);
  };
  return visit(err, 0);
}

export interface RetryOptions {
  /** attempts in all, the first included (default 4: one try and three retries) */
  attempts?: number;
  /** base delay; attempt n waits about base * 2^(n-1), with full jitter (default 20 ms) */
  baseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (attempt: number, err: unknown) => void;
}

export async function withTransientRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 4;
  const base = opts.baseMs ?? 20;
  const sleep = opts.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isTransientDbError(err)) throw err;
      last = err;
      if (attempt === attempts) break;
      opts.onRetry?.(attempt, err);
      await sleep(Math.round(random() * base * 2 ** (attempt - 1)) + 1);
    }
  }
  throw new BookingBusyError(last);
}
