// The web console over real HTTP: the real server on a free port, people signed in the way users
// are (「管理画面」 in chat, then the link), and a small cookie-keeping client for the pages.
import { startServer, type RunningServer } from "../../src/server.ts";
import { createTestApp, textTurn, type TestApp } from "./app.ts";
import type { DbKind } from "./db.ts";

export interface WebHarness {
  app: TestApp;
  server: RunningServer;
  base: string;
  close(): Promise<void>;
}

export async function startWebHarness(env: Record<string, string> = {}, dbKind: DbKind = "pglite"): Promise<WebHarness> {
  const app = await createTestApp(env, { dbKind });
  const server = await startServer(app, { port: 0 });
  return {
    app,
    server,
    base: `http://127.0.0.1:${server.port}`,
    close: async () => {
      await server.close();
      await app.close();
    },
  };
}

export interface Who {
  org?: string;
  user?: string;
}

/** Asks the bot for the console in chat and returns the link it sent, pointed at this server. */
export async function signInLink(h: WebHarness, who: Who): Promise<{ url: string; path: string; reply: { text: string; private?: boolean } }> {
  const r = await h.app.pipeline.handle(textTurn("管理画面", { org: who.org, user: who.user }));
  if (!r || r.intent !== "web_console") throw new Error(`「管理画面」 went to ${r?.intent}`);
  const m = /https?:\/\/[^/\s]+(\/web\/signin\/[A-Za-z0-9_-]+)/.exec(r.reply.text);
  if (!m) throw new Error(`no link in: ${r.reply.text}`);
  return { url: h.base + m[1], path: m[1], reply: r.reply };
}

export interface Page {
  status: number;
  html: string;
  headers: Headers;
}

/** A browser-like client: keeps cookies, reads each page's CSRF token for the next form. */
export class WebClient {
  private jar = new Map<string, string>();
  constructor(readonly base: string) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (!value || /max-age=0/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  private header(): Record<string, string> {
    return this.jar.size ? { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {};
  }

  async get(path: string): Promise<Page> {
    const res = await fetch(this.base + path, { headers: this.header(), redirect: "manual" });
    this.keep(res);
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  /** Follows one 303 like a browser does after a form. */
  async post(path: string, fields: Record<string, string | string[]>, opts: { csrf?: string | null; follow?: boolean } = {}): Promise<Page & { location?: string }> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    if (opts.csrf !== null) body.set("_csrf", opts.csrf ?? (await this.csrf()));
    const res = await fetch(this.base + path, { method: "POST", body, headers: this.header(), redirect: "manual" });
    this.keep(res);
    const location = res.headers.get("location") ?? undefined;
    if (location && opts.follow !== false && res.status === 303) return { ...(await this.get(location)), location };
    return { status: res.status, html: await res.text(), headers: res.headers, location };
  }

  async postMultipart(path: string, form: FormData, opts: { csrf?: string | null } = {}): Promise<Page> {
    if (opts.csrf !== null) form.set("_csrf", opts.csrf ?? (await this.csrf()));
    const res = await fetch(this.base + path, { method: "POST", body: form, headers: this.header(), redirect: "manual" });
    this.keep(res);
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  /** The session's CSRF token, as a signed-in page carries it. */
  async csrf(): Promise<string> {
    const p = await this.get("/web/o/" + (await this.orgId()) + "/files");
    const m = /name="_csrf" value="([^"]+)"/.exec(p.html);
    if (!m) throw new Error("no CSRF token on the page");
    return m[1];
  }

  private org?: string;
  async orgId(): Promise<string> {
    if (this.org) return this.org;
    const res = await fetch(this.base + "/web/", { headers: this.header(), redirect: "manual" });
    const m = /\/web\/o\/([0-9a-f-]{36})\//.exec(res.headers.get("location") ?? "");
    if (!m) throw new Error(`not signed in (GET /web/ answered ${res.status})`);
    this.org = m[1];
    return m[1];
  }
}

/** Signs someone in the way a person does: the link from chat, its page, its button. */
export async function signIn(h: WebHarness, who: Who): Promise<WebClient> {
  const link = await signInLink(h, who);
  const c = new WebClient(h.base);
  const page = await c.get(link.path);
  const nonce = /name="nonce" value="([^"]+)"/.exec(page.html)?.[1];
  if (!nonce) throw new Error(`sign-in page without a button (${page.status})`);
  const r = await c.post(link.path, { nonce }, { csrf: null, follow: false });
  if (r.status !== 303) throw new Error(`sign-in answered ${r.status}`);
  return c;
}

/** The visible text of a page, tags removed and entities of our escaping undone (for assertions). */
export function text(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}
