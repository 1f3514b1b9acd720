// The web console (issue 15): a second front door to the same state, for looking at 153 items at
// once and for the secretariat's sessions. Mounted by server.ts at /web. Chat is the way in
// (intents/web-console.ts hands out a one-time link); every page is rendered on the server with
// Preact (escaped by default), sent with a strict Content-Security-Policy, and works without
// script. Like a chat adapter, the console stamps each request's time once and passes it down.
import express from "express";
import type { Services } from "../core/services.ts";
import type { Logger } from "../core/logger.ts";
import { webAccessFor } from "./access.ts";
import type { WebDeps } from "./context.ts";
import { cookies, field, forbidden, LANG_COOKIE, notFound, securityHeaders, SESSION_COOKIE, signedOut } from "./http.ts";
import { locals, MessagePage, sendPage, type WebLocals } from "./page.tsx";
import { tr } from "../core/reply.ts";
import { signInRoutes } from "./routes/sign-in.tsx";
import { companyRoutes } from "./company/routes.tsx";
import { secretariatRoutes } from "./secretariat/routes.tsx";
import { projectPath } from "../project-root.ts";

const STATIC_DIR = projectPath("src/web/static/");
/** The only multipart form: its CSRF token is read after the upload is parsed. */
const MULTIPART_PATH = /^\/o\/[0-9a-f-]{36}\/import$/;

export function createWebConsole(services: Services, log: Logger): express.Router {
  const config = services.config;
  const access = webAccessFor(services.db, config);
  const deps: WebDeps = { services, access, log: log.child({ component: "web" }) };
  const secure = Boolean(config.publicBaseUrl?.startsWith("https://"));
  const r = express.Router();

  r.use(securityHeaders);
  r.use((req, res, next) => {
    const l: WebLocals = { now: new Date(), lang: cookies(req)[LANG_COOKIE] === "en" ? "en" : "ja" };
    Object.assign(res.locals, l);
    next();
  });
  r.use("/static", express.static(STATIC_DIR, { index: false, maxAge: "1h", fallthrough: true }));
  r.use(express.urlencoded({ extended: false, limit: "200kb", parameterLimit: 100 }));

  // who is asking: the session cookie, checked on every request (roles read afresh from the user)
  r.use(async (req, res, next) => {
    const l = locals(res);
    const caller = await access.caller(cookies(req)[SESSION_COOKIE], l.now);
    if (caller) {
      l.caller = caller;
      l.csrf = access.csrfToken(caller.sessionId);
      // no choice made on the web yet: the language the person chose in chat
      if (!cookies(req)[LANG_COOKIE] && caller.lang) l.lang = caller.lang;
    }
    next();
  });

  // every POST of a signed-in page carries the session's CSRF token; nothing else is accepted
  r.use((req, res, next) => {
    if (req.method !== "POST" || req.path.startsWith("/signin/")) return next();
    const { caller, lang } = locals(res);
    if (!caller) return signedOut(req, res, lang);
    if (req.is("multipart/form-data")) return MULTIPART_PATH.test(req.path) ? next() : forbidden(req, res);
    if (!access.checkCsrf(caller.sessionId, field(req.body, "_csrf"))) return csrfRefused(req, res);
    next();
  });

  r.use(signInRoutes(access, { secure }));

  r.use((req, res, next) => {
    const { caller, lang } = locals(res);
    if (!caller) return signedOut(req, res, lang);
    next();
  });
  r.get("/", (_req, res) => res.redirect(303, `/web/o/${locals(res).caller!.orgId}/`));
  r.use("/o/:orgId", companyRoutes(deps));
  r.use("/admin", secretariatRoutes(deps));
  r.use(notFound);
  r.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    deps.log.error("web console request failed", { err, path: req.path });
    if (res.headersSent) return;
    const { lang } = locals(res);
    sendPage(
      res,
      MessagePage({
        title: tr(lang, "エラーが発生しました", "Something went wrong"),
        lang,
        path: "/web/",
        lines: [tr(lang, "ページを表示できませんでした。少し待ってからもう一度お試しください。何も変更していない場合があります。", "The page could not be shown. Please try again in a moment.")],
      }),
      500,
    );
  });
  return r;
}

function csrfRefused(req: express.Request, res: express.Response): void {
  const { lang, caller, csrf } = locals(res);
  sendPage(
    res,
    MessagePage({
      title: tr(lang, "この送信は受け付けられません", "This form cannot be accepted"),
      lang,
      path: req.originalUrl,
      caller,
      csrf,
      lines: [
        tr(lang, "フォームの確認用の値が合いませんでした(403)。何も変更していません。", "The form's check value did not match (403). Nothing was changed."),
        tr(lang, "ページを開き直してから、もう一度送信してください。", "Please reopen the page and send the form again."),
      ],
    }),
    403,
  );
}
