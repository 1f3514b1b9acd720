// Sends what the outbox holds: promotions from the waitlist, reminders, notices of changed or
// cancelled sessions, messages from the secretariat. At least once, never twice while instances
// are alive: each instance claims rows with UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP
// LOCKED) and a lease (lockedUntil); a row whose lease ran out (an instance died mid-send) is
// claimed again. Failed sends are retried with backoff up to a bound; a permanent failure (the
// bot was removed from the conversation: 403/404, channel_not_found...) marks the stored
// conversation reference inactive and stops retrying.
import { z } from "zod";
import type { Db } from "../db/client.ts";
import type { Logger } from "../core/logger.ts";
import type { Lang, Reply } from "../core/reply.ts";
import type { Platform } from "../core/turn.ts";
import type { BookingService } from "./booking-service.ts";
import { enqueueSessionsOpenNotices } from "./alerts.ts";
import { broadcastNotice, changedNotice, confirmedReply, promotedNotice, reminderNotice, sessionCancelledNotice } from "./replies.ts";
import { PERMANENT_SLACK_ERRORS } from "../delivery/slack-errors.ts";

/** Posts a reply to a stored conversation reference (what the channel saved with the turn). */
export type Sender = (ref: unknown, reply: Reply, deliveryId?: string) => Promise<void>;
/** One sender per platform; filled in as the channels start (Slack in server.ts, the console in main.ts). */
export type Senders = Partial<Record<Platform, Sender>>;

/** Throw this from a sender when the conversation can never be reached again. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentDeliveryError";
  }
}

const PERMANENT_BOT_CODES = new Set(["BotNotInConversationRoster", "ConversationBlockedByUser", "ConversationNotFound", "UserNotFound", "BotDisabledByAdmin"]);

/** 403/404-ish: the bot may no longer write there. Everything else is worth another try. */
export function isPermanentDeliveryError(err: unknown): boolean {
  if (err instanceof PermanentDeliveryError) return true;
  const e = err as Record<string, any> | null;
  if (!e || typeof e !== "object") return false;
  const status = e.statusCode ?? e.status ?? e.response?.status;
  if (status === 403 || status === 404 || status === 410) return true;
  if (typeof e.data?.error === "string" && PERMANENT_SLACK_ERRORS.has(e.data.error)) return true;
  const code = e.code ?? e.body?.error?.code ?? e.details?.error?.code;
  if (typeof code === "string" && PERMANENT_BOT_CODES.has(code)) return true;
  return typeof e.message === "string" && /not a \w+ conversation reference/i.test(e.message);
}

const Payload = z
  .object({
    bookingId: z.string().uuid(),
    sessionId: z.string().uuid(),
    platform: z.enum(["slack", "teams", "console"]),
    offsetMs: z.number().int().positive().optional(),
    startsAt: z.string().optional(),
    sequence: z.number().int().optional(),
    changed: z.array(z.string()).optional(),
    text: z.string().optional(),
  })
  .passthrough();

/** The message of a kind another module owns (the supplier roll-out): a reply, or why it no longer applies. */
export type Composer = (userId: string, payload: Record<string, unknown>, now: Date) => Promise<{ reply: Reply } | { skip: string }>;

const Addressed = z.object({ platform: z.enum(["slack", "teams", "console"]) }).passthrough();

interface Claimed {
  id: bigint;
  dedupeKey: string;
  userId: string;
  kind: string;
  payload: unknown;
  attempts: number;
  lockedUntil: Date;
}

export interface OutboxWorkerOptions {
  db: Db;
  log: Logger;
  senders: Senders;
  booking: BookingService;
  reminderOffsetsMs: readonly number[];
  /** how long a claimed row stays with this instance (default 2 min, well above a send's timeout) */
  leaseMs?: number;
  /** attempts before a message is given up (default 6) */
  maxAttempts?: number;
  batchSize?: number;
  /** delay before attempt n+1 after n failed ones (default 30 s × 2^(n-1), ±20 %, at most 1 h) */
  backoffMs?: (attempts: number) => number;
  /** how long to wait when this instance has no sender for the platform (default 10 min) */
  noSenderDelayMs?: number;
}

