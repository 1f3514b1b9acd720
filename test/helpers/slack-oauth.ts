// Slack's side of OAuth distribution, locally: oauth.v2.access (code exchange and token refresh),
// auth.test and auth.revoke with the payload shapes of Slack's documentation, workspaces and Grid
// orgs that "exist" at Slack, and a browser walking through /slack/install → Slack → /slack/oauth_redirect.
import type { FakeSlack } from "./slack.ts";

export const CLIENT_ID = "1111111111.2222222222";
export const CLIENT_SECRET = "test-client-secret-abcdef";
export const APP_ID = "A0JAMA0001";

export interface Workspace {
  /** T… of a workspace; for an org-wide Grid install, leave out and set enterprise + orgWide */
  team?: { id: string; name: string };
  enterprise?: { id: string; name: string };
  orgWide?: boolean;
  /** the person who installs */
  installer?: string;
  /** token rotation: the first token lives this many seconds */
  expiresIn?: number;
}

export interface SlackOAuthStandIn {
  /** A code Slack would hand the browser after the person allowed the app in this workspace. */
  grant(ws: Workspace): string;
  /** bot tokens issued so far, newest last, per installation (T… or E…) */
  tokensOf(id: string): string[];
  refreshTokensOf(id: string): string[];
  /** tokens Slack no longer accepts (revoked, or replaced by a refresh) */
  revoked: Set<string>;
}

let seq = 0;

export function slackOAuthStandIn(slack: FakeSlack): SlackOAuthStandIn {
  const codes = new Map<string, Workspace>();
  const byToken = new Map<string, { ws: Workspace; botUserId: string }>();
  const byRefresh = new Map<string, Workspace>();
  const tokens = new Map<string, string[]>();
  const refreshTokens = new Map<string, string[]>();
  const revoked = new Set<string>();
  const idOf = (ws: Workspace) => (ws.orgWide ? ws.enterprise!.id : ws.team!.id);
  const issue = (ws: Workspace, rotating: boolean) => {
    const n = ++seq;
    const token = rotating ? `xoxe.xoxb-1-${idOf(ws)}-${n}` : `xoxb-${idOf(ws)}-${n}`;
    byToken.set(token, { ws, botUserId: `U0BOT${idOf(ws)}` });
    tokens.set(idOf(ws), [...(tokens.get(idOf(ws)) ?? []), token]);
    const refresh = rotating ? `xoxe-1-${idOf(ws)}-r${n}` : undefined;
    if (refresh) {
      byRefresh.set(refresh, ws);
      refreshTokens.set(idOf(ws), [...(refreshTokens.get(idOf(ws)) ?? []), refresh]);
    }
    return { token, refresh };
  };
  const clientOk = (args: Record<string, unknown>, authorization?: string) => {
    if (args.client_id === CLIENT_ID && args.client_secret === CLIENT_SECRET) return true;
    const basic = authorization?.startsWith("Basic ") ? Buffer.from(authorization.slice(6), "base64").toString() : "";
    return basic === `${CLIENT_ID}:${CLIENT_SECRET}`;
  };

  slack.handlers.set("oauth.v2.access", (args, _token, req) => {
    if (!clientOk(args, req.authorization)) return { ok: false, error: "invalid_client_id" };
    if (args.grant_type === "refresh_token") {
      const ws = byRefresh.get(String(args.refresh_token));
      if (!ws || revoked.has(String(args.refresh_token))) return { ok: false, error: "invalid_refresh_token" };
      // a refresh token is used once; the old access token stops working
      revoked.add(String(args.refresh_token));
      for (const t of tokens.get(idOf(ws)) ?? []) revoked.add(t);
      const { token, refresh } = issue(ws, true);
      return {
        ok: true,
        app_id: APP_ID,
        scope: "app_mentions:read,chat:write,commands,files:read,files:write,im:history,im:write,users:read",
        token_type: "bot",
        access_token: token,
        bot_user_id: `U0BOT${idOf(ws)}`,
        refresh_token: refresh,
        expires_in: 43200,
        team: ws.orgWide ? null : ws.team,
        enterprise: ws.enterprise ?? null,
        is_enterprise_install: Boolean(ws.orgWide),
      };
    }
    const ws = codes.get(String(args.code));
    if (!ws) return { ok: false, error: "invalid_code" };
    codes.delete(String(args.code)); // a code works once
    const { token, refresh } = issue(ws, ws.expiresIn !== undefined);
    return {
      ok: true,
      access_token: token,
      token_type: "bot",
      scope: "app_mentions:read,chat:write,commands,files:read,files:write,im:history,im:write,users:read",
      bot_user_id: `U0BOT${idOf(ws)}`,
      app_id: APP_ID,
      team: ws.orgWide ? null : ws.team,
      enterprise: ws.enterprise ?? null,
      authed_user: { id: ws.installer ?? "U0INSTALLER" },
      is_enterprise_install: Boolean(ws.orgWide),
      ...(refresh ? { refresh_token: refresh, expires_in: ws.expiresIn } : {}),
    };
  });

  slack.handlers.set("auth.test", (_args, token) => {
    const hit = token ? byToken.get(token) : undefined;
    if (!hit || revoked.has(token!)) return hit ? { ok: false, error: "token_revoked" } : undefined; // unknown: the built-in answer
    const { ws, botUserId } = hit;
    return {
      ok: true,
      url: ws.orgWide ? `https://${ws.enterprise!.name}.enterprise.slack.com/` : `https://${ws.team!.name}.slack.com/`,
      team: ws.orgWide ? ws.enterprise!.name : ws.team!.name,
      user: "jama-assistant",
      team_id: ws.orgWide ? ws.enterprise!.id : ws.team!.id,
      user_id: botUserId,
      bot_id: `B0${idOf(ws)}`,
      ...(ws.enterprise ? { enterprise_id: ws.enterprise.id } : {}),
      is_enterprise_install: Boolean(ws.orgWide),
    };
  });

  slack.handlers.set("auth.revoke", (_args, token) => {
    if (!token || !byToken.has(token)) return { ok: false, error: "invalid_auth" };
    revoked.add(token);
    return { ok: true, revoked: true };
  });

  // every other method refuses a revoked or replaced token, as Slack does
  for (const m of ["chat.postMessage", "chat.postEphemeral", "users.info", "conversations.open"]) {
    slack.handlers.set(m, (_args, token) => (token && revoked.has(token) ? { ok: false, error: "token_revoked" } : undefined));
  }

  return {
    grant(ws) {
      const code = `code-${++seq}-${Math.random().toString(36).slice(2)}`;
      codes.set(code, ws);
      return code;
    },
    tokensOf: (id) => tokens.get(id) ?? [],
    refreshTokensOf: (id) => refreshTokens.get(id) ?? [],
    revoked,
  };
}

