// Socket Mode with the acknowledgement sent after the delivery is stored (issue 10), as the HTTP
// receiver does with processBeforeResponse.
//
// Why a receiver of our own: in @slack/bolt 5.1.0, App.processEvent acknowledges an Events API
// event (`await ack()`) before any middleware or listener runs, and SocketModeReceiver's ack sends
// the envelope's acknowledgement over the socket at once (SocketModeResponseAck); Bolt has no
// processBeforeResponse for Socket Mode. A crash between that ack and the inbox write would lose
// the message: Slack does not send an acknowledged envelope again. Here the receiver hands Bolt an
// ack that only notes the response, and sends it over the socket once processEvent has finished,
// that is once the listener has stored the delivery (it returns without waiting for the answer).
// A delivery that could not be stored is not acknowledged: Slack sends the envelope again.
// Everything else (the connection, reconnects, pings) is Bolt's SocketModeReceiver unchanged.
import { SocketModeReceiver, type App, type SocketModeReceiverOptions } from "@slack/bolt";
import type { Logger } from "../../core/logger.ts";
import { InboxUnavailableError } from "../../inbox/types.ts";

interface SlackEventArgs {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  envelope_id: string;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
}

/**
 * The receiver for Socket Mode. The class is made on first use: `extends SocketModeReceiver` reads
 * Bolt's Socket Mode export, which the bundle loads only then (scripts/bundle.mjs), so that a
 * service without SLACK_APP_TOKEN never loads @slack/socket-mode.
 */
export function storeBeforeAckReceiver(options: SocketModeReceiverOptions, log: Logger): SocketModeReceiver {
  StoreBeforeAckReceiver ??= defineReceiver();
  return new StoreBeforeAckReceiver(options, log);
}

let StoreBeforeAckReceiver: ReturnType<typeof defineReceiver> | undefined;

const defineReceiver = () => class StoreBeforeAckReceiver extends SocketModeReceiver {
  private bolt?: App;

  constructor(
    options: SocketModeReceiverOptions,
    private readonly log: Logger,
  ) {
    super(options);
    // Bolt's own listener (which acks before the listeners run) is replaced by ours
    this.client.removeAllListeners("slack_event");
    this.client.on("slack_event", (args: SlackEventArgs) => void this.onEvent(args));
  }

  override init(app: App): void {
    super.init(app);
    this.bolt = app;
  }

  private async onEvent(args: SlackEventArgs): Promise<void> {
    let response: { body?: Record<string, unknown> } | undefined;
    const event = {
      body: args.body,
      // noted here, sent below once the listeners are done (a second call is ignored, as Bolt's)
      ack: async (body?: unknown) => void (response ??= { body: body as Record<string, unknown> | undefined }),
      retryNum: args.retry_num,
      retryReason: args.retry_reason,
      customProperties: {},
    };
    try {
      await this.bolt?.processEvent(event as never);
    } catch (err) {
      const cause = (err as { original?: unknown }).original;
      if (err instanceof InboxUnavailableError || cause instanceof InboxUnavailableError) {
        this.log.error("delivery not stored: not acknowledged, for Slack to send it again", { envelope: args.envelope_id, error: (err as Error).message });
        return;
      }
      // as Bolt's default: an event the app cannot authorise is acknowledged (no retries), others are not
      if ((err as { code?: string }).code !== "slack_bolt_authorization_error") {
        this.log.error("slack event failed", { envelope: args.envelope_id, type: args.type, error: (err as Error).message });
        return;
      }
      response ??= {};
    }
    if (!response) return; // nothing acknowledged it (as before: no listener for it)
    await args.ack(response.body).catch((e: Error) => this.log.warn("socket acknowledgement not sent", { envelope: args.envelope_id, error: e.message }));
  }
};
