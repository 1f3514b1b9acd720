// Slack front door (@slack/bolt): Events API over HTTP at POST /slack/events, or Socket Mode when
// an app-level token is set. Verifies (Bolt checks the signature and its age), acknowledges at
// once, turns the event into a Turn, and renders the Reply. No business logic here.
import { App, ExpressReceiver, LogLevel, webApi } from "@slack/bolt";
import { storeBeforeAckReceiver } from "./socket-receiver.ts";
import express, { type Application } from "express";
import type { Logger } from "../../core/logger.ts";
import type { Reply } from "../../core/reply.ts";
import type { ActionRef, IncomingFile, Turn } from "../../core/turn.ts";
import { conversationKey } from "../../core/turn.ts";
import { decodeAction, renderBlocks, ACTION_PREFIX } from "./render-blocks.ts";
import { slackTextToPlain } from "./slack-text.ts";
import { MAX_SLACK_BODY_BYTES, slackRequestGuard } from "./request-guard.ts";
import { SlackConnection, type SlackState } from "./connection.ts";
import { classifySlackError, sendingClientOptions, slackSteps, SLACK_MIN_INTERVAL_MS, type Destination } from "./slack-delivery.ts";
import { ConversationQueue, type DeliveryOutcome } from "../../delivery/conversation-queue.ts";
import { randomUUID } from "node:crypto";
import { mountSlackOAuth } from "./oauth-routes.ts";
import { InboxUnavailableError, type InboxEntry, type TurnInbox } from "../../inbox/types.ts";
import { journaled } from "../../inbox/journal.ts";
import type { SlackInstallations, SlackInstallQuery } from "../../installations/slack-installations.ts";

type BoltApp = InstanceType<typeof App>;
type WebClient = BoltApp["client"];

export interface SlackChannelOptions {
  /** One workspace, one token. Absent with OAuth distribution (`oauth`). */
  botToken?: string;
  /** OAuth distribution: any workspace installs through /slack/install; tokens from the installations. */
  oauth?: {
    clientId: string;
    clientSecret: string;
    stateSecret: string;
    scopes: string[];
    redirectUri?: string;
    installations: SlackInstallations;
  };
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  command: string;
  allowedTeams: string[];
  /** Where every delivery is stored before it is acknowledged, and worked out from (src/inbox). */
  inbox: TurnInbox;
  /** A reply that could not be delivered in time (e.g. a booking's confirmation): kept for later. */
  undelivered?: (turn: Turn, reply: Reply, userId: string | undefined) => Promise<void>;
  /** Pacing and retry of sends (tests shorten them). */
  delivery?: { deadlineMs?: number; backoffMs?: (attempt: number) => number; minIntervalMs?: number; timeoutMs?: number };
  log: Logger;
  /** HTTP mode mounts /slack/events on this express app. */
  expressApp?: Application;
}

export interface SlackChannel {
  bolt: BoltApp;
  /** Posts to a user proactively (reminders); `ref` is what this channel stored with the turn. */
  sendTo(ref: unknown, reply: Reply, deliveryId?: string): Promise<void>;
  /** Resolves once every queued send is done (shutdown, tests). */
  idle(): Promise<void>;
  /** Starts connecting in the background (never throws: Slack may be down at start-up). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether Slack answered its last check (for /healthz). */
  health(): SlackState;
}

