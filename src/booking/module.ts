// The booking part of the product, built once by app.ts: the service the intents use, the outbox
// worker (started by main.ts) and the registry of senders the channels fill in as they start.
import type { Config } from "../config.ts";
import type { Db, TenantWalls } from "../db/client.ts";
import type { TurnEffects } from "../db/turn-effects.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import type { Logger } from "../core/logger.ts";
import { BookingService } from "./booking-service.ts";
import { OutboxWorker, type Senders } from "./outbox-worker.ts";
import { enqueue } from "./booking-service.ts";
import type { Reply } from "../core/reply.ts";
import type { Platform } from "../core/turn.ts";
import { retireDemoSessions, seedSessionsIfEmpty } from "./seed.ts";
import { isAnnounced, SESSIONS_OPEN_KIND } from "./alerts.ts";
import { sessionsOpenNotice } from "./replies.ts";

export interface BookingModule {
  service: BookingService;
  /** slack: set by server.ts; teams: set by server.ts when mounted; console: set by main.ts */
  senders: Senders;
  outbox: OutboxWorker;
  /** A reply that must reach its person (Reply.redeliver) but could not be delivered now: queued for the outbox. */
  keepForLater(platform: Platform, userId: string, reply: Reply): Promise<boolean>;
}

/** How often the outbox worker looks for due messages and reminders. */
export const OUTBOX_INTERVAL_MS = 20_000;

export async function createBookingModule(db: Db, kb: Knowledge, config: Config, log: Logger, opts: { sessionsFile?: string; walls?: TenantWalls; effects?: TurnEffects } = {}): Promise<BookingModule> {
  const areaIds = new Set(kb.areas.map((a) => a.id));
  const service = new BookingService(db, { areaIds, log: log.child({ component: "booking" }), walls: opts.walls, effects: opts.effects });
  // the demo series for the terminal chat; a deployment starts with none (config.demoSessions)
  if (config.demoSessions) await seedSessionsIfEmpty(db, areaIds, log, opts.sessionsFile);
  else await retireDemoSessions(db, log);
  const senders: Senders = {};
  const outbox = new OutboxWorker({ db, log, senders, booking: service, reminderOffsetsMs: config.reminderOffsetsMs });
  // 「開催が決まったら通知」: the sessions as they stand when the notice goes out
  outbox.register(SESSIONS_OPEN_KIND, async (userId, payload, now) => {
    const alert = typeof payload.alertId === "string" ? await db.sessionAlert.findUnique({ where: { id: payload.alertId } }) : null;
    if (!alert || alert.userId !== userId || alert.requestedAt.toISOString() !== payload.requestedAt) return { skip: "no longer asked for" };
    const sessions = (await service.listSessions(now)).filter((s) => isAnnounced(s, now));
    if (!sessions.length) return { skip: "no session open any more" };
    const user = await db.user.findUnique({ where: { id: userId } });
    const lang = alert.lang === "en" ? "en" : "ja";
    return { reply: sessionsOpenNotice(sessions, lang, user?.timeZone ?? undefined, now) };
  });
  const keepForLater = async (platform: Platform, userId: string, reply: Reply) => {
    if (!reply.redeliver) return false;
    const { kind, payload } = reply.redeliver;
    const queued = await enqueue(db, [{ dedupeKey: `${kind}:${Object.values(payload).join(":")}`, userId, kind, payload: { ...payload, platform } }]);
    log.warn("reply not delivered now, queued for the outbox", { kind, queued });
    return queued > 0;
  };
  return { service, senders, outbox, keepForLater };
}
