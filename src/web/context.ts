// What a console page handler works with: the request's clock and language, the signed-in person,
// and the product's services (the same ones the chat intents use).
import type { Request, Response } from "express";
import type { Services } from "../core/services.ts";
import type { Logger } from "../core/logger.ts";
import type { Lang } from "../core/reply.ts";
import type { Actor, Source } from "../assessment/service.ts";
import type { WebAccess, WebCaller } from "./access.ts";
import { locals } from "./page.tsx";

export interface WebDeps {
  services: Services;
  access: WebAccess;
  log: Logger;
  /** this console's caches of deployment-wide figures (one set per console, so per database) */
  memos: Map<string, Memo<unknown>>;
}

/** Deployment-wide figures are computed at most every 5 minutes per console. */
export const MEMO_TTL_MS = 5 * 60_000;

export function memo<T>(deps: WebDeps, name: string, key: string, now: Date, load: () => Promise<T>): Promise<T> {
  let m = deps.memos.get(name);
  if (!m) deps.memos.set(name, (m = new Memo<unknown>(MEMO_TTL_MS)));
  return m.get(key, now, load) as Promise<T>;
}

export interface PageCtx {
  lang: Lang;
  now: Date;
  caller: WebCaller;
  csrf: string;
  /** this page's path and query, for the language switch */
  path: string;
}

/** Only for routes behind the sign-in check: a caller is always there. */
export function pageCtx(req: Request, res: Response): PageCtx {
  const l = locals(res);
  return { lang: l.lang, now: l.now, caller: l.caller!, csrf: l.csrf!, path: req.originalUrl };
}

/** Changes made on a page are recorded as coming from the web console, at the request's time. */
export function sourceOf(ctx: PageCtx): Source {
  return { channel: "web", at: ctx.now };
}

export function actorOf(ctx: PageCtx): Actor {
  return { userId: ctx.caller.userId, orgId: ctx.caller.orgId };
}

/**
 * A cache for figures across all organisations (they change slowly, and cost a scan of every
 * answer). After `ttlMs` the figures are still served while one fresh load runs behind them
 * (stale-while-revalidate), so only the very first request of a console waits for the scan.
 */
export class Memo<T> {
  private entry?: { key: string; at: number; value: Promise<T>; refreshing: boolean };
  constructor(private readonly ttlMs: number) {}

  get(key: string, now: Date, load: () => Promise<T>): Promise<T> {
    const e = this.entry;
    if (e && e.key === key) {
      if (now.getTime() - e.at >= this.ttlMs && !e.refreshing) {
        e.refreshing = true;
        load().then(
          (value) => {
            if (this.entry === e) this.entry = { key, at: now.getTime(), value: Promise.resolve(value), refreshing: false };
          },
          () => {
            e.refreshing = false;
          },
        );
      }
      return e.value;
    }
    const value = load();
    const entry = { key, at: now.getTime(), value, refreshing: false };
    this.entry = entry;
    // a failed first load is not kept: the next request tries again
    value.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return value;
  }
}
