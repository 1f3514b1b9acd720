// Slack's side of the delivery path (src/delivery): a Reply becomes steps (the message, then each
// file), sent by a WebClient whose own retries are off (chat.postMessage has no idempotency key:
// the SDK retrying a slow post made copies) and which hands rate limits back to the queue, which
// waits Retry-After and keeps the channel's order and pace.
import type { webApi } from "@slack/bolt";
import type { Reply } from "../../core/reply.ts";
import type { DeliveryStep, FailureKind } from "../../delivery/conversation-queue.ts";
import { renderBlocks } from "./render-blocks.ts";
import { PERMANENT_SLACK_ERRORS, TRANSIENT_SLACK_ERRORS } from "../../delivery/slack-errors.ts";

type WebClient = webApi.WebClient;

/** Where a reply goes: a channel, a thread in it, and whether only the asker may see it. */
export interface Destination {
  channel: string;
  threadTs?: string;
  user: string;
  /** A DM with the bot: everything may be shown there. */
  personal: boolean;
  /** `channel` is a user id (U… or, in Enterprise Grid, W…), not a conversation id. */
  toUser?: boolean;
  /** Slash commands and clicks on ephemeral messages answer through their response_url. */
  respond?: (msg: Record<string, unknown>) => Promise<unknown>;
}

/** Slack answers about one message a second per channel (chat.postMessage's special limit). */
export const SLACK_MIN_INTERVAL_MS = 1_000;

/** The client for sending: no retries of its own, rate limits returned to the caller. */
export function sendingClientOptions(apiUrl: string | undefined, timeoutMs = 10_000) {
  return { slackApiUrl: apiUrl, timeout: timeoutMs, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
}

/** The metadata event type that names each message the bot posts, so a timed-out post can be found. */
export const DELIVERY_EVENT_TYPE = "jama_delivery";

/** What a failed Web API call (or response_url post) means for the queue. */
export function classifySlackError(err: unknown): FailureKind {
  const e = err as Record<string, any> | null;
  if (!e || typeof e !== "object") return { kind: "transient" };
  if (e.code === "slack_webapi_rate_limited_error") return { kind: "rate-limited", retryAfterMs: Math.max(0, Number(e.retryAfter ?? 1)) * 1000 };
  const status = e.statusCode ?? e.status ?? e.response?.status;
  if (typeof status === "number") {
    if (status === 429) return { kind: "rate-limited", retryAfterMs: Number(e.headers?.["retry-after"] ?? 1) * 1000 };
    if (status >= 500 || status === 408) return { kind: "transient" };
    if (status >= 400) return { kind: "permanent" };
  }
  const error = e.data?.error;
  if (typeof error === "string") {
    if (PERMANENT_SLACK_ERRORS.has(error)) return { kind: "permanent" };
    if (TRANSIENT_SLACK_ERRORS.has(error)) return { kind: "transient" };
    return { kind: "permanent" };
  }
  // network failures and timeouts (slack_webapi_request_error): Slack may have taken the post
  if (e.code === "slack_webapi_request_error") return { kind: "transient", unknown: true };
  return { kind: "transient" };
}

/**
 * The steps that deliver `reply` at `dest`: the message (in the thread, ephemeral when private in
 * a shared place, or through response_url), then each file, each under its own id so that a step
 * that succeeded is not repeated when the delivery is retried.
 */
export function slackSteps(client: WebClient, dest: Destination, reply: Reply, id: string): DeliveryStep[] {
  // A reply that must reach its person is named by what it is, so the outbox's later delivery of
  // it skips the steps the first one completed (the text) and sends only what is missing (the file).
  const deliveryId = redeliveryId(reply) ?? id;
  const { text, blocks: rendered } = renderBlocks(reply);
  // A reply that is only a file renders no blocks: send none rather than an empty list.
  const blocks = rendered.length ? (rendered as never) : undefined;
  const privateInShared = reply.private && !dest.personal;
  const steps: DeliveryStep[] = [
    {
      id: `${deliveryId}:text`,
      run: async () => {
        if (dest.respond) await dest.respond({ response_type: "ephemeral", replace_original: false, text, ...(blocks ? { blocks } : {}) });
        else if (privateInShared) await client.chat.postEphemeral({ channel: dest.channel, user: dest.user, thread_ts: dest.threadTs, text, blocks });
        else
          await client.chat.postMessage({
            channel: dest.channel,
            thread_ts: dest.threadTs,
            text,
            blocks,
            unfurl_links: false,
            metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { id: `${deliveryId}:text` } },
          });
      },
      // After a timeout, a post in a DM (im:history) is looked for by its metadata before it is
      // sent again. Elsewhere the bot may not read the history: it is sent again (at least once).
      check: dest.respond || privateInShared || !(dest.personal || dest.toUser) ? undefined : () => postedInDm(client, dest, `${deliveryId}:text`),
    },
  ];
  reply.blocks.forEach((b, i) => {
    if (b.type !== "file") return;
    // A file cannot be ephemeral: a private file in a shared channel, or one answering a slash
    // command or a click on an ephemeral message (only the asker saw those), goes to the asker's DM.
    const toUser = Boolean(privateInShared || dest.respond || dest.toUser);
    steps.push({
      id: `${deliveryId}:file:${i}`,
      run: async () => {
        await client.filesUploadV2({
          // files.completeUploadExternal takes a conversation id, never a user id (U… or Grid W…)
          channel_id: toUser ? await openDm(client, dest.user) : dest.channel,
          thread_ts: toUser ? undefined : dest.threadTs,
          filename: b.file.name,
          title: b.file.title ?? b.file.name,
          file: b.file.data,
        } as never);
      },
    });
  });
  return steps;
}

/** The delivery's name for a reply that must reach its person (Reply.redeliver), the same on every path. */
export function redeliveryId(reply: Reply): string | undefined {
  return reply.redeliver ? `keep:${reply.redeliver.kind}:${Object.values(reply.redeliver.payload).join(":")}` : undefined;
}

/** Whether the bot's recent messages in the DM (or its thread) include one carrying this delivery id. */
async function postedInDm(client: WebClient, dest: Destination, id: string): Promise<boolean> {
  const channel = dest.toUser ? await openDm(client, dest.user) : dest.channel;
  const r = dest.threadTs
    ? await client.conversations.replies({ channel, ts: dest.threadTs, limit: 50, include_all_metadata: true })
    : await client.conversations.history({ channel, limit: 50, include_all_metadata: true });
  const messages = (r.messages ?? []) as { metadata?: { event_type?: string; event_payload?: { id?: unknown } } }[];
  return messages.some((m) => m.metadata?.event_type === DELIVERY_EVENT_TYPE && m.metadata.event_payload?.id === id);
}

async function openDm(client: WebClient, user: string): Promise<string> {
  const r = await client.conversations.open({ users: user });
  return (r.channel as { id: string }).id;
}
