// The inbox: every delivery from Slack and Teams is stored (InboxDelivery) before it is
// acknowledged, keyed by what the platform guarantees unique, and processed from the database.
// The instance that stored it works it out at once and holds a lease (lockedUntil) that it renews
// while it works; the answer is stored with the row before it is sent, and each delivery step
// (the text, each file) is recorded as started and done. Rows left unfinished (the instance was
// killed after the acknowledgement, a deploy, a transient database error) are taken again by any
// instance once their lease has run out (at once at start-up on the embedded database, which only
// one process can open): the turn is worked out once, and only the steps not yet done are sent.
// An entry that fails every attempt is given up, and the person is told once, through the same
// journaled delivery (status "apologising", then "failed"). Once an entry is over, the message it
// held (turn, destination, answer) is cleared: only the dedupe key and the status stay.
import { randomUUID } from "node:crypto";
import { Prisma, type Db } from "../db/client.ts";
import { isTransientDbError } from "../db/transient.ts";
import type { Logger } from "../core/logger.ts";
import { textReply, type Reply } from "../core/reply.ts";
import { NOT_PROCESSED } from "../core/errors.ts";
import type { Turn } from "../core/turn.ts";
import { describe as describeError } from "../delivery/conversation-queue.ts";
import { replyFromJson, replyToJson, turnFromJson, turnToJson } from "./serialize.ts";
import type { InboxChannel, InboxEntry, RunResult, StepJournal, TurnInbox } from "./types.ts";

export interface InboxOptions {
  log: Logger;
  /** Works a turn out (the pipeline without its own dedupe); throws on a transient database error. */
  handle(turn: Turn): Promise<{ reply: Reply; userId?: string; orgId?: string } | null>;
  /** How long an instance holds an entry without renewing it (default 60 s). */
  leaseMs?: number;
  /**
   * The database is this process's alone (the embedded one): at start-up every unfinished entry
   * is an orphan of an earlier run and is taken at once, without waiting for its lease.
   */
  exclusive?: boolean;
  /**
   * Attempts before an entry is given up (a turn that fails every time); the person is then told,
   * with up to APOLOGY_ATTEMPTS more attempts to deliver that. Default 8.
   */
  maxAttempts?: number;
  /** The scheduler's clock (tests may pin it). */
  clock?: () => Date;
}

/** Attempts to deliver the apology of an entry given up, after its own maxAttempts. */
const APOLOGY_ATTEMPTS = 3;

/** What is left of an entry once it is over: no message text at rest. */
const CLEARED = { turn: {}, destination: {}, reply: Prisma.DbNull } as const;

type Row = {
  id: bigint;
  status: string;
  platform: string;
  deliveryId: string;
  turn: unknown;
  destination: unknown;
  reply: unknown;
  userId: string | null;
  steps: unknown;
  attempts: number;
};

export class Inbox implements TurnInbox {
  /** This instance's name in the leases it holds. */
  readonly instance = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly channels = new Map<string, InboxChannel>();
  /** Entries this instance is working on: their leases are renewed. */
  private readonly owned = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();
  private timer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private firstTick = true;
  private readonly leaseMs: number;
  private readonly clock: () => Date;

  constructor(
    private readonly db: Db,
    private readonly opts: InboxOptions,
  ) {
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.clock = opts.clock ?? (() => new Date());
  }

  register(platform: string, channel: InboxChannel): void {
    this.channels.set(platform, channel);
  }

  async accept(turn: Turn, destination: unknown): Promise<InboxEntry | null> {
    const now = this.clock();
    // a delivery without an id cannot be recognised when it comes again: stored under a name of its own
    const deliveryId = turn.deliveryId ?? `noid:${randomUUID()}`;
    const turnJson = turnToJson({ ...turn, deliveryId });
    const rows = await this.db.$queryRaw<{ id: bigint }[]>`
      INSERT INTO "InboxDelivery" (platform, "deliveryId", turn, destination, status, attempts, "lockedBy", "lockedUntil", "notBefore", "receivedAt", "createdAt")
      VALUES (${turn.platform}, ${deliveryId}, ${JSON.stringify(turnJson)}::jsonb, ${JSON.stringify(destination ?? null)}::jsonb, 'pending', 1,
              ${this.instance}, ${new Date(now.getTime() + this.leaseMs)}, ${now}, ${turn.receivedAt}, ${now})
      ON CONFLICT (platform, "deliveryId") DO NOTHING
      RETURNING id`;
    if (!rows.length) return null;
    this.owned.add(String(rows[0].id));
    return { id: String(rows[0].id), platform: turn.platform, deliveryId, turn: turnFromJson(turnJson), destination: destination ?? null, steps: {} };
  }

