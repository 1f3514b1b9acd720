// Signing in and out. GET /web/signin/:token only shows a button: link previews (Slack unfurls,
// Teams previews, mail scanners) open links by themselves, and must not use up a one-time link.
// The button POSTs back with a nonce from a cookie set by that page (so another site cannot sign
// someone in as somebody else), and only then is the link exchanged for a session cookie.
import { randomBytes, timingSafeEqual } from "node:crypto";
import express, { type Request, type Response } from "express";
import { tr, type Lang } from "../../core/reply.ts";
import type { LinkState, WebAccess } from "../access.ts";
import { SESSION_TTL_MS } from "../access.ts";
import { cookies, field, forbidden, LANG_COOKIE, safeBack, SESSION_COOKIE, setCookie, SIGNIN_COOKIE } from "../http.ts";
import { Layout, locals, MessagePage, sendPage } from "../page.tsx";

export function signInRoutes(access: WebAccess, opts: { secure: boolean }): express.Router {
  const r = express.Router();

  r.get("/signin/:token", async (req, res) => {
    const { lang, now } = locals(res);
    const state = await access.checkLink(req.params.token, now);
    if (state !== "ok") return refused(req, res, state);
    const nonce = randomBytes(16).toString("base64url");
    setCookie(res, SIGNIN_COOKIE, nonce, { secure: opts.secure, maxAgeS: 600, path: "/web/signin" });
    sendPage(
      res,
      <Layout title={tr(lang, "Web管理画面にサインイン", "Sign in to the web console")} lang={lang} path={req.originalUrl}>
        <p>{tr(lang, "チャットで受け取ったリンクです。下のボタンでサインインします(このリンクは1回だけ使えます)。", "This is the link you received in chat. The button signs you in (the link works once).")}</p>
        <form method="post" action={`/web/signin/${req.params.token}`}>
          <input type="hidden" name="nonce" value={nonce} />
          <button type="submit" class="primary">
            {tr(lang, "サインイン", "Sign in")}
          </button>
        </form>
      </Layout>,
    );
  });

  r.post("/signin/:token", async (req, res) => {
    const { now } = locals(res);
    const nonce = cookies(req)[SIGNIN_COOKIE];
    const given = field(req.body, "nonce");
    if (!nonce || !given || nonce.length !== given.length || !timingSafeEqual(Buffer.from(nonce), Buffer.from(given))) return forbidden(req, res);
    const result = await access.redeem(req.params.token, now);
    if (!result.ok) return refused(req, res, result.reason);
    setCookie(res, SIGNIN_COOKIE, "", { secure: opts.secure, maxAgeS: 0, path: "/web/signin" });
    setCookie(res, SESSION_COOKIE, result.sessionToken, { secure: opts.secure, maxAgeS: SESSION_TTL_MS / 1000 });
    res.redirect(303, "/web/");
  });

  r.post("/signout", async (req, res) => {
    const { caller, now } = locals(res);
    if (caller) await access.endSession(caller.sessionId, now);
    setCookie(res, SESSION_COOKIE, "", { secure: opts.secure, maxAgeS: 0 });
    const lang = locals(res).lang;
    sendPage(
      res,
      MessagePage({
        title: tr(lang, "サインアウトしました", "Signed out"),
        lang,
        path: req.originalUrl,
        lines: [tr(lang, "もう一度開くには、チャットで「管理画面」と送ってください。", 'To come back, send "dashboard" (管理画面) in chat.')],
      }),
    );
  });

  // the language switch: a preference cookie, then back to the page it was clicked on
  r.get("/lang", (req, res) => {
    const to: Lang = req.query.to === "en" ? "en" : "ja";
    setCookie(res, LANG_COOKIE, to, { secure: opts.secure, maxAgeS: 365 * 86_400 });
    res.redirect(303, safeBack(req.query.back));
  });

  return r;
}

function refused(req: Request, res: Response, state: Exclude<LinkState, "ok">): void {
  const { lang } = locals(res);
  const why: Record<typeof state, string> = {
    used: tr(lang, "このリンクはすでに使われています(リンクは1回だけ使えます)。", "This link has already been used (a link works once)."),
    expired: tr(lang, "このリンクは有効期限(10分)が切れています。", "This link has expired (links work for 10 minutes)."),
    invalid: tr(lang, "このリンクは無効です。", "This link is not valid."),
  };
  sendPage(
    res,
    MessagePage({
      title: tr(lang, "このリンクではサインインできません", "This link cannot sign you in"),
      lang,
      path: req.originalUrl,
      lines: [why[state], tr(lang, "チャットでもう一度「管理画面」と送ると、新しいリンクが届きます。", 'Send "dashboard" (管理画面) in chat again for a new link.')],
    }),
    state === "invalid" ? 404 : 410,
  );
}