/**
 * A browser installing the app: opens /slack/install, follows the "Add to Slack" link to Slack
 * (here: reads its state), and comes back to /slack/oauth_redirect with the code and its cookie.
 */
export async function installThroughBrowser(base: string, code: string, o: { cookie?: string | null; state?: string } = {}) {
  const page = await fetch(`${base}/slack/install`);
  const html = await page.text();
  const setCookie = page.headers.get("set-cookie") ?? "";
  const href = /href="([^"]+oauth\/v2\/authorize[^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
  if (!href) throw new Error(`no Add to Slack link on the install page: ${html.slice(0, 200)}`);
  const authorizeUrl = new URL(href);
  const state = o.state ?? authorizeUrl.searchParams.get("state")!;
  const cookie = o.cookie === undefined ? setCookie.split(";")[0] : o.cookie;
  const res = await fetch(`${base}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, {
    headers: cookie ? { cookie } : {},
  });
  return { installPage: page, installHtml: html, authorizeUrl, setCookie, result: res, resultHtml: await res.text() };
}

let evSeq = 0;
/** app_uninstalled as the Events API posts it (team_id names the workspace; Bolt skips authorize). */
export function appUninstalledEvent(o: { team: string; enterprise?: string; orgWide?: boolean }) {
  return {
    token: "legacy-verification-token",
    team_id: o.team,
    ...(o.enterprise ? { enterprise_id: o.enterprise } : {}),
    api_app_id: APP_ID,
    event: { type: "app_uninstalled", event_ts: `${1_700_000_000 + ++evSeq}.000100` },
    type: "event_callback",
    event_id: `EvUNINST${++evSeq}`,
    event_time: 1_700_000_000 + evSeq,
    ...(o.orgWide ? { is_enterprise_install: true } : {}),
  };
}

/** tokens_revoked: the ids of the users (and bot users) whose tokens were revoked. */
export function tokensRevokedEvent(o: { team: string; bot?: string[]; oauth?: string[] }) {
  return {
    token: "legacy-verification-token",
    team_id: o.team,
    api_app_id: APP_ID,
    event: { type: "tokens_revoked", tokens: { ...(o.oauth ? { oauth: o.oauth } : {}), ...(o.bot ? { bot: o.bot } : {}) } },
    type: "event_callback",
    event_id: `EvREVOKE${++evSeq}`,
    event_time: 1_700_000_000 + evSeq,
  };
}
