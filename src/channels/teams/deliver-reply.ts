// Sends a rendered Reply into a Teams conversation. A private reply (a company's own data) asked
// for in a group chat or channel goes to the user's personal chat with the bot instead, and the
// shared conversation only hears that it was sent there; if the personal chat cannot be opened,
// the data stays unsent and the user is told so.
import botbuilder from "botbuilder";
import type { CloudAdapter, TurnContext } from "botbuilder";
import type { Logger } from "../../core/logger.ts";
import { both, type Reply } from "../../core/reply.ts";
import { conversationKind, tenantOf } from "./activity-to-turn.ts";
import { renderCard, type TeamsMessage } from "./render-card.ts";

const { MessageFactory } = botbuilder;

/** Bot Framework's public-cloud audience, for when the turn does not say which one it used. */
const DEFAULT_AUDIENCE = "https://api.botframework.com";

export const SENT_PRIVATELY = both(
  "回答は個人チャットでお送りしました(会社の回答内容を含むため)。",
  "I sent the answer to you in a personal chat, because it contains your company's data.",
);

export const PRIVATE_FAILED = both(
  "会社の回答内容を含むため、ここには表示できません。個人チャットも開けませんでした。アプリを個人用に追加してから、ボットとの個人チャットでもう一度お試しください。",
  "This answer contains your company's data, so I cannot show it here, and I could not open a personal chat with you. Please add the app for yourself and ask again in a personal chat with the bot.",
);

export interface DeliverOptions {
  adapter: CloudAdapter;
  /** The bot's app id ("" without authentication). */
  appId: string;
  log: Logger;
}

/** Sends the reply in the conversation of `ctx`, or privately when it must be. */
export async function deliverReply(ctx: TurnContext, reply: Reply, opts: DeliverOptions): Promise<void> {
  const message = renderCard(reply);
  if (!reply.private || conversationKind(ctx.activity) === "personal") {
    await ctx.sendActivity(message);
    return;
  }
  const sent = await sendToPersonalChat(ctx, message, opts);
  await ctx.sendActivity(MessageFactory.text(sent ? SENT_PRIVATELY : PRIVATE_FAILED));
}

/** Opens (or reuses: Teams returns the existing one) the 1:1 chat with the sender and posts there. */
async function sendToPersonalChat(ctx: TurnContext, message: TeamsMessage, opts: DeliverOptions): Promise<boolean> {
  const a = ctx.activity;
  const tenantId = tenantOf(a);
  if (!a.from?.id || !a.recipient?.id || !a.serviceUrl) return false;
  const audience = (ctx.turnState.get(ctx.adapter.OAuthScopeKey) as string | undefined) ?? DEFAULT_AUDIENCE;
  try {
    await opts.adapter.createConversationAsync(
      opts.appId,
      a.channelId,
      a.serviceUrl,
      audience,
      {
        isGroup: false,
        bot: a.recipient,
        // The 29:… id, not the AAD object id: the Bot Connector knows users by their channel id.
        members: [{ id: a.from.id, name: a.from.name }],
        tenantId,
        channelData: tenantId ? { tenant: { id: tenantId } } : undefined,
      } as Parameters<CloudAdapter["createConversationAsync"]>[4],
      async (personal) => {
        await personal.sendActivity(message);
      },
    );
    return true;
  } catch (err) {
    opts.log.warn("could not open a personal chat for a private reply", { err: describeError(err) });
    return false;
  }
}

/** Status and message of a failed Bot Connector call, without request headers (tokens). */
export function describeError(err: unknown): Record<string, unknown> {
  const e = err as { name?: string; message?: string; statusCode?: number; code?: string };
  return { name: e?.name, message: e?.message, statusCode: e?.statusCode, code: e?.code };
}
