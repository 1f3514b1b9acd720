// Calendar invites (.ics) made with ical-generator. One UID per booking, kept for its whole life;
// SEQUENCE = the session's sequence (raised by the secretariat's changes) + the booking's own
// revision (raised when the person cancels or books again), so it only ever grows for one UID and
// calendars replace the old invite. METHOD:REQUEST adds or updates, METHOD:CANCEL removes.
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import type { FileAttachment, Lang } from "../core/reply.ts";
import { tr } from "../core/reply.ts";

export interface InviteSession {
  seriesNo: number;
  title: string;
  topic: string;
  startsAt: Date;
  endsAt: Date;
  format: string;
  url: string | null;
  venue: string | null;
  provisional: boolean;
  /** a demo session of the terminal chat (absent: not a demo) */
  demo?: boolean;
  sequence: number;
}

export interface InviteInput {
  method: "REQUEST" | "CANCEL";
  bookingId: string;
  bookingRevision: number;
  session: InviteSession;
  lang: Lang;
  /** the person's own topic for the session (shown in the description) */
  personalTopic?: string | null;
  /**
   * DTSTAMP: when this version of the invite came to be (the later of the booking's and the
   * session's last change), so the same invite rendered twice is byte for byte the same.
   */
  stamp: Date;
}

export const PRODUCT_ID = { company: "jama-checksheet-assistant", product: "yorozu-sessions", language: "JA" } as const;

export function inviteUid(bookingId: string): string {
  return `booking-${bookingId}@jama-checksheet-assistant`;
}

export function inviteSequence(sessionSequence: number, bookingRevision: number): number {
  return sessionSequence + bookingRevision;
}

export function sessionSummary(s: Pick<InviteSession, "seriesNo" | "title" | "provisional">, lang: Lang): string {
  const prov = s.provisional ? tr(lang, "(仮)", " (provisional)") : "";
  return tr(lang, `第${s.seriesNo}回 よろず相談会${prov}: ${s.title}`, `JAMA consultation session #${s.seriesNo}${prov}: ${s.title}`);
}

export function buildInvite(input: InviteInput): string {
  const { session: s, lang } = input;
  const cancel = input.method === "CANCEL";
  const cal = ical({
    prodId: PRODUCT_ID,
    method: cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    name: tr(lang, "よろず相談会", "JAMA consultation sessions"),
  });
  const description = [
    s.topic,
    input.personalTopic ? tr(lang, `ご相談のテーマ: ${input.personalTopic}`, `Your topic: ${input.personalTopic}`) : "",
    s.format === "online"
      ? s.url
        ? tr(lang, `参加URL: ${s.url}`, `Join: ${s.url}`)
        : tr(lang, "参加URLは開催前にお知らせします。", "The link will be sent before the session.")
      : s.venue
        ? tr(lang, `会場: ${s.venue}`, `Venue: ${s.venue}`)
        : "",
    s.demo
      ? tr(lang, "※デモ用の仮日程です(実際の相談会ではありません)。", "Note: a demo schedule, not a real session.")
      : s.provisional
        ? tr(lang, "※日程・内容は仮のものです。確定したらお知らせします。", "Note: date and details are provisional; you will be told when they are confirmed.")
        : "",
  ]
    .filter(Boolean)
    .join("\n");
  cal.createEvent({
    id: inviteUid(input.bookingId),
    sequence: inviteSequence(s.sequence, input.bookingRevision),
    stamp: input.stamp,
    start: s.startsAt,
    end: s.endsAt,
    summary: sessionSummary(s, lang),
    description,
    location: s.format === "venue" ? s.venue : s.url,
    url: s.format === "online" ? s.url : null,
    status: cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return cal.toString();
}

export function inviteFile(input: InviteInput): FileAttachment {
  const name = `jama-session-${String(input.session.seriesNo).padStart(2, "0")}${input.method === "CANCEL" ? "-cancel" : ""}.ics`;
  return {
    name,
    mime: `text/calendar; charset=utf-8; method=${input.method}`,
    data: Buffer.from(buildInvite(input), "utf8"),
    title: input.method === "CANCEL" ? tr(input.lang, "取り消しの案内(カレンダー)", "Calendar cancellation") : tr(input.lang, "カレンダーに追加", "Add to calendar"),
  };
}
