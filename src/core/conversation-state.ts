// Per user and conversation: what the assistant remembers between messages. Stored as JSON in
// ConversationState; every field is optional so old rows stay readable as the product grows.
import type { Db } from "../db/client.ts";
import type { Lang } from "./reply.ts";

export interface ConversationData {
  lang?: Lang;
  /** Last item shown, for "その達成条件は?" and "次の項目". */
  lastItemNo?: number;
  /** Last list shown, for "次のページ". */
  lastList?: { kind: string; key: string; page: number };
  /** A question the bot asked and waits for (a note for an answer, a confirmation...). */
  pending?: {
    kind: string;
    data: Record<string, unknown>;
    expiresAt: string;
    /**
     * Only the very next message answers it (the topic after a booking): the pipeline drops it
     * once a message was handled by anything else, so a later 「はい」 or question is not taken.
     */
    nextMessageOnly?: boolean;
  };
  /** The last free-form question, for feedback and follow-ups. */
  lastQuestion?: string;
  [key: string]: unknown;
}

export async function loadState(db: Db, conversationKey: string, userId: string): Promise<ConversationData> {
  const row = await db.conversationState.findUnique({
    where: { conversationKey_userId: { conversationKey, userId } },
  });
  return (row?.data as ConversationData | undefined) ?? {};
}

export async function saveState(
  db: Db,
  conversationKey: string,
  userId: string,
  orgId: string,
  data: ConversationData,
): Promise<void> {
  const json = JSON.parse(JSON.stringify(data));
  await db.conversationState.upsert({
    where: { conversationKey_userId: { conversationKey, userId } },
    create: { conversationKey, userId, orgId, data: json },
    update: { data: json },
  });
}