  run(entry: InboxEntry): Promise<RunResult> {
    const work = this.work(entry);
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    return work;
  }

  private async work(entry: InboxEntry): Promise<RunResult> {
    const log = this.opts.log.child({ inbox: entry.id, platform: entry.platform, delivery: entry.deliveryId });
    const channel = this.channels.get(entry.platform);
    this.owned.add(entry.id);
    try {
      if (!channel) {
        log.warn("no channel for this platform here: left for an instance that has it");
        await this.later(entry, new Error(`no ${entry.platform} channel`), 60_000);
        return "later";
      }
      let answer: { reply: Reply; userId?: string; orgId?: string } | undefined = entry.reply ? { reply: entry.reply, userId: entry.userId } : undefined;
      if (!answer) {
        const turn = channel.prepare ? await channel.prepare(entry) : entry.turn;
        const result = await this.opts.handle(turn);
        if (!result) {
          await this.finish(entry, "done");
          return "nothing";
        }
        if (!(await this.saveReply(entry, result))) {
          log.warn("inbox lease lost before the answer was stored: another instance has the entry");
          return "lost";
        }
        answer = result;
      }
      const outcome = await channel.deliver(entry, answer, this.journal(entry, log));
      // an apology delivered ends an entry that failed: it stays "failed"
      await this.finish(entry, outcome.ok && !entry.apology ? "done" : "failed", outcome.ok ? undefined : describeError(outcome.error));
      return outcome.ok && !entry.apology ? "delivered" : "failed";
    } catch (err) {
      log.warn(isTransientDbError(err) ? "transient database error: the delivery is taken again later" : "delivery not finished: taken again later", { error: describeError(err) });
      await this.later(entry, err).catch((e) => log.error("inbox entry could not be released", { error: describeError(e) }));
      return "later";
    } finally {
      this.owned.delete(entry.id);
    }
  }

  private journal(entry: InboxEntry, log: Logger): StepJournal {
    const write = async () => {
      const { count } = await this.db.inboxDelivery.updateMany({ where: { id: BigInt(entry.id), lockedBy: this.instance }, data: { steps: entry.steps } });
      if (!count) throw new Error("inbox lease lost");
    };
    return {
      state: (id) => entry.steps[id],
      started: async (id) => {
        entry.steps[id] = "started";
        await write();
      },
      // the step was sent: a failure to record it must not make the queue send it again
      done: async (id) => {
        entry.steps[id] = "done";
        await write().catch((err) => log.warn("a delivered step could not be recorded", { step: id, error: describeError(err) }));
      },
    };
  }

  private async saveReply(entry: InboxEntry, answer: { reply: Reply; userId?: string; orgId?: string }): Promise<boolean> {
    const { count } = await this.db.inboxDelivery.updateMany({
      where: { id: BigInt(entry.id), lockedBy: this.instance },
      // the organisation, once known, is the row's tenant wall (migration 20261203075612)
      data: { status: "replying", reply: replyToJson(answer.reply) as object, userId: answer.userId ?? null, ...(answer.orgId ? { orgId: answer.orgId } : {}) },
    });
    if (count) {
      entry.reply = answer.reply;
      entry.userId = answer.userId;
    }
    return count === 1;
  }

  private async finish(entry: InboxEntry, status: "done" | "failed", error?: string): Promise<void> {
    const now = this.clock();
    await this.db.inboxDelivery.updateMany({
      where: { id: BigInt(entry.id), lockedBy: this.instance },
      data: { status, doneAt: now, lockedBy: null, lockedUntil: null, ...CLEARED, ...(error ? { error: error.slice(0, 500) } : {}) },
    });
  }

  private async later(entry: InboxEntry, err: unknown, delayMs?: number): Promise<void> {
    const now = this.clock();
    const row = await this.db.inboxDelivery.findUnique({ where: { id: BigInt(entry.id) }, select: { attempts: true } });
    const attempts = row?.attempts ?? 1;
    const max = this.opts.maxAttempts ?? 8;
    const wait = delayMs ?? Math.min(300_000, 1_000 * 2 ** Math.max(0, attempts - 1));
    const error = describeError(err).slice(0, 500);
    const where = { id: BigInt(entry.id), lockedBy: this.instance };
    if (entry.apology ? attempts >= max + APOLOGY_ATTEMPTS : attempts >= max) {
      // the apology could not be delivered either: nothing more can be done
      if (entry.apology) {
        await this.db.inboxDelivery.updateMany({ where, data: { status: "failed", doneAt: now, lockedBy: null, lockedUntil: null, ...CLEARED, error } });
        this.opts.log.error("inbox entry given up, and its apology could not be delivered", { inbox: entry.id, attempts });
        return;
      }
      // Given up: the person is told once, as this entry's answer (the same journaled steps: an
      // answer already posted, or perhaps posted, is not followed by an apology). Any instance
      // delivers it from the database, at once.
      await this.db.inboxDelivery.updateMany({
        where,
        data: { status: "apologising", reply: replyToJson(textReply(NOT_PROCESSED)) as object, lockedBy: null, lockedUntil: null, notBefore: now, error },
      });
      this.opts.log.error("inbox entry given up after repeated failures: the person is told", { inbox: entry.id, attempts });
      return;
    }
    await this.db.inboxDelivery.updateMany({ where, data: { lockedBy: null, lockedUntil: null, notBefore: new Date(now.getTime() + wait), error } });
  }

