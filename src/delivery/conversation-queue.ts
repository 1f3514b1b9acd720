// The one way messages leave the bot: per conversation, in order, paced within the platform's
// limit (Slack: about one message a second per channel), Retry-After honoured on a rate limit,
// transient failures (5xx, network, timeouts) retried with backoff until a deadline, permanent
// ones (the bot may not write there) retired and logged. A reply is a list of steps (its text,
// then each file), each run once: a step that succeeded is remembered by its id and never run
// again, so a retry of the whole delivery (the outbox trying again) does not repeat the text
// whose file upload failed.
import type { Logger } from "../core/logger.ts";

export interface DeliveryStep {
  /** Unique for what it sends (e.g. `<delivery>:text`, `<delivery>:file:0`): a done id is skipped. */
  id: string;
  run(): Promise<void>;
  /**
   * Whether a step whose outcome is unknown (it timed out: the platform may have taken it) did
   * arrive after all, asked before it is run again, so a slow platform does not get it twice.
   */
  check?(): Promise<boolean>;
  /**
   * The step was started before and its outcome is not known (the process died while sending it):
   * it is checked (when it can be) before it is sent again.
   */
  uncertain?: boolean;
}

export type FailureKind =
  | { kind: "rate-limited"; retryAfterMs: number }
  /** `unknown`: the request may have been taken (a timeout); check before sending again. */
  | { kind: "transient"; unknown?: boolean }
  | { kind: "permanent" };

export interface QueueOptions {
  log: Logger;
  /** Minimum time between two sends into one conversation. */
  minIntervalMs: number;
  /** What a failed step means: wait and retry, back off and retry, or give up. */
  classify(err: unknown): FailureKind;
  /** How long a delivery keeps trying before it is retired (default 10 min). */
  deadlineMs?: number;
  /** Delay before retry n of a transient failure (default 1 s × 2^(n-1), at most 60 s, ±20 %). */
  backoffMs?: (attempt: number) => number;
  /** How many finished step ids are remembered (default 10,000). */
  rememberSteps?: number;
}

export type DeliveryOutcome = { ok: true } | { ok: false; permanent: boolean; error: unknown };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

function defaultBackoff(attempt: number): number {
  const base = Math.min(60_000, 1_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export class ConversationQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  /** When the next send into a conversation may start (performance.now() time). */
  private readonly nextAt = new Map<string, number>();
  private readonly done = new Set<string>();

  constructor(private readonly opts: QueueOptions) {}

  /** Steps already delivered (by id), for tests and the outbox. */
  isDone(stepId: string): boolean {
    return this.done.has(stepId);
  }

  /**
   * Queues a delivery behind everything already queued for `conversation` and resolves when all
   * its steps are sent, or when one was retired (the rest of that delivery is then not sent).
   */
  deliver(conversation: string, steps: DeliveryStep[]): Promise<DeliveryOutcome> {
    return this.reserve(conversation).deliver(steps);
  }

  /**
   * Takes a place in the conversation's line now (when a message arrives) and fills it later
   * (when its answer is ready), so answers go out in the order the messages came, however long
   * each took to work out. A place that gets no answer (a duplicate) is released with `cancel`.
   */
  reserve(conversation: string): { deliver(steps: DeliveryStep[]): Promise<DeliveryOutcome>; cancel(): void } {
    let fill!: (steps: DeliveryStep[]) => void;
    const filled = new Promise<DeliveryStep[]>((r) => (fill = r));
    const prev = this.tails.get(conversation) ?? Promise.resolve();
    const run = prev.then(() => filled).then((steps) => this.runSteps(conversation, steps));
    this.chain(conversation, run);
    return {
      deliver: (steps) => {
        fill(steps);
        return run;
      },
      cancel: () => fill([]),
    };
  }

  private chain(conversation: string, run: Promise<unknown>): void {
    const tail = run.catch(() => undefined);
    this.tails.set(conversation, tail);
    void tail.then(() => {
      if (this.tails.get(conversation) !== tail) return;
      this.tails.delete(conversation);
      // a conversation's pacing is only needed until its time has come: without this the map
      // kept one entry for every conversation the process ever answered
      if ((this.nextAt.get(conversation) ?? 0) <= performance.now()) this.nextAt.delete(conversation);
      if (this.nextAt.size > 1_000) this.forgetPastPacing();
    });
  }

  private forgetPastPacing(): void {
    const now = performance.now();
    for (const [c, at] of this.nextAt) if (at <= now && !this.tails.has(c)) this.nextAt.delete(c);
  }

  /** Resolves once nothing is queued any more (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.tails.size) await Promise.allSettled([...this.tails.values()]);
  }

  private async runSteps(conversation: string, steps: DeliveryStep[]): Promise<DeliveryOutcome> {
    const started = performance.now();
    const deadline = started + (this.opts.deadlineMs ?? 600_000);
    for (const step of steps) {
      if (this.done.has(step.id)) continue;
      let verify = Boolean(step.uncertain);
      for (let attempt = 1; ; attempt++) {
        const wait = (this.nextAt.get(conversation) ?? 0) - performance.now();
        if (wait > 0) await sleep(wait);
        if (verify && step.check && (await step.check().catch(() => false))) {
          this.opts.log.info("delivery found delivered after an unknown outcome, not sent again", { conversation, step: step.id });
          this.remember(step.id);
          break;
        }
        try {
          await step.run();
          this.nextAt.set(conversation, performance.now() + this.opts.minIntervalMs);
          this.remember(step.id);
          break;
        } catch (err) {
          const failure = this.opts.classify(err);
          if (failure.kind === "transient" && failure.unknown) verify = true;
          const now = performance.now();
          if (failure.kind === "permanent") {
            this.opts.log.error("delivery retired: permanent error", { conversation, step: step.id, error: describe(err) });
            return { ok: false, permanent: true, error: err };
          }
          const delay = failure.kind === "rate-limited" ? Math.max(failure.retryAfterMs, this.opts.minIntervalMs) : (this.opts.backoffMs ?? defaultBackoff)(attempt);
          if (now + delay > deadline) {
            this.opts.log.error("delivery retired: deadline passed", { conversation, step: step.id, attempts: attempt, error: describe(err) });
            return { ok: false, permanent: false, error: err };
          }
          this.nextAt.set(conversation, now + delay);
          this.opts.log.warn(failure.kind === "rate-limited" ? "delivery rate limited, waiting" : "delivery failed, retrying", {
            conversation,
            step: step.id,
            attempt,
            delayMs: Math.round(delay),
            error: describe(err),
          });
        }
      }
    }
    return { ok: true };
  }

  private remember(id: string): void {
    this.done.add(id);
    const max = this.opts.rememberSteps ?? 10_000;
    if (this.done.size > max) this.done.delete(this.done.values().next().value!);
  }
}

/** An error as a short line for logs (no payloads, no tokens). */
export function describe(err: unknown): string {
  const e = err as Record<string, any> | null;
  if (!e || typeof e !== "object") return String(err).slice(0, 200);
  const parts = [e.name, e.code, e.statusCode ?? e.status, e.data?.error, e.message].filter((v) => v !== undefined && v !== null && v !== "");
  return parts.map(String).join(" ").slice(0, 300);
}
