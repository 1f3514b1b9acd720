// Per user and conversation: what the assistant remembers between messages. Stored as JSON in
// ConversationState; every field is optional so old rows stay readable as the product grows.
import type { Db } from "../db/client.ts";
import type { Lang } from "./reply.ts";
import type { ActionRef } from "./turn.ts";

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
     * The intent that takes the answer (the topic after a booking, a note, a reason, a yes). The
     * pipeline drops the question once a message went to any other intent and left it in place,
     * so a later 「はい」 or unrelated question is never taken as its answer; its own intent may
     * keep it open ("please type the reason").
     */
    answeredBy?: string;
    /** A yes/no question: what a typed yes or no does (src/core/confirm.ts). It stays open
     * through other messages until answered or expired. */
    confirm?: { yes: ActionRef; no: ActionRef };
    /** The sitting it was asked in (Turn.conversation.session), where conversations have them. */
    session?: string;
  };
  /**
   * The buttons of the last reply (label as normalised, action): typing a label does what the
   * button does (「テーマなしで進める」, 「この項目をスキップ」).
   */
  lastChoices?: { label: string; action: ActionRef }[];
  /** The last free-form question, for feedback and follow-ups. */
  lastQuestion?: string;
  [key: string]: unknown;
}

/** One conversation's state; turns read it with their other rows and save it in turn-rows.ts. */
export async function loadState(db: Db, conversationKey: string, userId: string): Promise<ConversationData> {
  const row = await db.conversationState.findUnique({
    where: { conversationKey_userId: { conversationKey, userId } },
  });
  return (row?.data as ConversationData | undefined) ?? {};
}
