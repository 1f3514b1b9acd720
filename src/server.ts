// The HTTP server for Slack and Teams: GET /healthz, POST /slack/events (Bolt verifies the
// signature on the raw body, so no JSON body parser may run before it), POST /api/messages
// (Bot Framework), GET /files/:token (signed download links), /web/… (the web console, src/web).
// Socket Mode needs no route.
import express from "express";
import type { Server } from "node:http";
import type { App } from "./app.ts";
import { createSlackChannel, type SlackChannel } from "./channels/slack/slack-channel.ts";
import type { TeamsChannel } from "./channels/teams/teams-channel.ts";
import { createWebConsole } from "./web/console.ts";
import { PrismaSlackInstallations } from "./installations/slack-installations.ts";
import { TokenCipher } from "./installations/token-cipher.ts";
import { PrismaTeamsInstalls } from "./installations/teams-installs.ts";

export interface RunningServer {
  server: Server;
  port: number;
  slack?: SlackChannel;
  /** the stored Slack installations (OAuth distribution only) */
  slackInstallations?: PrismaSlackInstallations;
  teams?: TeamsChannel;
  close(): Promise<void>;
}

export interface ServerOptions {
  port?: number;
  /** How often the inbox looks for deliveries left unfinished (default 10 s; at start-up at once). */
  inboxIntervalMs?: number;
  /** Pacing and retries of sends (tests shorten them). */
  delivery?: { deadlineMs?: number; backoffMs?: (attempt: number) => number; minIntervalMs?: number; timeoutMs?: number };
}

export async function startServer(app: App, opts: ServerOptions = {}): Promise<RunningServer> {
  const { config, log } = app;
  const web = express();
  web.disable("x-powered-by");
  // Healthy means able to answer: the database responds (a load balancer takes an instance that
  // lost its database out of rotation). Slack or Teams being unreachable is reported as degraded
  // but keeps the instance in rotation: what arrives is still taken in and answered once they return.
  let slack: SlackChannel | undefined;
  let teams: TeamsChannel | undefined;
  web.get("/healthz", async (_req, res) => {
    const db = await Promise.race([
      app.services.db.$queryRaw`SELECT 1`.then(() => "ok" as const),
      new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 2000).unref()),
    ]).catch(() => "unreachable" as const);
    const parts = {
      db,
      slack: slack ? slack.health() : config.slack ? "starting" : "off",
      teams: teams ? teams.health() : config.teams ? "starting" : "off",
    };
    const degraded = Object.entries(parts).filter(([, v]) => v !== "ok" && v !== "off").map(([k]) => k);
    res.status(db === "ok" ? 200 : 503).json({ ok: db === "ok", degraded, ...parts });
  });
  // Short-lived signed download links for files the bot made (exports for Teams): the token is
  // checked (HMAC with LINK_SECRET, expiry ~15 min) and the bytes come from the database, so any
  // instance can serve a link another one handed out.
  web.get("/files/:token", async (req, res) => {
    // the request's time, stamped once here as an adapter stamps a turn
    const r = await app.services.fileLinks.open(req.params.token, new Date()).catch((err) => {
      log.error("file link failed", { err });
      return { ok: false as const, reason: "invalid" as const };
    });
    res.setHeader("cache-control", "private, no-store");
    res.setHeader("x-content-type-options", "nosniff");
    if (!r.ok) {
      res
        .status(r.reason === "expired" ? 410 : 404)
        .type("text/plain; charset=utf-8")
        .send(
          r.reason === "expired"
            ? "このリンクは有効期限が切れました。ボットでもう一度エクスポートしてください。\nThis link has expired; please export again from the bot.\n"
            : "ファイルが見つかりません。\nFile not found.\n",
        );
      return;
    }
    const ascii = r.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
    res.setHeader("content-type", r.mime);
    res.setHeader("content-disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(r.name)}`);
    res.send(r.data);
  });

  // the web console (src/web): pages for company admins and the secretariat, signed in from chat
  web.use("/web", createWebConsole(app.services, log));

  let slackInstallations: PrismaSlackInstallations | undefined;
  if (config.slack) {
    const oauth = config.slack.oauth;
    if (oauth) {
      // config.ts refuses a missing key in production; elsewhere one is derived, and said so
      if (!oauth.tokenKey) log.warn("SLACK_TOKEN_KEY is not set: Slack tokens are encrypted with a key derived from SLACK_CLIENT_SECRET (development only)");
      const cipher = oauth.tokenKey ? new TokenCipher(oauth.tokenKey) : TokenCipher.derivedFrom(oauth.clientSecret);
      slackInstallations = new PrismaSlackInstallations(app.services.db, cipher, log.child({ component: "slack-installations" }));
    }
    slack = createSlackChannel({
      ...config.slack,
      oauth: oauth && slackInstallations ? { ...oauth, installations: slackInstallations } : undefined,
      // Socket Mode and HTTP are exclusive: with an app token, events come over the socket.
      signingSecret: config.slack.appToken ? undefined : config.slack.signingSecret,
      inbox: app.inbox,
      undelivered: async (turn, reply, userId) => {
        if (userId) await app.booking.keepForLater(turn.platform, userId, reply);
      },
      delivery: opts.delivery,
      log,
      expressApp: web,
    });
    // connects in the background: the server serves (and /healthz reports) while Slack is down
    await slack.start();
    // proactive messages from the outbox (reminders, waitlist promotion) go out through Slack
    app.booking.senders.slack = (ref, reply, id) => slack!.sendTo(ref, reply, id);
  }
  if (config.teams) {
    const { mountTeams } = await import("./channels/teams/teams-channel.ts");
    const installs = new PrismaTeamsInstalls(app.services.db, log.child({ component: "teams-installs" }));
    teams = mountTeams(web, { ...config.teams, production: config.production, inbox: app.inbox, delivery: opts.delivery, log, installs });
    app.booking.senders.teams = (ref, reply, id) => teams!.sendTo(ref, reply, id);
  }

  // deliveries stored but not finished (this process or another died after acknowledging them,
  // a transient database error) are taken again now and from time to time, by whichever instance
  if (slack || teams) app.inbox.start(opts.inboxIntervalMs ?? 10_000);

  const server = await new Promise<Server>((resolve) => {
    const s = web.listen(opts.port ?? config.port, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (opts.port ?? config.port);
  log.info("listening", {
    port,
    slack: config.slack ? (config.slack.appToken ? "socket mode" : config.slack.oauth ? "http /slack/events, installs at /slack/install" : "http /slack/events") : "off",
    teams: config.teams ? (config.teams.authenticated ? "/api/messages" : "/api/messages (no authentication)") : "off",
  });
  return {
    server,
    port,
    slack,
    slackInstallations,
    teams,
    close: async () => {
      delete app.booking.senders.slack;
      delete app.booking.senders.teams;
      await app.inbox.stop();
      await slack?.stop();
      await teams?.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
