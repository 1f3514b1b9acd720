// Translates one Bot Framework activity from Teams into the neutral Turn: who (tenant, user),
// where (conversation key, kind, a reference for proactive messages) and what (text with the bot
// mention removed, or a card action). Pure: no I/O, so the mapping is unit-tested on its own.
import botbuilder from "botbuilder";
import type { Activity } from "botbuilder";
import type { ActionRef, IncomingFile, Turn } from "../../core/turn.ts";
import { conversationKey } from "../../core/turn.ts";
import { decodeCardAction } from "./render-card.ts";

const { TurnContext } = botbuilder;

/** The Action.Execute verb our cards use; any other verb is not ours. */
export const EXECUTE_VERB = "jama";

export type TurnOrRefusal =
  | { ok: true; turn: Turn }
  | { ok: false; reason: "tenant-not-allowed" | "no-tenant" | "no-user"; tenant?: string };

export interface MappingOptions {
  allowedTenants: string[];
  /** Without authentication (Emulator, tests) an activity may lack a tenant. */
  authenticated: boolean;
}

/** The tenant as Teams sends it: on the conversation, or in channelData. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const id = activity.conversation?.tenantId ?? channelData?.tenant?.id;
  return typeof id === "string" && id ? id : undefined;
}

export function conversationKind(activity: Partial<Activity>): Turn["conversation"]["kind"] {
  const type = activity.conversation?.conversationType;
  if (type === "channel") return "channel";
  if (type === "groupChat" || activity.conversation?.isGroup) return "group";
  return "personal";
}

const ENTITIES: Record<string, string> = { "&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&apos;": "'" };

/**
 * The message text without the bot's @mention. Teams sends HTML when the user formatted the
 * message (and keeps <at> tags for other people mentioned), so tags go and entities are decoded.
 */
