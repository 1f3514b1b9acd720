// The frame of every console page (language, navigation, sign-out) and how a page is sent:
// rendered by Preact on the server, so every value is escaped unless a component says otherwise
// (none does). No script is sent; links and forms do everything.
import type { ComponentChildren, VNode } from "preact";
import { render } from "preact-render-to-string";
import type { Response } from "express";
import { tr, type Lang } from "../core/reply.ts";
import type { WebCaller } from "./access.ts";

/** What every request carries from the console's middleware to the page. */
export interface WebLocals {
  /** the request's one clock, stamped when it arrived (like a chat adapter stamps a turn) */
  now: Date;
  lang: Lang;
  caller?: WebCaller;
  /** the session's CSRF token, for forms */
  csrf?: string;
}

export function locals(res: Response): WebLocals {
  return res.locals as WebLocals;
}

export interface Flash {
  kind: "ok" | "error";
  text: string;
}

export function sendPage(res: Response, page: VNode, status = 200): void {
  res.status(status).type("text/html; charset=utf-8").send("<!doctype html>" + render(page));
}

export interface LayoutProps {
  title: string;
  lang: Lang;
  /** the path of this page, for the language switch and the current navigation entry */
  path: string;
  caller?: WebCaller;
  csrf?: string;
  flash?: Flash[];
  children?: ComponentChildren;
}

interface NavEntry {
  href: string;
  label: string;
}

function navFor(caller: WebCaller, lang: Lang): { company: NavEntry[]; secretariat: NavEntry[] } {
  const o = `/web/o/${caller.orgId}`;
  const company = [
    { href: `${o}/`, label: tr(lang, "現状", "Where we stand") },
    { href: `${o}/sheet`, label: tr(lang, "チェックシート", "Check sheet") },
    { href: `${o}/history`, label: tr(lang, "変更履歴", "History") },
    { href: `${o}/files`, label: tr(lang, "出力・取り込み", "Export / import") },
    { href: `${o}/suppliers`, label: tr(lang, "取引先", "Suppliers") },
    // the supplier roll-out view (issue 13) goes here once src/rollout exists
  ];
  const secretariat = caller.roles.has("secretariat")
    ? [
        { href: "/web/admin/sessions", label: tr(lang, "相談会", "Sessions") },
        { href: "/web/admin/progress", label: tr(lang, "全体の進捗", "Overall progress") },
        { href: "/web/admin/questions", label: tr(lang, "答えられなかった質問", "Unanswered questions") },
      ]
    : [];
  return { company, secretariat };
}

function current(path: string, href: string): boolean {
  return href.endsWith("/") ? path === href || path === href.slice(0, -1) : path === href || path.startsWith(href + "/");
}

export function Layout(p: LayoutProps) {
  const { lang } = p;
  const other: Lang = lang === "ja" ? "en" : "ja";
  const nav = p.caller ? navFor(p.caller, lang) : undefined;
  const back = encodeURIComponent(p.path);
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${p.title} — ${tr(lang, "JAMA チェックシート", "JAMA check sheet")}`}</title>
        <link rel="stylesheet" href="/web/static/console.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          {tr(lang, "本文へ移動", "Skip to content")}
        </a>
        <header class="top">
          <div class="brand">{tr(lang, "JAMA チェックシート", "JAMA check sheet")}</div>
          <div class="who">
            {p.caller ? (
              <span>
                {p.caller.displayName ?? tr(lang, "(名前なし)", "(no name)")}
                {p.caller.orgName ? ` · ${p.caller.orgName}` : ""}
                {p.caller.roles.has("admin") ? tr(lang, " · 管理者", " · admin") : ""}
                {p.caller.roles.has("secretariat") ? tr(lang, " · 事務局", " · secretariat") : ""}
              </span>
            ) : null}
            <a href={`/web/lang?to=${other}&back=${back}`} lang={other} hreflang={other}>
              {other === "en" ? "English" : "日本語"}
            </a>
            {p.caller && p.csrf ? (
              <form method="post" action="/web/signout" class="inline">
                <input type="hidden" name="_csrf" value={p.csrf} />
                <button type="submit" class="link">
                  {tr(lang, "サインアウト", "Sign out")}
                </button>
              </form>
            ) : null}
          </div>
        </header>
        {nav ? (
          <nav class="nav" aria-label={tr(lang, "メニュー", "Menu")}>
            <ul>
              {nav.company.map((e) => (
                <li>
                  <a href={e.href} aria-current={current(p.path, e.href) ? "page" : undefined}>
                    {e.label}
                  </a>
                </li>
              ))}
            </ul>
            {nav.secretariat.length ? (
              <ul aria-label={tr(lang, "事務局", "Secretariat")} class="secretariat">
                {nav.secretariat.map((e) => (
                  <li>
                    <a href={e.href} aria-current={current(p.path, e.href) ? "page" : undefined}>
                      {e.label}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </nav>
        ) : null}
        <main id="main" tabindex={-1}>
          <h1>{p.title}</h1>
          {(p.flash ?? []).map((f) => (
            <p class={`flash ${f.kind}`} role={f.kind === "error" ? "alert" : "status"}>
              {f.text}
            </p>
          ))}
          {p.children}
        </main>
        <footer class="foot">
          <p>
            {tr(
              lang,
              "このチャットボットと同じデータです。チャットで記録した回答はここにも、ここで記録した回答はチャットにもすぐ反映されます。",
              "Same data as the chat bot: answers recorded in chat show here, and answers recorded here show in chat, at once.",
            )}
          </p>
        </footer>
      </body>
    </html>
  );
}

/** A hidden CSRF field for a form. */
export function Csrf({ token }: { token?: string }) {
  return <input type="hidden" name="_csrf" value={token ?? ""} />;
}

/** A plain page with one message (errors, refused links). */
export function MessagePage(p: { title: string; lang: Lang; path: string; caller?: WebCaller; csrf?: string; lines: string[]; link?: NavEntry }) {
  return (
    <Layout title={p.title} lang={p.lang} path={p.path} caller={p.caller} csrf={p.csrf}>
      {p.lines.map((l) => (
        <p>{l}</p>
      ))}
      {p.link ? (
        <p>
          <a href={p.link.href}>{p.link.label}</a>
        </p>
      ) : null}
    </Layout>
  );
}
