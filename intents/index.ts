// The registry. Order matters: the pattern stage asks each intent in this order and the first
// match wins, so specific intents (recording an answer, booking a session) come before general
// ones (showing an item). The fallback takes what nobody claims.
import type { Intent } from "../src/core/intent.ts";
import { help } from "./help.ts";
import { webConsole } from "./web-console.ts";
import { sessionsManage } from "./sessions-manage.ts";
import { sessionRegistrants } from "./session-registrants.ts";
import { sessionBroadcast } from "./session-broadcast.ts";
import { sessionCancel } from "./session-cancel.ts";
import { sessionBook } from "./session-book.ts";
import { myBookings } from "./my-bookings.ts";
import { sessionsRecommend } from "./sessions-recommend.ts";
import { sessionsList } from "./sessions-list.ts";
import { sessionsNotify } from "./sessions-notify.ts";
import { sessionTopic } from "./session-topic.ts";
import { showItem } from "./show-item.ts";
import { listItems } from "./list-items.ts";
import { ask } from "./ask.ts";
import { recordAnswer } from "./record-answer.ts";
import { answerFollowup } from "./answer-followup.ts";
import { answerWalk } from "./answer-walk.ts";
import { undoAnswer } from "./undo-answer.ts";
import { answerHistory } from "./answer-history.ts";
import { showProgress } from "./show-progress.ts";
import { showGaps } from "./show-gaps.ts";
import { setTargetLevel } from "./set-target-level.ts";
import { lockAssessment } from "./lock-assessment.ts";
import { exportSheet } from "./export-sheet.ts";
import { importSheet } from "./import-sheet.ts";
import { carryOver } from "./carry-over.ts";
import { overallStatus } from "./overall-status.ts";
import { orgMembers } from "./org-members.ts";
import { faq } from "./faq.ts";
import { glossary } from "./glossary.ts";
import { feedback } from "./feedback.ts";
import { unanswered } from "./unanswered.ts";
import { declined } from "./declined.ts";
import { setLanguage } from "./set-language.ts";
import { supplierInvite } from "./supplier-invite.ts";
import { supplierJoin } from "./supplier-join.ts";
import { supplierConsent } from "./supplier-consent.ts";
import { supplierShares } from "./supplier-shares.ts";
import { supplierStatus } from "./supplier-status.ts";
import { supplierRemind } from "./supplier-remind.ts";
import { supplierOverview } from "./supplier-overview.ts";

export function allIntents(): Intent[] {
  return [
    help,
    setLanguage,
    // the web console's sign-in link (issue 15)
    webConsole,
    // --- bringing suppliers along (issue 13): before the knowledge base, so a code such as
    // 「7KQ3M-XT9BR」 or 「取引先に自己評価を依頼 …」 is never read as an item or a question
    supplierJoin,
    supplierInvite,
    supplierRemind,
    supplierStatus,
    supplierShares,
    supplierConsent,
    supplierOverview,
    // --- booking the consultation sessions (issue 5) ---
    // the secretariat's commands first (「第5回を中止」 is theirs, 「第5回をキャンセル」 a member's),
    // then a member's; all before the knowledge base, so 「第3回を予約」 is never read as item 3.
    // session_topic comes last but one: right after a booking it takes the next free message as
    // the topic, so it sits below every command and pattern that message could be.
    sessionsManage,
    sessionRegistrants,
    sessionBroadcast,
    // 「通知をやめる」 before session_cancel, which reads やめる as a cancellation
    sessionsNotify,
    sessionCancel,
    sessionBook,
    myBookings,
    sessionsRecommend,
    sessionsList,
    // --- recording answers, progress, export (issue 4) ---
    answerHistory,
    undoAnswer,
    answerWalk,
    showGaps,
    showProgress,
    setTargetLevel,
    lockAssessment,
    exportSheet,
    importSheet,
    carryOver,
    overallStatus,
    orgMembers,
    // before record_answer: its command 「unanswered」 is also a word for 未回答, and typed alone
    // with an item on screen it took that item's answer back
    unanswered,
    // free text with a status word ("No.115は達成"), before show_item; then what the bot asked for
    recordAnswer,
    answerFollowup,
    // --- the knowledge base (issues 2 and 3) ---
    listItems,
    showItem,
    faq,
    glossary,
    // right after a booking, the next message that no command or question claimed is its topic
    sessionTopic,
    feedback,
    // the "no" of a yes/no question (src/core/confirm.ts): reached only by its button or a typed no
    declined,
  ] as Intent[];
}

export const fallbackIntent = ask as Intent;