function boltLogger(log: Logger) {
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => log.debug("slack", { detail: m.map(String).join(" ") }),
    info: (...m: unknown[]) => log.info("slack", { detail: m.map(String).join(" ") }),
    warn: (...m: unknown[]) => log.warn("slack", { detail: m.map(String).join(" ") }),
    error: (...m: unknown[]) => log.error("slack", { detail: m.map(String).join(" ") }),
    setLevel: (l: typeof level) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

export function createSlackChannel(opts: SlackChannelOptions): SlackChannel {
  const log = opts.log.child({ channel: "slack" });
  const logger = boltLogger(log);
  const socketMode = Boolean(opts.appToken);
  if (!socketMode && !opts.signingSecret) throw new Error("SLACK_SIGNING_SECRET is required for HTTP mode");
  // The guard runs before Bolt reads the body: headers first (size, timestamp), then Bolt's own
  // signature check on a body it reads with the same bound.
  const router = express.Router();
  router.post("/slack/events", slackRequestGuard(log));
  const receiver = socketMode
    ? // acknowledged once the listener has stored the delivery, as below (socket-receiver.ts)
      storeBeforeAckReceiver(
        {
          appToken: opts.appToken!,
          logger,
          // the socket client makes its own Web API calls (apps.connections.open)
          ...(opts.apiUrl ? { installerOptions: { clientOptions: { slackApiUrl: opts.apiUrl } } } : {}),
        },
        log,
      )
    : new ExpressReceiver({
        signingSecret: opts.signingSecret!,
        endpoints: "/slack/events",
        // the 200 goes out once the listener has stored the delivery in the inbox (it does not wait
        // for the answer): a delivery that could not be stored gets a 500, and Slack sends it again
        processBeforeResponse: true,
        logger,
        app: opts.expressApp,
        router,
        bodyLimit: MAX_SLACK_BODY_BYTES,
      });
  // A reply that arrives half an hour late (the SDK's default: 10 retries over ~30 min) is worse
  // than none, and chat.postMessage has no idempotency key: a few quick retries only.
  const clientOptions = { slackApiUrl: opts.apiUrl, timeout: 10_000, retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true } };
  const oauth = opts.oauth;
  if (oauth && socketMode) throw new Error("OAuth distribution needs HTTP mode");
  if (!oauth && !opts.botToken) throw new Error("SLACK_BOT_TOKEN is required without OAuth distribution");
  // auth.test once, in the background, retried until Slack answers (connection.ts); Bolt's own
  // check in its constructor would kill the process when Slack is down at start-up. With OAuth
  // distribution there is no one token to check: each event's installation answers for itself.
  const checkClient = new webApi.WebClient(opts.botToken, { slackApiUrl: opts.apiUrl, timeout: 10_000, retryConfig: { retries: 0 }, logger });
  let app: BoltApp;
  const connection = new SlackConnection(checkClient, log, undefined, socketMode ? async () => void (await app.start()) : undefined);
  // oauth.v2.access with the refresh token (token rotation); called under the installation's lock
  const refresh = oauth
    ? async (refreshToken: string) => {
        const r = await app.client.oauth.v2.access({ client_id: oauth.clientId, client_secret: oauth.clientSecret, grant_type: "refresh_token", refresh_token: refreshToken });
        return r as unknown as { access_token: string; refresh_token: string; expires_in: number };
      }
    : undefined;
  /** The token of an installation; null when the workspace has none (never installed, or removed). */
  const tokenFor = async (q: SlackInstallQuery) => (oauth ? await oauth.installations.authorize(q, new Date(), refresh) : { botToken: opts.botToken! });
  app = new App({
    authorize: oauth
      ? // Every event is authorised from its workspace's stored installation. A workspace with none
        // is acknowledged by Bolt and dropped before any listener: nothing stored, nothing said.
        async (source: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }) => {
          const auth = await tokenFor(source);
          if (!auth) throw new NotInstalledError(source);
          return auth;
        }
      : async () => connection.authorize(opts.botToken!),
    receiver,
    logger,
    clientOptions,
  });
  // Every send goes through one paced, ordered queue with a client that does not retry on its own:
  // one client per token (with OAuth distribution, one per installation; a few kept).
  const sendClients = new Map<string, webApi.WebClient>();
  const sendClientFor = (token: string): webApi.WebClient => {
    let c = sendClients.get(token);
    if (!c) {
      c = new webApi.WebClient(token, { ...sendingClientOptions(opts.apiUrl, opts.delivery?.timeoutMs), logger });
      if (sendClients.size >= 200) sendClients.delete(sendClients.keys().next().value!);
      sendClients.set(token, c);
    }
    return c;
  };
  const queue = new ConversationQueue({
    log,
    minIntervalMs: opts.delivery?.minIntervalMs ?? SLACK_MIN_INTERVAL_MS,
    classify: classifySlackError,
    deadlineMs: opts.delivery?.deadlineMs,
    backoffMs: opts.delivery?.backoffMs,
  });
  const deliver = (client: webApi.WebClient, dest: Destination, reply: Reply, deliveryId: string): Promise<DeliveryOutcome> =>
    queue.deliver(dest.channel, slackSteps(client, dest, reply, deliveryId));

  if (oauth && opts.expressApp) {
    mountSlackOAuth(opts.expressApp, {
      ...oauth,
      apiUrl: opts.apiUrl,
      log,
      installationStore: {
        storeInstallation: (installation) => oauth.installations.store(installation as never, new Date()),
        fetchInstallation: () => Promise.reject(new Error("installations are read through authorize")),
      },
    });
    // Uninstalled, or the bot's tokens revoked: the tokens are cleared at once and nothing more
    // goes there. Bolt skips authorisation for these two events (the token is already gone).
    app.event("app_uninstalled", async ({ context }) => {
      await oauth.installations.uninstall(installQuery(context), new Date(), "app_uninstalled");
    });
    app.event("tokens_revoked", async ({ event, context }) => {
      const bots = (event as unknown as { tokens?: { bot?: string[] } }).tokens?.bot ?? [];
      if (bots.length) await oauth.installations.uninstall(installQuery(context), new Date(), "tokens_revoked");
    });
  }

  // Applied to the workspace the person belongs to (see slackOrg): a Slack Connect guest from an
  // unlisted workspace is refused even in a channel of a listed one.
  const allowed = (team: string | undefined) => !opts.allowedTeams.length || (team !== undefined && opts.allowedTeams.includes(team));

  // With OAuth distribution a company exists only where the app is installed: a Slack Connect guest
  // (their own workspace differs) is served only when their workspace installed it too. Otherwise
  // anyone could make a company, and be its first admin, by joining a shared channel.
  const guestAdmitted = async (org: { team?: string; external: boolean }) =>
    !oauth || !org.external || (org.team !== undefined && (await oauth.installations.has({ teamId: org.team })));

  const profiles = new UserProfiles(log);
  /**
   * slackOrg, asking Slack where the payload cannot tell. In a Grid org, a person whose own
   * workspace differs from the one the app acts in is either a colleague from another workspace of
   * the same org or a Slack Connect guest from another organisation; events and clicks name only
   * the person's workspace (`user_team`, `user.team_id`), never its org. users.info, with the
   * installation's token and cached per user, reads `enterprise_user.enterprise_id`. Without an
   * answer the person counts as external: served only as their own company, never pooled.
   */
  const personOrg = async (home: { team?: string; enterprise?: string }, userTeam: string | undefined, user: string, botToken: string | undefined, now: Date) => {
    const org = slackOrg(home, userTeam);
    if (!org?.external || !home.enterprise || !botToken) return org;
    const p = await profiles.get(sendClientFor(botToken), user, now);
    return slackOrg(home, userTeam, p?.enterpriseId === home.enterprise);
  };
  /** The token for a stored destination's workspace; null when the app is not installed there (any more). */
  const tokenForDest = async (d: StoredDestination) =>
    oauth ? await tokenFor({ teamId: d.team, enterpriseId: d.enterprise }) : { botToken: opts.botToken! };
  /** Places in the channels' lines taken when a message arrived, filled when its answer is ready. */
  const slots = new Map<string, ReturnType<ConversationQueue["reserve"]>>();
  const respondVia = (url: string) => async (msg: Record<string, unknown>) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(msg),
      signal: AbortSignal.timeout(opts.delivery?.timeoutMs ?? 10_000),
    });
    await res.body?.cancel();
    if (!res.ok) throw Object.assign(new Error(`response_url answered HTTP ${res.status}`), { status: res.status, headers: { "retry-after": res.headers.get("retry-after") ?? undefined } });
  };
  // How this instance finishes a Slack delivery the inbox holds (its own, or one another instance left)
  opts.inbox.register("slack", {
    async prepare(entry) {
      const turn = entry.turn;
      const auth = await tokenForDest(entry.destination as StoredDestination);
      if (!auth) return turn;
      // the files are fetched with the token of the workspace the event came through
      if (turn.files?.length) turn.files = turn.files.map((f) => incomingFile((f.ref ?? { name: f.name }) as SlackFile, auth.botToken, opts.apiUrl));
      // Events carry only a user id: the display name (for registrant lists and the audit trail)
      // and the time zone (for session times) come from users.info, cached.
      const profile = await profiles.get(sendClientFor(auth.botToken), turn.user.platformUserId, turn.receivedAt);
      turn.user = { ...turn.user, name: profile?.name ?? turn.user.name, timeZone: profile?.timeZone ?? turn.user.timeZone };
      return turn;
    },
    async deliver(entry, answer, journal) {
      const d = entry.destination as StoredDestination;
      const slot = slots.get(entry.id) ?? queue.reserve(d.channel);
      slots.delete(entry.id);
      const auth = await tokenForDest(d).catch((err) => {
        slot.cancel();
        throw err;
      });
      if (!auth) {
        slot.cancel();
        log.warn("answer not sent: the app is not installed in this workspace (any more)", { team: d.team });
        return { ok: false, permanent: true, error: new Error("not installed") };
      }
      const dest: Destination = { ...d, respond: d.responseUrl ? respondVia(d.responseUrl) : undefined };
      const outcome = await slot.deliver(journaled(slackSteps(sendClientFor(auth.botToken), dest, answer.reply, `slack:${entry.deliveryId}`), journal));
      if (!outcome.ok && opts.undelivered) await opts.undelivered(entry.turn, answer.reply, answer.userId);
      return outcome;
    },
  });
  /**
   * Stores the delivery (before the listener returns, so before Slack's 200) and works it out in
   * the background. The answer's place in the channel's line is taken on arrival, so answers keep
   * the messages' order however long each took.
   */
  const dispatch = async (turn: Turn, dest: StoredDestination) => {
    const slot = queue.reserve(dest.channel);
    let entry: InboxEntry | null;
    try {
      entry = await opts.inbox.accept(turn, dest);
    } catch (err) {
      slot.cancel();
      throw new InboxUnavailableError(err);
    }
    if (!entry) {
      slot.cancel();
      return log.info("duplicate delivery dropped", { delivery: turn.deliveryId });
    }
    const id = entry.id;
    slots.set(id, slot);
    void opts.inbox.run(entry).finally(() => {
      slots.get(id)?.cancel();
      slots.delete(id);
    });
  };

  // Messages in a DM with the bot (message.im). Edits, deletions and bot messages have a subtype;
  // a message with an uploaded file has subtype file_share and is taken.
  app.message(async ({ message, body, context }) => {
    const m = message as unknown as Record<string, string | undefined>;
    if ((m.subtype && m.subtype !== "file_share") || m.bot_id || m.channel_type !== "im" || !m.user) return;
    const now = new Date();
    const home = eventHome(body);
    const org = await personOrg(home, m.user_team, m.user, context.botToken, now);
    if (!org) return log.warn("message without a workspace id refused");
    if (!allowed(org.team) || !(await guestAdmitted(org))) return log.warn("message from a workspace not allowed", { team: org.team });
    const turn = textTurn({ m, org, home, text: slackTextToPlain(m.text ?? ""), kind: "personal", now });
    const files = (message as unknown as { files?: SlackFile[] }).files;
    // fetched later (SlackChannel's prepare) with the token of the workspace the event came through
    if (files?.length) turn.files = files.map((f) => incomingFile(f, "", opts.apiUrl));
    await dispatch(turn, { channel: m.channel!, threadTs: m.thread_ts, user: m.user, personal: true, ...where(home) });
  });

  // @mentions in channels: answer in the thread of the message.
  app.event("app_mention", async ({ event, body, context }) => {
    const m = event as unknown as Record<string, string | undefined>;
    if (!m.user || m.bot_id) return;
    const now = new Date();
    const home = eventHome(body);
    const org = await personOrg(home, m.user_team, m.user, context.botToken, now);
    if (!org) return log.warn("mention without a workspace id refused");
    if (!allowed(org.team) || !(await guestAdmitted(org))) return log.warn("mention from a workspace not allowed", { team: org.team });
    const text = slackTextToPlain((m.text ?? "").replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, " ")).trim();
    const turn = textTurn({ m, org, home, text, kind: "channel", now });
    await dispatch(turn, { channel: m.channel!, threadTs: m.thread_ts ?? m.ts, user: m.user, personal: false, ...where(home) });
  });

  // The slash command: acknowledged at once, answered through its response_url.
  app.command(opts.command, async ({ command, ack, context }) => {
    await ack();
    if (!command.team_id) return log.warn("command without a workspace id refused");
    const now = new Date();
    const home = { team: command.team_id, enterprise: command.enterprise_id || undefined };
    // A slash command names the workspace it was typed in and its Grid org, never the person's own
    // workspace. Outside a Grid org that is the person's workspace. In one, a colleague from another
    // workspace of the org and a Slack Connect guest from another organisation look the same:
    // users.info tells (cached, and the turn's own profile lookup reuses it); without an answer the
    // command is refused rather than pooled into the org's company.
    let org: ReturnType<typeof slackOrg>;
    if (home.enterprise) {
      const p = context.botToken ? await profiles.get(sendClientFor(context.botToken), command.user_id, now) : undefined;
      org = p?.team ? slackOrg(home, p.team, p.enterpriseId === home.enterprise) : null;
    } else org = slackOrg(home, undefined);
    if (!org) return log.warn("command from a person whose workspace is unknown refused", { team: command.team_id });
    if (!allowed(org.team) || !(await guestAdmitted(org))) return log.warn("command from a workspace not allowed", { team: org.team });
    const personal = command.channel_name === "directmessage" && command.channel_id.startsWith("D");
    const turn: Turn = {
      platform: "slack",
      deliveryId: `cmd:${command.trigger_id}`,
      org: { externalKey: org.key, name: org.external ? undefined : command.team_domain },
      user: { platformUserId: command.user_id, name: command.user_name },
      conversation: {
        key: conversationKey("slack", command.channel_id),
        kind: personal ? "personal" : "channel",
        external: org.external || undefined,
        reference: { key: `slack:${command.user_id}`, data: refData(command.user_id, home) },
      },
      // command text arrives in the same escaped markup as messages
      input: { kind: "text", text: slackTextToPlain(command.text ?? "").trim() || "ヘルプ" },
      receivedAt: now,
    };
    await dispatch(turn, { channel: command.channel_id, user: command.user_id, personal, responseUrl: command.response_url, ...where(home) });
  });

  // Buttons: acknowledged at once; the value is untrusted and validated like any input.
  app.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body, action, context }) => {
    await ack();
    const now = new Date();
    const b = body as unknown as {
      team?: { id?: string; enterprise_id?: string; domain?: string };
      enterprise?: { id?: string } | null;
      user: { id: string; name?: string; team_id?: string };
      channel?: { id: string; name?: string };
      container?: { type?: string; channel_id?: string; message_ts?: string; thread_ts?: string; is_ephemeral?: boolean };
      message?: { ts?: string; thread_ts?: string };
      trigger_id?: string;
      response_url?: string;
    };
    const a = action as unknown as { value?: unknown; action_ts?: string; action_id?: string };
    // `team` is the workspace the app acts in; `user.team_id` the clicker's own, which differs for
    // a Slack Connect guest (and `team` is null for an org-wide install).
    const home = { team: b.team?.id ?? b.user.team_id, enterprise: b.enterprise?.id ?? b.team?.enterprise_id };
    const org = await personOrg(home, b.user.team_id, b.user.id, context.botToken, now);
    if (!org) return log.warn("click without a workspace id refused");
    if (!allowed(org.team) || !(await guestAdmitted(org))) return log.warn("click from a workspace not allowed", { team: org.team });
    const channel = b.channel?.id ?? b.container?.channel_id;
    if (!channel) return;
    const personal = channel.startsWith("D");
    const ephemeralSource = b.container?.is_ephemeral || !b.message;
    // An ephemeral message (a slash command's answer) is not a thread anyone can open: a click on
    // it continues the conversation the command started (slack:<channel>), not one keyed by its ts.
    const threadTs = b.message?.thread_ts ?? b.container?.thread_ts ?? (ephemeralSource ? undefined : (b.message?.ts ?? b.container?.message_ts));
    const parsed: ActionRef | null = decodeAction(a.value);
    const turn: Turn = {
      platform: "slack",
      deliveryId: `act:${channel}:${b.container?.message_ts ?? ""}:${a.action_id}:${a.action_ts}`,
      org: { externalKey: org.key, name: org.external ? undefined : b.team?.domain },
      user: { platformUserId: b.user.id, name: b.user.name },
      conversation: {
        key: conversationKey("slack", channel, ...(personal || !threadTs ? [] : [threadTs])),
        kind: personal ? "personal" : "channel",
        external: org.external,
        reference: { key: `slack:${b.user.id}`, data: refData(b.user.id, home) },
      },
      input: { kind: "action", action: parsed },
      receivedAt: now,
    };
    await dispatch(turn, {
      channel,
      threadTs: personal ? b.message?.thread_ts : threadTs,
      user: b.user.id,
      personal,
      responseUrl: ephemeralSource ? b.response_url : undefined,
      ...where(home),
    });
  });

  app.error(async (err) => {
    const cause = (err as { original?: unknown }).original;
    if (cause instanceof NotInstalledError) return log.warn("event from a workspace without an installation, dropped", { ...cause.query });
    // not acknowledged: Slack gets a 500 and sends the event again
    if (cause instanceof InboxUnavailableError || err instanceof InboxUnavailableError) {
      log.error("delivery not stored: refused for Slack to send again", { error: (cause as Error)?.message ?? err.message });
      throw err;
    }
    log.error("slack listener failed", { err });
  });

  return {
    bolt: app,
    async sendTo(ref, reply, deliveryId) {
      const r = ref as { channel?: unknown; team?: unknown; enterprise?: unknown } | null;
      const channel = r?.channel;
      if (typeof channel !== "string") throw new Error("not a Slack conversation reference");
      let token = opts.botToken;
      if (oauth) {
        // the token of the workspace the reference was made in; none when the app was removed there
        const q = { teamId: typeof r?.team === "string" ? r.team : undefined, enterpriseId: typeof r?.enterprise === "string" ? r.enterprise : undefined };
        const auth = await tokenFor(q);
        if (!auth) throw Object.assign(new Error("the Slack app is not installed in this workspace (any more)"), { status: 410 });
        token = auth.botToken;
      }
      // The stored reference is the user id: chat.postMessage takes it as the app's DM with them.
      const outcome = await deliver(sendClientFor(token!), { channel, user: channel, personal: true, toUser: true }, reply, `slack-send:${deliveryId ?? randomUUID()}`);
      if (!outcome.ok) throw outcome.error;
    },
    idle: () => queue.idle(),
    async start() {
      if (!oauth) connection.start();
      else connection.state = "ok"; // nothing to check up front: each installation answers for itself
    },
    async stop() {
      connection.stop();
      // bounded: a send still waiting out a long outage must not hold up a shutdown
      await Promise.race([queue.idle(), new Promise<void>((r) => setTimeout(r, 10_000).unref())]);
      if (socketMode) await app.stop().catch((err) => log.warn("slack socket did not stop cleanly", { error: (err as Error).message }));
    },
    health: () => connection.state,
  };
}

