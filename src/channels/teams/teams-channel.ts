// Teams front door (botbuilder CloudAdapter) at POST /api/messages. Authenticates the request
// first (answering 401 itself, so no token problem becomes a 500), acknowledges messages at once
// and answers them through the Bot Connector (Bot Service gives up after about 15 s and retries),
// answers Adaptive Card Action.Execute invokes in the HTTP response, and turns every activity into
// a neutral Turn. No business logic here.
import { randomUUID } from "node:crypto";
import botbuilder from "botbuilder";
import type { Activity, ConversationReference, TurnContext } from "botbuilder";
import express, { type Application, type Request, type Response } from "express";
import type { Logger } from "../../core/logger.ts";
import { both, type Reply } from "../../core/reply.ts";
import type { Turn } from "../../core/turn.ts";
import { activityToTurn, conversationKind, messageText, readExecuteAction , filesOf } from "./activity-to-turn.ts";
import { authFailureStatus, createBotAuthentication, type BotAuthenticationOptions } from "./bot-authentication.ts";
import { deliverReply, describeError } from "./deliver-reply.ts";
import { decodeCardAction } from "./render-card.ts";
import { ConversationQueue, type FailureKind } from "../../delivery/conversation-queue.ts";
import { installChangeOf } from "./install-events.ts";
import type { TeamsInstalls } from "../../installations/teams-installs.ts";
import { InboxUnavailableError, type InboxEntry, type TurnInbox } from "../../inbox/types.ts";
import { journaled } from "../../inbox/journal.ts";

const { CloudAdapter, ActivityTypes, MessageFactory, TurnContext: TurnContextClass } = botbuilder;

type BotAuthentication = ReturnType<typeof createBotAuthentication>;
type AuthenticateRequestResult = Awaited<ReturnType<BotAuthentication["authenticateRequest"]>>;
type InvokeResponse = { status: number; body?: unknown };

export interface TeamsChannelOptions extends BotAuthenticationOptions {
  allowedTenants: string[];
  /** A host files may also come from, outside production (the tests' stand-in). */
  testFileHost?: string;
  /** Where every activity is stored before it is acknowledged, and worked out from (src/inbox). */
  inbox: TurnInbox;
  /** Pacing and retry of sends (tests shorten them). */
  delivery?: { deadlineMs?: number; backoffMs?: (attempt: number) => number; minIntervalMs?: number };
  log: Logger;
  /** records where the app is added and removed (removal retires that conversation's references) */
  installs?: TeamsInstalls;
}

/**
 * The Bot Connector allows a bot about 7 messages a second, 60 in 30 s, per conversation: one
 * every half second keeps a conversation within it.
 */
export const TEAMS_MIN_INTERVAL_MS = 500;

/** What a failed Bot Connector call means for the delivery queue. */
export function classifyTeamsError(err: unknown): FailureKind {
  const e = err as { statusCode?: number; response?: { headers?: { get?(name: string): string | undefined } } } | null;
  const status = e?.statusCode;
  if (status === 429) {
    const after = Number(e?.response?.headers?.get?.("retry-after") ?? 1);
    return { kind: "rate-limited", retryAfterMs: (Number.isFinite(after) ? after : 1) * 1000 };
  }
  if (status === undefined || status >= 500 || status === 408) return { kind: "transient" };
  return { kind: "permanent" };
}

export interface TeamsChannel {
  adapter: InstanceType<typeof CloudAdapter>;
  /**
   * Sends a reply proactively (reminders, waitlist promotion). `ref` is the conversation
   * reference this channel stored with a turn (`Turn.conversation.reference.data`).
   */
  sendTo(ref: unknown, reply: Reply, deliveryId?: string): Promise<void>;
  /** "degraded" while the last call to the Bot Connector failed (for /healthz). */
  health(): "ok" | "degraded";
  /** Resolves once every acknowledged activity has been answered, or after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
}

const NOT_ALLOWED = both(
  "このアシスタントは、あなたの組織ではまだ利用できません。管理者にお問い合わせください。",
  "This assistant is not available for your organisation yet. Please contact your administrator.",
);
const ACTION_ACCEPTED = both("回答を送信しました。", "Answer sent.");
const ALREADY_HANDLED = both("この操作は処理済みです。", "This action was already handled.");
const SEND_FAILED = both("回答を送信できませんでした。しばらくしてからもう一度お試しください。", "Sorry, the answer could not be sent. Please try again shortly.");

/** CloudAdapter whose turn processing can be fed a request we authenticated ourselves. */
class TeamsAdapter extends CloudAdapter {
  runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (ctx: TurnContext) => Promise<void>) {
    return this.processActivity(auth, activity, logic);
  }
}