export interface TickResult {
  reminders: number;
  /** notices queued for people waiting for the session dates (alerts.ts) */
  announced: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  deferred: number;
}

function defaultBackoff(attempts: number): number {
  const base = Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly log: Logger;
  private readonly composers = new Map<string, Composer>();

  constructor(private readonly opts: OutboxWorkerOptions) {
    this.log = opts.log.child({ component: "outbox" });
  }

  /** Lets another module send its own kinds of message through this outbox (same claims, retries, leases). */
  register(kind: string, composer: Composer): void {
    this.composers.set(kind, composer);
  }

  /** Runs a tick now and then every `intervalMs`, never two at once on this instance. */
  start(intervalMs = 20_000): void {
    if (this.timer) return;
    const run = () => {
      if (this.running) return;
      // the scheduler reads the clock; everything a tick decides uses this one `now`
      this.running = this.tick(new Date())
        .catch((err) => this.log.error("outbox tick failed", { err }))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    run();
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Queues due reminders, then claims and sends one batch. */
  async tick(now: Date): Promise<TickResult> {
    const result: TickResult = { reminders: 0, announced: 0, sent: 0, retried: 0, failed: 0, skipped: 0, deferred: 0 };
    result.reminders = await this.opts.booking.enqueueDueReminders(now, this.opts.reminderOffsetsMs);
    // sessions added in chat, in the web console or by sessions:import (another process) alike
    result.announced = await enqueueSessionsOpenNotices(this.opts.db, now);
    const batch = await this.claim(now, this.opts.batchSize ?? 20);
    for (const msg of batch) {
      const outcome = await this.process(msg, now).catch((err) => {
        this.log.error("outbox message failed unexpectedly", { err, id: String(msg.id), kind: msg.kind });
        return this.retryLater(msg, now, err).then((o) => o);
      });
      result[outcome]++;
    }
    return result;
  }

  /** Claims up to `limit` due rows for this instance (a lease until now + leaseMs). */
  async claim(now: Date, limit: number): Promise<Claimed[]> {
    const lease = new Date(now.getTime() + (this.opts.leaseMs ?? 120_000));
    return this.opts.db.$queryRaw<Claimed[]>`
      UPDATE "OutboxMessage" SET "status" = 'sending', "lockedUntil" = ${lease}, "attempts" = "attempts" + 1
      WHERE id IN (
        SELECT id FROM "OutboxMessage"
        WHERE "status" IN ('pending', 'sending') AND "notBefore" <= ${now}
          AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${now})
        ORDER BY "notBefore", id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, "dedupeKey", "userId", kind, payload, attempts, "lockedUntil"`;
  }

  private async finish(msg: Claimed, data: { status: string; lastError?: string | null; notBefore?: Date; sentAt?: Date; attempts?: number }): Promise<boolean> {
    // Only while the lease is still ours: a row someone else reclaimed is theirs now.
    const r = await this.opts.db.outboxMessage.updateMany({
      where: { id: msg.id, lockedUntil: msg.lockedUntil, status: "sending" },
      data: { ...data, lockedUntil: null },
    });
    if (r.count !== 1) this.log.warn("outbox lease lost before the row was finished", { id: String(msg.id), kind: msg.kind });
    return r.count === 1;
  }

  /**
   * While a send is in flight, the lease is pushed forward every third of its length, so a slow
   * post (a platform SDK retrying a rate limit) is not taken for a dead instance's and sent again.
   * A dead instance stops extending, and its rows are claimed again once the lease runs out.
   */
  private keepLease(msg: Claimed): { stop(): Promise<void> } {
    const every = Math.max(1_000, Math.floor((this.opts.leaseMs ?? 120_000) / 3));
    let inFlight: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      inFlight = inFlight.then(async () => {
        const next = new Date(msg.lockedUntil.getTime() + every);
        const r = await this.opts.db.outboxMessage
          .updateMany({ where: { id: msg.id, lockedUntil: msg.lockedUntil, status: "sending" }, data: { lockedUntil: next } })
          .catch(() => ({ count: 0 }));
        if (r.count === 1) msg.lockedUntil = next;
      });
    }, every);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await inFlight;
      },
    };
  }

  private async retryLater(msg: Claimed, now: Date, err: unknown): Promise<"retried" | "failed"> {
    const max = this.opts.maxAttempts ?? 6;
    const lastError = describe(err);
    if (msg.attempts >= max) {
      await this.finish(msg, { status: "failed", lastError });
      this.log.error("outbox message given up", { id: String(msg.id), kind: msg.kind, attempts: msg.attempts, error: lastError });
      return "failed";
    }
    const delay = (this.opts.backoffMs ?? defaultBackoff)(msg.attempts);
    await this.finish(msg, { status: "pending", lastError, notBefore: new Date(now.getTime() + delay) });
    this.log.warn("outbox send failed, will retry", { id: String(msg.id), kind: msg.kind, attempts: msg.attempts, error: lastError });
    return "retried";
  }

  private async process(msg: Claimed, now: Date): Promise<keyof Omit<TickResult, "reminders" | "announced">> {
    const max = this.opts.maxAttempts ?? 6;
    if (msg.attempts > max) {
      // claimed again after an instance died mid-send more often than we retry
      await this.finish(msg, { status: "failed", lastError: "gave up: lease expired too often" });
      return "failed";
    }
    const other = this.composers.get(msg.kind);
    const payload = other ? Addressed.safeParse(msg.payload) : Payload.safeParse(msg.payload);
    if (!payload.success) {
      await this.finish(msg, { status: "failed", lastError: "unreadable payload" });
      return "failed";
    }
    const p = payload.data;
    const composed = other ? await other(msg.userId, p, now) : await this.compose(msg.kind, msg.userId, p as z.infer<typeof Payload>, now);
    if ("skip" in composed) {
      await this.finish(msg, { status: "skipped", lastError: composed.skip });
      return "skipped";
    }
    const sender = this.opts.senders[p.platform];
    if (!sender) {
      // Another instance (or a later start) may have this platform: wait, without using an attempt.
      await this.finish(msg, {
        status: "pending",
        attempts: msg.attempts - 1,
        lastError: `no sender for ${p.platform} on this instance`,
        notBefore: new Date(now.getTime() + (this.opts.noSenderDelayMs ?? 600_000)),
      });
      return "deferred";
    }
    const ref = await this.opts.db.conversationRef.findFirst({
      where: { userId: msg.userId, platform: p.platform, active: true },
      orderBy: { updatedAt: "desc" },
    });
    if (!ref) {
      await this.finish(msg, { status: "failed", lastError: `no active ${p.platform} conversation for this user` });
      this.log.warn("outbox message has nowhere to go", { id: String(msg.id), kind: msg.kind });
      return "failed";
    }
    const heartbeat = this.keepLease(msg);
    try {
      // the row's key names the delivery: steps that went out on an earlier attempt (the text
      // before a failed file upload) are not sent again
      await sender(ref.reference, composed.reply, `outbox:${msg.dedupeKey}`);
    } catch (err) {
      await heartbeat.stop();
      if (isPermanentDeliveryError(err)) {
        await this.opts.db.conversationRef.update({ where: { id: ref.id }, data: { active: false } });
        const other = await this.opts.db.conversationRef.count({ where: { userId: msg.userId, platform: p.platform, active: true } });
        this.log.warn("conversation unreachable, reference marked inactive", { id: String(msg.id), kind: msg.kind, error: describe(err) });
        if (other > 0 && msg.attempts < max) {
          await this.finish(msg, { status: "pending", lastError: describe(err), notBefore: now });
          return "retried";
        }
        await this.finish(msg, { status: "failed", lastError: `permanent: ${describe(err)}` });
        return "failed";
      }
      return this.retryLater(msg, now, err);
    }
    await heartbeat.stop();
    await this.finish(msg, { status: "sent", sentAt: now, lastError: null });
    this.log.info("outbox message sent", { id: String(msg.id), kind: msg.kind, attempts: msg.attempts });
    return "sent";
  }

  /** The message as it should read now; a skip when it no longer applies (cancelled, superseded). */
  private async compose(kind: string, userId: string, p: z.infer<typeof Payload>, now: Date): Promise<{ reply: Reply } | { skip: string }> {
    const { db } = this.opts;
    const booking = await db.booking.findUnique({ where: { id: p.bookingId }, include: { session: true } });
    if (!booking || booking.userId !== userId) return { skip: "booking not found" };
    const { session, ...b } = booking;
    const user = await db.user.findUnique({ where: { id: userId } });
    const lang = await this.langOf(userId, user?.locale ?? undefined);
    const tz = user?.timeZone ?? undefined;
    switch (kind) {
      case "booking_confirmed":
        // the confirmation of a booking whose answer could not be delivered at the time
        if (b.status !== "confirmed") return { skip: "no longer confirmed" };
        if (now.getTime() >= session.startsAt.getTime()) return { skip: "session started" };
        return { reply: confirmedReply(session, b, lang, tz) };
      case "promoted":
        if (b.status !== "confirmed") return { skip: "no longer confirmed" };
        if (now.getTime() >= session.startsAt.getTime()) return { skip: "session started" };
        return { reply: promotedNotice(session, b, lang, tz) };
      case "reminder":
        if (b.status !== "confirmed" || session.status === "cancelled") return { skip: "booking or session cancelled" };
        if (p.startsAt !== session.startsAt.toISOString()) return { skip: "session moved" };
        if (now.getTime() >= session.startsAt.getTime()) return { skip: "session started" };
        return { reply: reminderNotice(session, b, p.offsetMs ?? 0, lang, tz) };
      case "session_changed":
        if (b.status !== "confirmed" || session.status === "cancelled") return { skip: "booking or session cancelled" };
        if (p.sequence !== session.sequence) return { skip: "superseded by a later change" };
        return { reply: changedNotice(session, b, p.changed ?? [], lang, tz) };
      case "session_cancelled":
        if (session.status !== "cancelled" || p.sequence !== session.sequence) return { skip: "session no longer cancelled" };
        if (b.status === "cancelled") return { skip: "booking cancelled" };
        return { reply: sessionCancelledNotice(session, b, lang, tz) };
      case "broadcast":
        if (b.status === "cancelled") return { skip: "booking cancelled" };
        return { reply: broadcastNotice(session, p.text ?? "", lang) };
      default:
        return { skip: `unknown kind ${kind}` };
    }
  }

  /** The language the person last used with the bot, else their platform locale, else Japanese. */
  private async langOf(userId: string, locale: string | undefined): Promise<Lang> {
    const state = await this.opts.db.conversationState.findFirst({ where: { userId }, orderBy: { updatedAt: "desc" } });
    const lang = (state?.data as { lang?: unknown } | undefined)?.lang;
    if (lang === "ja" || lang === "en") return lang;
    return locale?.toLowerCase().startsWith("en") ? "en" : "ja";
  }
}

/** An error as a short line for lastError and logs (no payloads, no names). */
function describe(err: unknown): string {
  const e = err as Record<string, any> | null;
  if (!e || typeof e !== "object") return String(err).slice(0, 200);
  const parts = [e.name, e.code, e.statusCode ?? e.status, e.data?.error, e.message].filter((v) => v !== undefined && v !== null && v !== "");
  return parts.map(String).join(" ").slice(0, 300);
}