export function messageText(activity: Partial<Activity>): string {
  if (typeof activity.text !== "string") return "";
  const copy = { ...activity, entities: activity.entities ?? [] } as Partial<Activity>;
  const text = activity.recipient?.id ? TurnContext.removeMentionText(copy as Activity, activity.recipient.id) : activity.text;
  return (text ?? "")
    .replace(/<at>([^<]*)<\/at>/gi, "$1")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(nbsp|amp|lt|gt|quot|#39|apos);/g, (m) => ENTITIES[m] ?? m)
    .replace(/\u00a0/g, " ")
    .trim();
}

/**
 * What an adaptiveCard/action invoke asks for. `undefined` means the invoke is not a usable
 * Action.Execute of ours (missing value, other action type, unknown verb): the caller answers it
 * with a 400 error response. Known verb with unreadable data gives `action: null`.
 */
export function readExecuteAction(activity: Partial<Activity>): { action: ActionRef | null } | undefined {
  const value = activity.value as { action?: { type?: unknown; verb?: unknown; data?: unknown } } | undefined;
  const action = value?.action;
  if (!action || typeof action !== "object") return undefined;
  if (action.type !== "Action.Execute" || action.verb !== EXECUTE_VERB) return undefined;
  return { action: decodeCardAction(action.data) };
}

/** Maps an activity to a Turn, or says why it must not be processed. */
export function activityToTurn(activity: Partial<Activity>, input: Turn["input"], opts: MappingOptions): TurnOrRefusal {
  const tenant = tenantOf(activity);
  if (opts.allowedTenants.length && (!tenant || !opts.allowedTenants.includes(tenant)))
    return { ok: false, reason: "tenant-not-allowed", tenant };
  // Teams always names the tenant; an authenticated activity without one comes from another
  // Bot Framework channel (Web Chat, Direct Line), which has no company behind it.
  if (!tenant && opts.authenticated) return { ok: false, reason: "no-tenant" };
  const from = activity.from;
  const userId = from?.aadObjectId ?? from?.id;
  if (!userId || !activity.conversation?.id) return { ok: false, reason: "no-user" };

  const kind = conversationKind(activity);
  // In a channel the conversation id already names the thread ("19:…@thread.tacv2;messageid=…"),
  // the way Slack's thread ts does, so the id alone keeps thread contexts apart.
  const key = conversationKey("teams", activity.conversation.id);
  const reference = TurnContext.getConversationReference(activity);
  return {
    ok: true,
    turn: {
      platform: "teams",
      // a bot message in Teams cannot carry a file's bytes: files go out as download links
      filesAsLinks: true,
      // Teams activity ids are timestamps scoped to a conversation: two conversations can carry
      // the same id, so only the pair is unique.
      deliveryId: teamsDeliveryId(activity.conversation.id, activity.id),
      org: { externalKey: `teams:${tenant ?? "local"}` },
      user: {
        platformUserId: userId,
        name: from?.name || undefined,
        locale: activity.locale || undefined,
        timeZone: activity.localTimezone || undefined,
      },
      conversation: {
        key,
        kind,
        // The personal chat is where reminders go, so it owns "teams:<user>"; a group chat or a
        // channel is remembered under its own conversation key and never replaces it.
        reference: { key: kind === "personal" ? `teams:${userId}` : key, data: JSON.parse(JSON.stringify(reference)) },
      },
      input,
      receivedAt: new Date(),
    },
  };
}

/** The dedupe key of a Teams activity: (conversation id, activity id), never the activity id alone. */
export function teamsDeliveryId(conversationId: string, activityId: string | undefined): string | undefined {
  return activityId ? `${conversationId}|${activityId}` : undefined;
}

const FILE_INFO = "application/vnd.microsoft.teams.file.download.info";

/**
 * Teams says nothing of a file's size (file.download.info has downloadUrl, uniqueId, fileType),
 * so the size check callers make before downloading cannot run. The download itself stops past
 * this many bytes, so a file of gigabytes in OneDrive cannot fill the bot's memory. Far above
 * any check sheet (the import takes 5 MB).
 */
export const MAX_TEAMS_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/**
 * Where Teams puts the files people send a bot: OneDrive for Business and SharePoint, both served
 * from <tenant>(-my).sharepoint.com (bots cannot exchange files in GCC High, DoD or 21Vianet).
 */
export const TEAMS_FILE_HOST_SUFFIXES = [".sharepoint.com"];

/**
 * Whether a file's download URL may be fetched: https on Microsoft's file hosts, or the test host
 * configured outside production (config refuses TEAMS_TEST_FILE_HOST in production), over http too.
 * Anything else could make the bot fetch an internal address for whoever sent the activity.
 */
export function isTeamsFileUrl(url: URL, testHost?: string): boolean {
  if (testHost && url.hostname === testHost) return url.protocol === "https:" || url.protocol === "http:";
  const host = url.hostname.toLowerCase();
  return url.protocol === "https:" && TEAMS_FILE_HOST_SUFFIXES.some((s) => host.endsWith(s) && host.length > s.length);
}

/**
 * Files a user sent in a personal chat (the bot's manifest says supportsFiles). Teams gives a
 * short-lived pre-authenticated download URL; only Microsoft's file hosts are fetched (see
 * isTeamsFileUrl).
 */
export function filesOf(activity: Partial<Activity>, opts: { testHost?: string } = {}): IncomingFile[] {
  return (activity.attachments ?? [])
    .filter((a) => a.contentType === FILE_INFO)
    .map((a) => {
      const content = (a.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
      return {
        name: a.name ?? `file.${typeof content.fileType === "string" ? content.fileType : "bin"}`,
        // the inbox stores this and the channel makes the download again from it (filesOf)
        ref: { contentType: FILE_INFO, name: a.name, content: { downloadUrl: content.downloadUrl, fileType: content.fileType } },
        async download() {
          const url = typeof content.downloadUrl === "string" ? new URL(content.downloadUrl) : undefined;
          if (!url || !isTeamsFileUrl(url, opts.testHost)) throw new Error("no usable download URL");
          const res = await fetchAllowed(url, opts.testHost);
          if (!res.ok) throw new Error(`file download failed with HTTP ${res.status}`);
          return readAtMost(res, MAX_TEAMS_DOWNLOAD_BYTES);
        },
      };
    });
}

/** Follows up to three redirects, each to an allowed host only: a Microsoft URL cannot hand the fetch on elsewhere. */
async function fetchAllowed(start: URL, testHost?: string): Promise<Response> {
  let url = start;
  for (let hop = 0; hop < 4; hop++) {
    const res = await fetch(url, { redirect: "manual" });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
    if (!location) return res;
    await res.body?.cancel();
    url = new URL(location, url);
    if (!isTeamsFileUrl(url, testHost)) throw new Error(`refusing a redirect to ${url.origin}`);
  }
  throw new Error("too many redirects");
}

/** The response body, or an error as soon as it is longer than `max` bytes (the rest is not read). */
async function readAtMost(res: Response, max: number): Promise<Buffer> {
  const tooLarge = () => new Error(`file larger than ${max} bytes`);
  if (Number(res.headers.get("content-length") ?? 0) > max) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