function invokeError(status: number, code: string, message: string): InvokeResponse {
  return { status, body: { statusCode: status, type: "application/vnd.microsoft.error", value: { code, message } } };
}

function invokeMessage(text: string): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: text } };
}

function isActivity(body: unknown): body is Activity {
  return Boolean(body) && typeof body === "object" && !Array.isArray(body) && typeof (body as { type?: unknown }).type === "string";
}

export function mountTeams(web: Application, opts: TeamsChannelOptions): TeamsChannel {
  const log = opts.log.child({ channel: "teams" });
  // Throws in production without an app id: the second line behind config.ts.
  const auth = createBotAuthentication(opts);
  const adapter = new TeamsAdapter(auth);
  const appId = opts.appId ?? "";
  const inFlight = new Set<Promise<unknown>>();
  let connector: "ok" | "degraded" = "ok";
  /** A failure that says the Bot Connector itself is unreachable (network, timeout, 5xx). */
  const noteConnector = (err?: unknown) => {
    const status = (err as { statusCode?: number } | undefined)?.statusCode;
    connector = err && (status === undefined || status >= 500) ? "degraded" : "ok";
  };

  adapter.onTurnError = async (_ctx, err) => {
    // not stored: the request is answered 500 (handleRequest), and Bot Service sends it again
    if (err instanceof InboxUnavailableError) throw err;
    log.error("teams turn failed", { err: describeError(err) });
  };

  // Every send into a conversation goes through one paced, ordered queue, retried on 429 (after
  // Retry-After), 5xx and network failures until a deadline; permanent refusals are logged.
  const queue = new ConversationQueue({
    log,
    minIntervalMs: opts.delivery?.minIntervalMs ?? TEAMS_MIN_INTERVAL_MS,
    classify: classifyTeamsError,
    deadlineMs: opts.delivery?.deadlineMs,
    backoffMs: opts.delivery?.backoffMs,
  });
  const queued = async (conversation: string, id: string, run: () => Promise<void>) => {
    const outcome = await queue.deliver(conversation, [
      {
        id,
        run: async () => {
          try {
            await run();
            noteConnector();
          } catch (err) {
            noteConnector(err);
            throw err;
          }
        },
      },
    ]);
    return outcome;
  };

  /** Sends a reply into the conversation a reference names (the Bot Connector replies to its activity). */
  const sendByReference = async (ref: Partial<ConversationReference>, reply: Reply): Promise<void> => {
    let failure: unknown;
    await adapter.continueConversationAsync(appId, ref, async (ctx) => {
      // the continuation carries an id of its own: the answer replies to the person's activity
      if (ref.activityId) ctx.activity.id = ref.activityId;
      try {
        await deliverReply(ctx, reply, { adapter, appId, log });
      } catch (err) {
        failure = err;
      }
    });
    if (failure) throw failure;
  };
  const testHost = opts.production ? undefined : opts.testFileHost;

  // How this instance finishes a Teams delivery the inbox holds (its own, or one another instance
  // left): the answer goes through the stored conversation reference, so any instance can send it.
  opts.inbox.register("teams", {
    async prepare(entry) {
      const turn = entry.turn;
      if (turn.files?.length) turn.files = filesOf({ attachments: turn.files.map((f) => f.ref as never) }, { testHost });
      return turn;
    },
    async deliver(entry, answer, journal) {
      const ref = entry.destination as Partial<ConversationReference>;
      const conversation = ref.conversation?.id ?? "";
      const step = { id: `teams:${entry.deliveryId}:reply`, run: () => sendByReference(ref, answer.reply) };
      const outcome = await queue.deliver(conversation, journaled([wrapNoted(step)], journal));
      if (!outcome.ok) log.error("teams send failed", { err: describeError(outcome.error), conversation });
      return outcome;
    },
  });
  const wrapNoted = (step: { id: string; run: () => Promise<void> }) => ({
    id: step.id,
    run: async () => {
      try {
        await step.run();
        noteConnector();
      } catch (err) {
        noteConnector(err);
        throw err;
      }
    },
  });

  /** Stores the turn with where its answer goes; null for a redelivery. Throws when it cannot be stored. */
  const accept = (turn: Turn, activity: Partial<Activity>): Promise<InboxEntry | null> =>
    opts.inbox.accept(turn, JSON.parse(JSON.stringify(TurnContextClass.getConversationReference(activity)))).catch((err) => {
      throw new InboxUnavailableError(err);
    });
  /** Works a stored entry out in the background (the request was acknowledged). */
  const runLater = (entry: InboxEntry) => {
    const work = opts.inbox.run(entry).finally(() => inFlight.delete(work));
    inFlight.add(work);
  };

  /** Runs one turn. Invokes get their HTTP answer through an invokeResponse activity. */
  const logic = async (ctx: TurnContext): Promise<void> => {
    const a = ctx.activity;
    const respond = async (r: InvokeResponse) => {
      await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: r });
    };

    let input: Turn["input"];
    if (a.type === ActivityTypes.Message) {
      // A card's Action.Submit arrives as a message whose value is the button's data.
      // A message that only carries a file has no text; anything else empty means "help".
      const hasFile = filesOf(a, { testHost: opts.production ? undefined : opts.testFileHost }).length > 0;
      input =
        a.value !== undefined && a.value !== null
          ? { kind: "action", action: decodeCardAction(a.value) }
          : { kind: "text", text: messageText(a) || (hasFile ? "" : "ヘルプ") };
    } else if (a.type === ActivityTypes.Invoke) {
      if (a.name !== "adaptiveCard/action") return respond(invokeError(400, "NotSupported", `invoke ${String(a.name)} is not supported`));
      const execute = readExecuteAction(a);
      if (!execute) return respond(invokeError(400, "BadRequest", "missing value or unknown verb"));
      input = { kind: "action", action: execute.action };
    } else if (installChangeOf(a)) {
      return onInstallChange(ctx);
    } else {
      return; // other conversationUpdates, typing, messageReaction…: nothing to say
    }

    const mapped = activityToTurn(a, input, { allowedTenants: opts.allowedTenants, authenticated: opts.authenticated });
    if (!mapped.ok) {
      log.warn("teams activity refused", { reason: mapped.reason, tenant: mapped.tenant, type: a.type });
      if (a.type === ActivityTypes.Invoke) return respond(invokeError(403, "Forbidden", "not available for this tenant"));
      if (a.type === ActivityTypes.Message && mapped.reason === "tenant-not-allowed") {
        try {
          await ctx.sendActivity(MessageFactory.text(NOT_ALLOWED));
        } catch (err) {
          log.warn("teams refusal not sent", { err: describeError(err) });
        }
      }
      return;
    }

    const files = a.type === ActivityTypes.Message ? filesOf(a, { testHost }) : [];
    if (files.length) mapped.turn.files = files;
    const entry = await accept(mapped.turn, a);
    if (!entry) {
      // A redelivery of something already stored: the first delivery is (or was) answered.
      log.info("duplicate delivery dropped", { delivery: mapped.turn.deliveryId });
      if (a.type === ActivityTypes.Invoke) await respond(invokeMessage(ALREADY_HANDLED));
      return;
    }
    // A message is acknowledged once stored (the caller answers 200 when this returns) and worked
    // out after; an invoke is answered in its HTTP response, so it is worked out now.
    if (a.type !== ActivityTypes.Invoke) return runLater(entry);
    const result = await opts.inbox.run(entry);
    await respond(invokeMessage(result === "delivered" || result === "nothing" ? ACTION_ACCEPTED : SEND_FAILED));
  };

  /**
   * The app added to or removed from a conversation (installationUpdate, conversationUpdate): the
   * change is recorded; a removal retires the conversation's references; a new personal install is
   * greeted with the help. Teams sends both activities for one install: the greeting's delivery id
   * is the same for both (conversation and day), so the pipeline's dedupe lets one through.
   */
  const onInstallChange = async (ctx: TurnContext): Promise<void> => {
    const a = ctx.activity;
    const change = installChangeOf(a)!;
    const mapped = activityToTurn(a, { kind: "text", text: "ヘルプ" }, { allowedTenants: opts.allowedTenants, authenticated: opts.authenticated });
    if (!mapped.ok) return log.warn("teams install change refused", { reason: mapped.reason, tenant: mapped.tenant, type: a.type });
    await opts.installs?.record(change, mapped.turn.receivedAt);
    if (!change.greet) return;
    const day = (a.timestamp ? new Date(a.timestamp) : mapped.turn.receivedAt).toISOString().slice(0, 10);
    const entry = await accept({ ...mapped.turn, deliveryId: `install:${change.conversationId}:${day}` }, a);
    if (entry) runLater(entry);
  };

  const handleRequest = async (req: Request, res: Response) => {
    const activity: unknown = req.body;
    if (!isActivity(activity)) return void res.status(400).end();
    let authResult: AuthenticateRequestResult;
    try {
      authResult = await auth.authenticateRequest(activity, String(req.headers.authorization ?? ""));
    } catch (err) {
      const { status, reason } = authFailureStatus(err);
      (status === 503 ? log.error : log.warn)("teams request not authenticated", { status, reason, type: activity.type });
      return void res.status(status).end();
    }

    if (activity.type === ActivityTypes.Invoke) {
      try {
        const r = (await adapter.runAuthenticated(authResult, activity, logic)) as InvokeResponse | undefined;
        res.status(r?.status ?? 200);
        if (r?.body !== undefined) res.json(r.body);
        else res.end();
      } catch (err) {
        log.error("teams invoke failed", { err: describeError(err) });
        if (!res.headersSent) res.status(500).json(invokeError(500, "InternalError", "temporarily unavailable").body);
      }
      return;
    }

    // Messages are stored in the inbox, then acknowledged, then worked out; the reply goes out
    // through the Bot Connector. A redelivery (stored already) is dropped. An activity that could
    // not be stored gets a 500: Bot Service sends it again.
    try {
      await adapter.runAuthenticated(authResult, activity, logic);
    } catch (err) {
      log.error("teams activity not stored", { err: describeError(err) });
      return void res.status(500).end();
    }
    res.status(200).end();
  };

  // JSON parsing on this route only: Slack's route needs the raw body for its signature.
  const parseJson = express.json({ limit: "512kb" });
  web.post("/api/messages", (req, res) => {
    parseJson(req, res, (err?: unknown) => {
      if (err) return void res.status(400).end();
      handleRequest(req, res).catch((e) => {
        log.error("teams request failed", { err: describeError(e) });
        if (!res.headersSent) res.status(500).end();
      });
    });
  });

  return {
    adapter,
    async sendTo(ref, reply, deliveryId) {
      const r = ref as { serviceUrl?: unknown; conversation?: { id?: unknown } } | null;
      if (!r || typeof r.serviceUrl !== "string" || typeof r.conversation?.id !== "string")
        throw new Error("not a Teams conversation reference");
      const conversation = r.conversation.id;
      const outcome = await queued(conversation, `teams-send:${deliveryId ?? randomUUID()}`, async () => {
        let failure: unknown;
        await adapter.continueConversationAsync(appId, r as Parameters<typeof adapter.continueConversationAsync>[1], async (ctx) => {
          try {
            await deliverReply(ctx, reply, { adapter, appId, log });
          } catch (err) {
            failure = err;
          }
        });
        if (failure) throw failure;
      });
      if (!outcome.ok) {
        log.warn("teams proactive send failed", { err: describeError(outcome.error) });
        throw outcome.error;
      }
    },
    health: () => connector,
    async idle(timeoutMs = 15_000) {
      // Bounded, so a Bot Connector call that never returns cannot hold up a shutdown.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
      const drained = (async () => {
        while (inFlight.size) await Promise.allSettled([...inFlight]);
        return "drained" as const;
      })();
      if ((await Promise.race([drained, timeout])) === "timeout") log.warn("teams turns still running at shutdown", { count: inFlight.size });
      clearTimeout(timer);
    },
  };
}

