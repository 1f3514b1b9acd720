// The neutral shape of one incoming message or click, whatever platform it came from.
export type Platform = "slack" | "teams" | "console";

/** What a button or card submit asks for: an intent and its (untrusted) parameters. */
export interface ActionRef {
  intent: string;
  params: Record<string, unknown>;
}

export type TurnInput =
  | { kind: "text"; text: string }
  /** action is null when the platform payload could not be read (malformed or forged). */
  | { kind: "action"; action: ActionRef | null };

/** A file the user attached (a Slack file share, a file in a Teams personal chat). */
export interface IncomingFile {
  name: string;
  /** as the platform reports it, before downloading */
  size?: number;
  /** Fetches the bytes; the adapter decides how (the bot token for Slack, a pre-signed URL for Teams). */
  download(): Promise<Buffer>;
  /** What the adapter needs to make `download` again (serialisable: the inbox stores it with the turn). */
  ref?: unknown;
}

export interface Turn {
  platform: Platform;
  /** The platform's delivery id (Slack event_id or message ts, Teams activity id) for dedupe. */
  deliveryId?: string;
  /** The company: Slack enterprise/team, Teams tenant, or the local console. */
  org: { externalKey: string; name?: string };
  user: { platformUserId: string; name?: string; timeZone?: string; locale?: string };
  conversation: {
    /** Encoded by the adapter, e.g. slack:C123:1712345.678 or teams:<conversation id>. */
    key: string;
    kind: "personal" | "group" | "channel";
    /** Shared with people outside the organisation (Slack Connect, Teams external). */
    external?: boolean;
    /**
     * One sitting of a conversation that has them (a run of the terminal chat): a question the bot
     * asked in another sitting is not waiting any more, so it cannot swallow a new first message.
     */
    session?: string;
    /**
     * Where to reach this user later (reminders, waitlist promotion): the adapter's own data
     * (a Bot Framework ConversationReference, a Slack channel), stored under `key`.
     */
    reference?: { key: string; data: unknown };
  };
  input: TurnInput;
  /** Files attached to the message, if any. */
  files?: IncomingFile[];
  /**
   * The channel cannot put a file's bytes in a bot message (Teams): the pipeline replaces each
   * file of the reply with a short-lived signed download link.
   */
  filesAsLinks?: boolean;
  receivedAt: Date;
}

/** Shared by adapters: how a conversation key is made, so every adapter makes it the same way. */
export function conversationKey(platform: Platform, ...parts: string[]): string {
  return [platform, ...parts.map((p) => encodeURIComponent(p))].join(":");
}
