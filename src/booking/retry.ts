// Transactions that lose a race (serialization failure 40001 / Prisma P2034, deadlock 40P01, a
// transaction that could not start in time P2028) are retried a few times with jittered backoff;
// after that the caller gets a BookingBusyError and the user a polite "please try again".
import { isTransientDbError } from "../db/transient.ts";

export { isTransientDbError };

export class BookingBusyError extends Error {
  constructor(public readonly lastError: unknown) {
    super("the booking could not be completed after several attempts (database busy)");
    this.name = "BookingBusyError";
  }
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
