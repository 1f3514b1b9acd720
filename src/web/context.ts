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
