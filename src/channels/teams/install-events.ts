// Reads the activities that say the app was added to or removed from a conversation: Teams'
// installationUpdate (action add / remove, and their -upgrade forms) and conversationUpdate (the bot
// among membersAdded / membersRemoved, or the team deleted). Pure, so it is unit-tested on its own.
import type { Activity } from "botbuilder";
import type { TeamsInstallChange } from "../../installations/teams-installs.ts";
import { conversationKind, tenantOf } from "./activity-to-turn.ts";

export function installChangeOf(a: Partial<Activity>): TeamsInstallChange | null {
  const conversationId = a.conversation?.id;
  if (!conversationId) return null;
  const botId = a.recipient?.id;
  const channelData = (a.channelData ?? {}) as { team?: { id?: string; name?: string }; eventType?: string };
  let change: TeamsInstallChange["change"] | undefined;
  let upgrade = false;
  if (a.type === "installationUpdate") {
    const action = String((a as { action?: unknown }).action ?? "");
    if (action === "add" || action === "add-upgrade") change = "added";
    else if (action === "remove") change = "removed";
    upgrade = action.endsWith("-upgrade");
  } else if (a.type === "conversationUpdate") {
    if (botId && a.membersRemoved?.some((m) => m.id === botId)) change = "removed";
    else if (channelData.eventType === "teamDeleted" || channelData.eventType === "teamHardDeleted") change = "removed";
    else if (botId && a.membersAdded?.some((m) => m.id === botId)) change = "added";
  }
  if (!change) return null;
  const kind = conversationKind(a);
  const scope = kind === "personal" ? "personal" : kind === "channel" || channelData.team?.id ? "team" : "groupChat";
  return {
    change,
    scope,
    conversationId,
    tenantId: tenantOf(a),
    teamId: scope === "team" ? (channelData.team?.id ?? undefined) : undefined,
    teamName: scope === "team" ? (channelData.team?.name ?? undefined) : undefined,
    byUserId: a.from?.aadObjectId ?? a.from?.id,
    greet: change === "added" && scope === "personal" && !upgrade,
  };
}
