// Small HTTP pieces the console's routes share: cookies, security headers, the refusal pages, and
// reading form fields. Nothing here knows about answers or sessions of the booking kind.
import type { NextFunction, Request, Response } from "express";
import { parseCookie, stringifySetCookie } from "cookie";
import { tr, type Lang } from "../core/reply.ts";
import { locals, MessagePage, sendPage } from "./page.tsx";

export const SESSION_COOKIE = "jama_session";
export const LANG_COOKIE = "jama_lang";
export const SIGNIN_COOKIE = "jama_signin";

/**
 * The headers of every console response: a strict Content-Security-Policy (our own styles only,
 * no script at all, forms only to us, never framed), no referrer (a sign-in link must not leak
 * through it), no caching of company data, no MIME sniffing.
 */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader(
    "content-security-policy",
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  );
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("cross-origin-opener-policy", "same-origin");
  res.setHeader("cross-origin-resource-policy", "same-origin");
  res.setHeader("cache-control", "private, no-store");
  next();
}

export function cookies(req: Request): Record<string, string | undefined> {
  return parseCookie(req.headers.cookie ?? "");
}

export function setCookie(res: Response, name: string, value: string, opts: { secure: boolean; maxAgeS?: number; path?: string; httpOnly?: boolean }): void {
  res.append(
    "set-cookie",
    stringifySetCookie({
      name,
      value,
      httpOnly: opts.httpOnly ?? true,
      sameSite: "lax",
      secure: opts.secure,
      path: opts.path ?? "/web",
      ...(opts.maxAgeS !== undefined ? { maxAge: opts.maxAgeS } : {}),
    }),
  );
}

/** A form field as a trimmed string ("" when absent or not a string). */
export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === "string" ? v.trim() : "";
}

/** Every value of a field that may repeat (checkboxes). */
export function fields(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return typeof v === "string" ? [v] : [];
}

/** A local path to go back to: only our own pages, never another host. */
export function safeBack(v: unknown): string {
  return typeof v === "string" && /^\/web(\/[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$/.test(v) && !v.includes("//") ? v : "/web/";
}

export function forbidden(req: Request, res: Response): void {
  const { lang, caller, csrf } = locals(res);
  sendPage(
    res,
    MessagePage({
      title: tr(lang, "このページは表示できません", "You cannot open this page"),
      lang,
      path: req.originalUrl,
      caller,
      csrf,
      lines: [tr(lang, "このページを見る権限がありません(403)。", "You do not have permission to see this page (403).")],
      link: { href: "/web/", label: tr(lang, "自分の会社のページへ", "To your company's pages") },
    }),
    403,
  );
}

export function notFound(req: Request, res: Response): void {
  const { lang, caller, csrf } = locals(res);
  sendPage(
    res,
    MessagePage({
      title: tr(lang, "ページが見つかりません", "Page not found"),
      lang,
      path: req.originalUrl,
      caller,
      csrf,
      lines: [tr(lang, "このアドレスのページはありません(404)。", "There is no page at this address (404).")],
      link: { href: "/web/", label: tr(lang, "トップへ", "To the start page") },
    }),
    404,
  );
}

export function signedOut(req: Request, res: Response, lang: Lang): void {
  sendPage(
    res,
    MessagePage({
      title: tr(lang, "サインインしてください", "Please sign in"),
      lang,
      path: req.originalUrl,
      lines: [
        tr(lang, "Web管理画面には、チャットから届くリンクでサインインします。", "You sign in to the web console with a link from the chat."),
        tr(
          lang,
          "Slack・Teams・ターミナルのチャットで「管理画面」と送ると、あなた専用のリンク(10分間・1回限り)が届きます。",
          'Send "dashboard" (管理画面) to the bot in Slack, Teams or the terminal chat; it replies with a link for you alone (10 minutes, once).',
        ),
      ],
    }),
    401,
  );
}