/** Where a stored delivery's answer goes: a Destination without functions, plus the workspace whose token sends it. */
interface StoredDestination extends Omit<Destination, "respond"> {
  /** Slash commands and clicks on ephemeral messages answer through their response_url. */
  responseUrl?: string;
  team?: string;
  enterprise?: string;
}

function where(home: { team?: string | null; enterprise?: string | null }): { team?: string; enterprise?: string } {
  return { ...(home.team ? { team: home.team } : {}), ...(home.enterprise ? { enterprise: home.enterprise } : {}) };
}

interface SlackFile {
  name?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
}

/**
 * A file shared in a DM, downloaded with the bot token (files:read). The token goes only to
 * Slack's file host (or the Web API stand-in the tests configure), never to a URL of another host.
 */
export function incomingFile(f: SlackFile, botToken: string, apiUrl?: string): IncomingFile {
  return {
    name: f.name ?? "file",
    size: f.size,
    ref: { name: f.name, size: f.size, url_private_download: f.url_private_download, url_private: f.url_private },
    async download() {
      const url = f.url_private_download ?? f.url_private;
      if (!url) throw new Error("the file has no download URL");
      const allowed = [new URL("https://files.slack.com").origin, ...(apiUrl ? [new URL(apiUrl).origin] : [])];
      if (!allowed.includes(new URL(url).origin)) throw new Error(`refusing to send the bot token to ${new URL(url).origin}`);
      const res = await fetch(url, { headers: { Authorization: `Bearer ${botToken}` } });
      if (!res.ok) throw new Error(`file download failed with HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}

/** What users.info says about a person: their name and time zone, and where they belong. */
export interface SlackProfile {
  name?: string;
  timeZone?: string;
  /** the person's own workspace */
  team?: string;
  /** the Enterprise Grid org the person is a member of (`enterprise_user.enterprise_id`) */
  enterpriseId?: string;
}

/**
 * users.info, remembered for an hour per user. A failure is remembered for a minute only: it means
 * no name or time zone for this turn, and (for a person from another workspace of a Grid org) that
 * they are taken as external, which must not outlast a short outage. At most MAX_PROFILES people
 * (the oldest reading goes first): a distributed app serves any number of workspaces, and a cache
 * without a bound grows for as long as the process runs.
 */
const MAX_PROFILES = 5_000;
class UserProfiles {
  private readonly cache = new Map<string, { at: number; ttl: number; profile?: SlackProfile }>();
  constructor(private readonly log: Logger) {}

  /** `now` is the turn's stamp, so the adapter reads the clock once per turn. */
  async get(client: WebClient, user: string, now: Date): Promise<SlackProfile | undefined> {
    const hit = this.cache.get(user);
    if (hit && now.getTime() - hit.at < hit.ttl) return hit.profile;
    try {
      const r = await client.users.info({ user });
      const u = r.user as
        | { real_name?: string; name?: string; tz?: string; team_id?: string; profile?: { display_name?: string }; enterprise_user?: { enterprise_id?: string } }
        | undefined;
      const profile = u
        ? { name: u.profile?.display_name || u.real_name || u.name, timeZone: u.tz, team: u.team_id, enterpriseId: u.enterprise_user?.enterprise_id }
        : undefined;
      this.remember(user, { at: now.getTime(), ttl: 3_600_000, profile });
      return profile;
    } catch (err) {
      this.log.warn("users.info failed", { error: (err as Error).message });
      this.remember(user, { at: now.getTime(), ttl: 60_000 });
      return undefined;
    }
  }

  private remember(user: string, entry: { at: number; ttl: number; profile?: SlackProfile }): void {
    this.cache.delete(user); // re-inserted last: the map's order is the readings' age
    this.cache.set(user, entry);
    if (this.cache.size > MAX_PROFILES) this.cache.delete(this.cache.keys().next().value!);
  }
}

export function orgKey(enterpriseId: string | undefined | null, teamId: string): string {
  // An Enterprise Grid org is one company; a stand-alone workspace is one company.
  return `slack:${enterpriseId || teamId}`;
}

/** The workspace (and Grid org) the app is installed in, as an event names it. */
export function eventHome(body: unknown): { team?: string; enterprise?: string } {
  const b = body as { team_id?: string; enterprise_id?: string | null; authorizations?: { team_id?: string | null; enterprise_id?: string | null }[] };
  // Bolt's own rule (buildSource): authorizations[0] first. In a shared channel the envelope's
  // team_id is the workspace that started the channel, not ours (java-slack-sdk#629), and a Grid
  // event may carry its enterprise id only there.
  const auth = b.authorizations?.[0];
  return { team: auth?.team_id ?? b.team_id, enterprise: auth?.enterprise_id ?? b.enterprise_id ?? undefined };
}

/**
 * The company a Slack person belongs to. Someone from the installing workspace belongs to it (or
 * to its Grid org). A Slack Connect guest (their own team differs) is their own company, keyed by
 * their team and never by the host's Grid org: otherwise a guest in a Grid host's channel would
 * read and write the host's answers. The one exception is a colleague from another workspace of the
 * same Grid org, which only `gridMember` (Slack's own answer, see gridColleague) establishes: they
 * belong to the Grid org's company. Same rule for messages, mentions, clicks and slash commands.
 */
export function slackOrg(home: { team?: string; enterprise?: string | null }, userTeam: string | undefined, gridMember = false) {
  const external = Boolean(userTeam && home.team && userTeam !== home.team);
  const team = external ? userTeam : (home.team ?? userTeam);
  // No workspace named: refused, never pooled with other such requests into one "unknown" company.
  if (!team) return null;
  if (external && gridMember && home.enterprise) return { key: orgKey(home.enterprise, team), team, external: false, colleague: true };
  return { key: external ? orgKey(undefined, team) : orgKey(home.enterprise, team), team, external, colleague: false };
}

function textTurn(args: {
  m: Record<string, string | undefined>;
  org: NonNullable<ReturnType<typeof slackOrg>>;
  home: { team?: string; enterprise?: string };
  text: string;
  kind: "personal" | "channel";
  now: Date;
}): Turn {
  const { m, org } = args;
  const threadTs = m.thread_ts ?? m.ts;
  return {
    platform: "slack",
    // One id per message: a retry of the event, or the same message arriving as both
    // message.im and app_mention, is the same delivery.
    deliveryId: `msg:${m.channel}:${m.ts}`,
    org: { externalKey: org.key },
    user: { platformUserId: m.user! },
    conversation: {
      key: args.kind === "personal" ? conversationKey("slack", m.channel!) : conversationKey("slack", m.channel!, threadTs!),
      kind: args.kind,
      external: org.external || undefined,
      reference: { key: `slack:${m.user}`, data: refData(m.user!, args.home) },
    },
    input: { kind: "text", text: args.text },
    receivedAt: args.now,
  };
}

/**
 * What a proactive message needs later: the user (chat.postMessage opens the app's DM with them)
 * and the workspace / Grid org the app acted in, whose installation's token sends it.
 */
function refData(user: string, home: { team?: string | null; enterprise?: string | null }): Record<string, string> {
  return { channel: user, ...(home.team ? { team: home.team } : {}), ...(home.enterprise ? { enterprise: home.enterprise } : {}) };
}

/** Raised by authorize for a workspace with no installation (Bolt acknowledges and drops the event). */
class NotInstalledError extends Error {
  constructor(public readonly query: SlackInstallQuery) {
    super("no installation for this workspace");
    this.name = "NotInstalledError";
  }
}

function installQuery(context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): SlackInstallQuery {
  return { teamId: context.teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: context.isEnterpriseInstall };
}