  /**
   * Takes unfinished entries whose lease ran out (or, on the first look of a process that owns
   * the database, every unfinished entry another run left) and works them out.
   */
  async recover(limit = 20): Promise<number> {
    const now = this.clock();
    const lease = new Date(now.getTime() + this.leaseMs);
    const orphansToo = this.opts.exclusive && this.firstTick;
    this.firstTick = false;
    // SKIP LOCKED and the lease checked again on the row itself: two instances never take one row
    const rows = await this.db.$queryRaw<Row[]>`
      UPDATE "InboxDelivery" SET "lockedBy" = ${this.instance}, "lockedUntil" = ${lease}, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM "InboxDelivery"
        WHERE status IN ('pending', 'replying', 'apologising') AND "notBefore" <= ${now}
          AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${now} OR (${orphansToo}::boolean AND "lockedBy" IS DISTINCT FROM ${this.instance}))
        ORDER BY id LIMIT ${limit}::int
        FOR UPDATE SKIP LOCKED)
        AND status IN ('pending', 'replying', 'apologising')
        AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${now} OR (${orphansToo}::boolean AND "lockedBy" IS DISTINCT FROM ${this.instance}))
      RETURNING id, status, platform, "deliveryId", turn, destination, reply, "userId", steps, attempts`;
    rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const r of rows) {
      const entry: InboxEntry = {
        id: String(r.id),
        platform: r.platform,
        deliveryId: r.deliveryId,
        turn: turnFromJson(r.turn),
        destination: r.destination,
        ...(r.reply ? { reply: replyFromJson(r.reply), userId: r.userId ?? undefined } : {}),
        steps: (r.steps ?? {}) as InboxEntry["steps"],
        ...(r.status === "apologising" ? { apology: true } : {}),
      };
      this.opts.log.info("inbox entry taken again", { inbox: entry.id, platform: entry.platform, delivery: entry.deliveryId, attempts: r.attempts, answered: Boolean(r.reply) });
      this.owned.add(entry.id);
      void this.run(entry);
    }
    return rows.length;
  }

  /** Renews the leases of the entries this instance is working on. */
  private async renew(): Promise<void> {
    if (!this.owned.size) return;
    const until = new Date(this.clock().getTime() + this.leaseMs);
    await this.db.inboxDelivery.updateMany({ where: { id: { in: [...this.owned].map(BigInt) }, lockedBy: this.instance }, data: { lockedUntil: until } });
  }

  /** Looks for unfinished entries now and every `intervalMs`; renews leases meanwhile. */
  start(intervalMs = 10_000): void {
    if (this.timer) return;
    const tick = () => {
      this.ticking ??= this.recover()
        .then(() => undefined)
        .catch((err) => this.opts.log.warn("inbox recovery failed", { error: describeError(err) }))
        .finally(() => (this.ticking = undefined));
    };
    tick();
    // often enough that an entry whose lease ran out waits at most half a lease more
    this.timer = setInterval(tick, Math.min(intervalMs, Math.max(1_000, Math.floor(this.leaseMs / 2))));
    this.timer.unref();
    this.renewTimer = setInterval(() => void this.renew().catch((err) => this.opts.log.warn("inbox lease renewal failed", { error: describeError(err) })), Math.max(200, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  /** Stops looking; waits (bounded) for the entries being worked on. */
  async stop(timeoutMs = 10_000): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    const drained = (async () => {
      while (this.running.size) await Promise.allSettled([...this.running]);
    })();
    await Promise.race([drained, new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  /** Forgets finished entries older than `olderThanMs` (the platforms' retry windows are minutes). */
  async prune(now: Date, olderThanMs = 24 * 3_600_000): Promise<number> {
    const before = new Date(now.getTime() - olderThanMs);
    const { count } = await this.db.inboxDelivery.deleteMany({ where: { status: { in: ["done", "failed"] }, createdAt: { lt: before } } });
    // the marks of turns that changed data (src/db/turn-effects.ts) matter as long as their delivery can come again
    await this.db.turnEffect.deleteMany({ where: { at: { lt: before } } });
    return count;
  }
}
