// Figures across all organisations (the anonymous average, the secretariat's counts and spread)
// cost a scan of every answer of the fiscal year, which grows with the number of companies. They
// change slowly, so each process keeps them for a few minutes and says how old they are ("as of");
// a company's own figures are never taken from here and are always current.
import { formatJst } from "./fiscal-year.ts";
import { tr, type Lang } from "../core/reply.ts";

/** How long deployment-wide figures are served before one reload runs behind them. */
export const AGGREGATE_TTL_MS = 5 * 60_000;

export interface Aged<T> {
  value: T;
  /** when the figures were computed (the clock of the request that asked for them) */
  asOf: Date;
}

/**
 * A stale-while-revalidate cache: after `ttlMs` the figures are still served while one fresh load
 * runs behind them, so only the very first request of a process waits for the scan. A failed first
 * load is not kept. Time comes from the caller (the turn's or the request's `now`).
 */
export class Memo<T> {
  private entries = new Map<string, { at: number; value: Promise<T>; refreshing: boolean }>();
  constructor(private readonly ttlMs: number) {}

  async get(key: string, now: Date, load: () => Promise<T>): Promise<T> {
    return (await this.getAged(key, now, load)).value;
  }

  getAged(key: string, now: Date, load: () => Promise<T>): Promise<Aged<T>> {
    const e = this.entries.get(key);
    if (e) {
      if (now.getTime() - e.at >= this.ttlMs && !e.refreshing) {
        e.refreshing = true;
        load().then(
          (value) => {
            if (this.entries.get(key) === e) this.entries.set(key, { at: now.getTime(), value: Promise.resolve(value), refreshing: false });
          },
          () => {
            e.refreshing = false;
          },
        );
      }
      return e.value.then((value) => ({ value, asOf: new Date(e.at) }));
    }
    const value = load();
    const entry = { at: now.getTime(), value, refreshing: false };
    this.entries.set(key, entry);
    // a failed first load is not kept: the next request tries again
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    // a handful of keys (fiscal year × guideline version); old years fall out
    if (this.entries.size > 8) this.entries.delete(this.entries.keys().next().value!);
    return value.then((v) => ({ value: v, asOf: new Date(entry.at) }));
  }
}

/** 「2026-12-02 14:05 時点」 / "as of 2026-12-02 14:05 JST" */
export function asOfLabel(asOf: Date, lang: Lang): string {
  return tr(lang, `${formatJst(asOf)} 時点`, `as of ${formatJst(asOf)} JST`);
}
