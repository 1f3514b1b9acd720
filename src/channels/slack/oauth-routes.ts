// Slack's OAuth v2 install flow for a multi-workspace deployment, through @slack/oauth's
// InstallProvider: GET /slack/install shows a plain bilingual page with the "Add to Slack" link and
// sets the state cookie; GET /slack/oauth_redirect verifies the state (signed, 10 minutes, tied to
// the browser by the cookie), exchanges the code (oauth.v2.access, then auth.test) and stores the
// installation. The result pages say what happened, in Japanese and English.
import { InstallProvider, type CallbackOptions, type Installation, type InstallationStore } from "@slack/oauth";
import type { Application } from "express";
import type { Logger } from "../../core/logger.ts";

export interface SlackOAuthOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  scopes: string[];
  redirectUri?: string;
  apiUrl?: string;
  /** where the installation goes (the adapter wraps the database-backed store) */
  installationStore: InstallationStore;
  log: Logger;
}

const esc = (s: string | undefined | null) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.7;color:#1f2933}
h1{font-size:1.4rem}.en{color:#52606d}a.button{display:inline-block;padding:.6rem 1.2rem;background:#1f3a5f;color:#fff;border-radius:6px;text-decoration:none}</style>
</head><body>${body}</body></html>`;
}

export function installPage(url: string): string {
  return page(
    "Slackに追加 / Add to Slack",
    `<h1>JAMA チェックシート アシスタントをSlackに追加</h1>
<p>ボタンを押すとSlackの画面に移ります。追加するワークスペース(またはEnterprise Gridの組織)を選んで許可してください。会話は追加したワークスペースの会社のデータとして記録され、他の会社からは見えません。</p>
<p class="en">Add the JAMA check-sheet assistant to Slack: the button takes you to Slack, where you choose the workspace (or Enterprise Grid organisation) and allow the app. What your people record belongs to your company only.</p>
<p><a class="button" href="${esc(url)}">Slackに追加 / Add to Slack</a></p>`,
  );
}

export function successPage(i: Installation): string {
  const where = i.isEnterpriseInstall ? (i.enterprise?.name ?? i.enterprise?.id) : (i.team?.name ?? i.team?.id);
  return page(
    "追加しました / Installed",
    `<h1>追加しました</h1>
<p>「${esc(where)}」${i.isEnterpriseInstall ? "(組織全体)" : ""}にアシスタントを追加しました。Slackでアシスタントにダイレクトメッセージを送るか、チャンネルで @メンション、または /jama を使ってください。「ヘルプ」と送るとできることが分かります。</p>
<p class="en">The assistant is installed in “${esc(where)}”${i.isEnterpriseInstall ? " (the whole organisation)" : ""}. Send it a direct message in Slack, mention it in a channel, or use /jama; “help” lists what it can do.</p>`,
  );
}

export function failurePage(code: string | undefined): string {
  const cancelled = code === "slack_oauth_installer_authorization_error";
  return page(
    "追加できませんでした / Not installed",
    `<h1>追加できませんでした</h1>
<p>${cancelled ? "Slackでの許可が取り消されたか、" : ""}確認の情報が無効か期限切れでした(10分以内に、同じブラウザで続けてください)。何も保存していません。<a href="/slack/install">もう一度追加する</a></p>
<p class="en">${cancelled ? "The permission was not given in Slack, or " : ""}the check did not pass or has expired (finish within 10 minutes, in the same browser). Nothing was stored. <a href="/slack/install">Try again</a>.</p>`,
  );
}

/** Mounts GET /slack/install and GET /slack/oauth_redirect on the app. */
export function mountSlackOAuth(web: Application, opts: SlackOAuthOptions): InstallProvider {
  const log = opts.log.child({ component: "slack-oauth" });
  const installer = new InstallProvider({
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    stateSecret: opts.stateSecret,
    installationStore: opts.installationStore,
    installUrlOptions: { scopes: opts.scopes, redirectUri: opts.redirectUri },
    renderHtmlForInstallPath: installPage,
    clientOptions: { slackApiUrl: opts.apiUrl, timeout: 10_000, retryConfig: { retries: 1 } },
    logger: {
      debug: () => {},
      info: (...m: unknown[]) => log.info(m.map(String).join(" ")),
      warn: (...m: unknown[]) => log.warn(m.map(String).join(" ")),
      error: (...m: unknown[]) => log.error(m.map(String).join(" ")),
      setLevel: () => {},
      getLevel: () => "info" as never,
      setName: () => {},
    },
  });
  const callbacks: CallbackOptions = {
    success: (installation, _o, _req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.writeHead(200);
      res.end(successPage(installation));
    },
    failure: (error, _o, _req, res) => {
      log.warn("slack install failed", { code: error.code, error: error.message });
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.writeHead(400);
      res.end(failurePage(error.code));
    },
  };
  web.get("/slack/install", (req, res) => {
    res.setHeader("cache-control", "no-store");
    installer.handleInstallPath(req, res).catch((err) => {
      log.error("install page failed", { err });
      if (!res.headersSent) res.status(500).type("text/plain; charset=utf-8").send("エラーが発生しました。 / Something went wrong.\n");
    });
  });
  web.get("/slack/oauth_redirect", (req, res) => {
    res.setHeader("cache-control", "no-store");
    installer.handleCallback(req, res, callbacks).catch((err) => {
      log.error("oauth redirect failed", { err });
      if (!res.headersSent) res.status(500).type("text/html; charset=utf-8").send(failurePage(undefined));
    });
  });
  return installer;
}
