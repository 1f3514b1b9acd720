// What the channel adapters see of the inbox (src/inbox/inbox.ts): no database here, so an adapter
// hands its translated Turn to this interface and never touches Prisma (DESIGN: layering).
import type { Reply } from "../core/reply.ts";
import type { Turn } from "../core/turn.ts";
import type { DeliveryOutcome } from "../delivery/conversation-queue.ts";

/** One stored delivery, as the instance working on it holds it. */
export interface InboxEntry {
  id: string;
  platform: string;
  deliveryId: string;
  /** Revived from the database: files carry their `ref`; the channel's `prepare` makes them downloadable. */
  turn: Turn;
  /** Where the answer goes, in the adapter's own (serialisable) terms. */
  destination: unknown;
  /** The answer, once worked out (stored with the entry). */
  reply?: Reply;
  userId?: string;
  /** Delivery steps recorded so far: "started" (outcome unknown after a crash) or "done". */
  steps: Record<string, "started" | "done">;
  /** The entry was given up: its answer is the apology that says so (and it ends as "failed"). */
  apology?: boolean;
}

/** Which delivery steps of an entry were sent, kept in the database with the entry. */
export interface StepJournal {
  state(stepId: string): "started" | "done" | undefined;
  started(stepId: string): Promise<void>;
  done(stepId: string): Promise<void>;
}

/** What a channel gives the inbox so that any instance can finish an entry it stored. */
export interface InboxChannel {
  /** Makes the stored turn whole again before it is worked out (files' downloads, the person's profile). */
  prepare?(entry: InboxEntry): Promise<Turn>;
  /** Delivers the answer; steps the journal has as done are skipped, started ones checked first. */
  deliver(entry: InboxEntry, answer: { reply: Reply; userId?: string }, journal: StepJournal): Promise<DeliveryOutcome>;
}

export type RunResult = "delivered" | "nothing" | "failed" | "later" | "lost";

export interface TurnInbox {
  /** The channel that finishes this platform's entries (its own and those of instances that died). */
  register(platform: string, channel: InboxChannel): void;
  /**
   * Stores a delivery before it is acknowledged. null: the same delivery (platform and id) is
   * stored already, a redelivery. The entry returned is leased to this instance.
   */
  accept(turn: Turn, destination: unknown): Promise<InboxEntry | null>;
  /** Works an accepted entry out and delivers its answer; never throws. */
  run(entry: InboxEntry): Promise<RunResult>;
}

/** Raised when a delivery could not be stored: it must not be acknowledged (the platform sends it again). */
export class InboxUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the inbox could not store the delivery: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "InboxUnavailableError";
  }
}
