// Whether Slack is reachable, learnt without ever stopping the process. Bolt's own start-up check
// (auth.test in the App constructor, cached) rejects when Slack is down at that moment: an
// unhandled rejection that killed the process, and a cached failure that refused every later
// event. Here auth.test runs in the background with backoff until it succeeds, events are
// processed meanwhile with the bot token alone, and /healthz reports the state.
import type { webApi } from "@slack/bolt";
import type { Logger } from "../../core/logger.ts";

export type SlackState = "connecting" | "ok" | "degraded";

export interface SlackIdentity {
  botId?: string;
  botUserId?: string;
  teamId?: string;
}

export class SlackConnection {
  state: SlackState = "connecting";
  identity: SlackIdentity = {};
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: Logger,
    private readonly backoff = { minMs: 1_000, maxMs: 60_000 },
    /** Socket Mode: also opens the socket (Bolt's app.start), retried the same way. */
    private readonly connect?: () => Promise<void>,
  ) {}

  /** Starts checking in the background; never throws, never blocks start-up. */
  start(): void {
    this.stopped = false;
    void this.attempt();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** What Bolt's `authorize` asks for: the token always, the bot's ids once auth.test answered. */
  authorize(botToken: string) {
    return { botToken, ...this.identity };
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      const r = await this.client.auth.test();
      this.identity = { botId: r.bot_id, botUserId: r.user_id, teamId: r.team_id };
      await this.connect?.();
      if (this.state !== "ok") this.log.info("slack connected", { team: r.team_id });
      this.state = "ok";
      this.failures = 0;
    } catch (err) {
      this.failures++;
      this.state = "degraded";
      const wait = Math.min(this.backoff.maxMs, this.backoff.minMs * 2 ** Math.min(this.failures - 1, 10));
      this.log.warn("slack unreachable, retrying", { error: (err as Error).message, retryInMs: wait });
      if (!this.stopped) {
        this.timer = setTimeout(() => void this.attempt(), wait);
        this.timer.unref();
      }
    }
  }
}
