// How sessions and bookings read, in Japanese and English: shared by the intents (answers in the
// conversation) and the outbox (proactive notices), so both say the same thing the same way.
import { tr, type Block, type Choice, type Lang, type Reply } from "../core/reply.ts";
import type { Booking, Session, SessionView } from "./booking-service.ts";
import { inviteFile } from "./ics.ts";
import { bookingWindow, type BookingWindowState } from "./rules.ts";
import { formatDateTime, formatOffset, formatRange, formatShortDate } from "./time.ts";

export function sessionName(s: Pick<Session, "seriesNo" | "title" | "provisional">, lang: Lang): string {
  const prov = s.provisional ? tr(lang, "(仮)", " (provisional)") : "";
  return tr(lang, `第${s.seriesNo}回${prov} ${s.title}`, `Session ${s.seriesNo}${prov}: ${s.title}`);
}

export function placeText(s: Pick<Session, "format" | "url" | "venue">, lang: Lang, withUrl: boolean): string {
  if (s.format === "venue") return tr(lang, `会場: ${s.venue ?? "未定"}`, `Venue: ${s.venue ?? "to be announced"}`);
  if (withUrl && s.url) return tr(lang, `オンライン(参加URL: ${s.url})`, `Online (join: ${s.url})`);
  if (withUrl) return tr(lang, "オンライン(参加URLは開催前にお知らせします)", "Online (the link will be sent before the session)");
  return tr(lang, "オンライン", "Online");
}

export function seatsText(v: Pick<SessionView, "remaining" | "waitlisted" | "capacity">, lang: Lang): string {
  if (v.remaining > 0)
    return tr(lang, `残り${v.remaining}席(定員${v.capacity})`, `${v.remaining} of ${v.capacity} seats left`) +
      (v.waitlisted ? tr(lang, `・キャンセル待ち${v.waitlisted}人`, `, ${v.waitlisted} waiting`) : "");
  return tr(lang, `満席・キャンセル待ち${v.waitlisted}人`, `Full, ${v.waitlisted} on the waitlist`);
}

export function windowText(state: BookingWindowState, s: Pick<Session, "opensAt" | "closesAt">, lang: Lang, tz?: string): string {
  switch (state) {
    case "open":
      return tr(lang, "受付中", "Open for booking");
    case "cancelled":
      return tr(lang, "中止", "Cancelled");
    case "closed":
      return tr(lang, "受付終了", "Registration closed");
    case "not_yet_open":
      return tr(lang, `受付開始前(${s.opensAt ? formatDateTime(s.opensAt, tz, lang) : ""}から)`, `Booking opens ${s.opensAt ? formatDateTime(s.opensAt, tz, lang) : "later"}`);
    case "deadline_passed":
      return tr(lang, "申込締切済み", "Booking deadline passed");
    case "started":
      return tr(lang, "開催済み・開催中", "Started or over");
  }
}

/** Why a session cannot be booked, as a full sentence. */
export function unavailableText(state: Exclude<BookingWindowState, "open">, s: Session, lang: Lang, tz?: string): string {
  const name = sessionName(s, lang);
  switch (state) {
    case "cancelled":
      return tr(lang, `${name} は中止になりました。ほかの回をご検討ください。`, `${name} has been cancelled. Please consider another session.`);
    case "closed":
      return tr(lang, `${name} は受付を終了しています。`, `Registration for ${name} is closed.`);
    case "not_yet_open":
      return tr(
        lang,
        `${name} の受付は ${s.opensAt ? formatDateTime(s.opensAt, tz, lang) : "後日"} に始まります。`,
        `Booking for ${name} opens ${s.opensAt ? formatDateTime(s.opensAt, tz, lang) : "later"}.`,
      );
    case "deadline_passed":
      return tr(
        lang,
        `${name} の申込締切(${s.closesAt ? formatDateTime(s.closesAt, tz, lang) : ""})を過ぎています。参加をご希望の場合は事務局にご相談ください。`,
        `The booking deadline for ${name} (${s.closesAt ? formatDateTime(s.closesAt, tz, lang) : ""}) has passed. Please contact the secretariat if you would like to attend.`,
      );
    case "started":
      return tr(lang, `${name} はすでに始まっているか終了しています。`, `${name} has already started or is over.`);
  }
}

export function sessionFields(s: Session, lang: Lang, tz: string | undefined, opts: { withUrl: boolean }): Block {
  const fields = [
    { label: tr(lang, "日時", "When"), value: formatRange(s.startsAt, s.endsAt, tz, lang) },
    { label: tr(lang, "形式・場所", "Where"), value: placeText(s, lang, opts.withUrl) },
  ];
  if (s.topic) fields.push({ label: tr(lang, "内容", "About"), value: s.topic });
  return { type: "fields", fields };
}

function pushNote(blocks: Block[], s: Pick<Session, "demo" | "provisional">, lang: Lang): void {
  const note = sessionNote([s], lang);
  if (note) blocks.push(note);
}

export function provisionalNote(lang: Lang): Block {
  return {
    type: "context",
    text: tr(
      lang,
      "日程・内容は仮のものです(JAMAの正式な案内ではありません)。確定・変更したら、このチャットでお知らせします。",
      "Dates and details are provisional (not JAMA's official announcement). You will be told here when they are confirmed or change.",
    ),
  };
}

/** The seeded demo series of the terminal chat: said on every listing, confirmation and notice. */
export function demoNote(lang: Lang): Block {
  return {
    type: "context",
    text: tr(
      lang,
      "デモ用の仮日程です(実際の相談会ではありません)。日程・内容は仮のもので、JAMAの正式な案内ではありません。",
      "Demo schedule, not real sessions: the dates and details are placeholders, not JAMA's official announcement.",
    ),
  };
}

/** The note a session (or a list of them) carries: demo first, else provisional, else none. */
export function sessionNote(sessions: Pick<Session, "demo" | "provisional">[], lang: Lang): Block | undefined {
  if (sessions.some((s) => s.demo)) return demoNote(lang);
  if (sessions.some((s) => s.provisional)) return provisionalNote(lang);
  return undefined;
}

/** The buttons to ask for, or stop, the notice of the dates. */
export function alertChoice(lang: Lang, waiting: boolean): Choice {
  return waiting
    ? { label: tr(lang, "通知をやめる", "Stop the notice"), action: { intent: "sessions_notify", params: { stop: true } } }
    : { label: tr(lang, "開催が決まったら通知", "Notify me when announced"), action: { intent: "sessions_notify", params: {} }, style: "primary" };
}

/** No session can be booked: the dates are not announced yet; offers the notice (or says it is on). */
export function notAnnouncedReply(lang: Lang, waiting: boolean): Reply {
  const text = waiting
    ? tr(
        lang,
        "よろず相談会の日程はまだ発表されていません。開催が決まったら、このチャットでお知らせします(通知を登録済みです)。",
        "The consultation session dates are not announced yet. You will be told here when they are (you asked to be notified).",
      )
    : tr(
        lang,
        "よろず相談会の日程はまだ発表されていません。開催が決まったときにこのチャットでお知らせを受け取るには「開催が決まったら通知」を押してください。",
        "The consultation session dates are not announced yet. To be told here when they are, press \"Notify me when announced\".",
      );
  return { text, blocks: [{ type: "text", text }, { type: "choices", choices: [alertChoice(lang, waiting)] }], private: true };
}

function invite(method: "REQUEST" | "CANCEL", s: Session, b: Booking, lang: Lang): Block {
  const stamp = new Date(Math.max(b.updatedAt.getTime(), s.updatedAt.getTime()));
  return { type: "file", file: inviteFile({ method, bookingId: b.id, bookingRevision: b.revision, session: s, lang, personalTopic: b.topic, stamp }) };
}

export function bookingChoices(s: Pick<Session, "seriesNo">, lang: Lang, opts: { skipTopic?: string } = {}): Choice[] {
  const out: Choice[] = [];
  if (opts.skipTopic)
    out.push({ label: tr(lang, "テーマなしで進める", "No topic, thanks"), action: { intent: "session_topic", params: { bookingId: opts.skipTopic, skip: true } } });
  out.push({ label: tr(lang, "予約を確認", "My bookings"), action: { intent: "my_bookings", params: {} } });
  out.push({
    label: tr(lang, `第${s.seriesNo}回の予約を取り消す`, `Cancel session ${s.seriesNo}`),
    action: { intent: "session_cancel", params: { seriesNo: s.seriesNo } },
    style: "danger",
  });
  return out;
}

/** The answer to a successful booking. */
export function confirmedReply(s: Session, b: Booking, lang: Lang, tz: string | undefined): Reply {
  const name = sessionName(s, lang);
  const text = tr(lang, `${name} の席を予約しました。`, `You have a seat at ${name}.`);
  const blocks: Block[] = [
    { type: "heading", text: tr(lang, "予約を受け付けました", "Booked") },
    { type: "text", text },
    sessionFields(s, lang, tz, { withUrl: true }),
  ];
  if (b.topic) blocks.push({ type: "fields", fields: [{ label: tr(lang, "ご相談のテーマ", "Your topic"), value: b.topic }] });
  pushNote(blocks, s, lang);
  blocks.push(invite("REQUEST", s, b, lang));
  if (!b.topic)
    blocks.push({
      type: "text",
      text: tr(
        lang,
        "当日相談したいテーマや質問があれば、次のメッセージで送ってください(任意です)。事前に事務局と共有します。",
        "If there is a topic or question you want to bring, send it as your next message (optional). It is shared with the secretariat beforehand.",
      ),
    });
  blocks.push({ type: "choices", choices: bookingChoices(s, lang, { skipTopic: b.topic ? undefined : b.id }) });
  // the seat and the person's word of it go together: undelivered now, delivered by the outbox later
  return { text, blocks, private: true, redeliver: { kind: "booking_confirmed", payload: { bookingId: b.id, sessionId: s.id } } };
}

/** Booking a seat one already has: the same booking, said plainly, and no second invite. */
export function alreadyBookedReply(s: Session, b: Booking, lang: Lang, tz: string | undefined): Reply {
  const name = sessionName(s, lang);
  const text = tr(lang, `${name} はすでに予約済みです(予約はそのままです)。`, `You are already booked for ${name} (nothing changed).`);
  const blocks: Block[] = [{ type: "heading", text: tr(lang, "すでに予約済みです", "Already booked") }, { type: "text", text }, sessionFields(s, lang, tz, { withUrl: true })];
  if (b.topic) blocks.push({ type: "fields", fields: [{ label: tr(lang, "ご相談のテーマ", "Your topic"), value: b.topic }] });
  blocks.push({ type: "choices", choices: bookingChoices(s, lang) });
  return { text, blocks, private: true };
}

export function waitlistedReply(s: Session, position: number, lang: Lang, tz: string | undefined, opts: { already?: boolean } = {}): Reply {
  if (opts.already) {
    const text = tr(
      lang,
      `${sessionName(s, lang)} はすでにキャンセル待ちに登録済みです(現在 ${position} 番目)。`,
      `You are already on the waitlist for ${sessionName(s, lang)} (number ${position}).`,
    );
    return { text, blocks: [{ type: "text", text }, { type: "choices", choices: [{ label: tr(lang, "予約を確認", "My bookings"), action: { intent: "my_bookings", params: {} } }] }], private: true };
  }
  const name = sessionName(s, lang);
  const text = tr(
    lang,
    `${name} は満席のため、キャンセル待ちに登録しました。現在 ${position} 番目です。席が空くと自動で予約に切り替わり、このチャットでお知らせします。`,
    `${name} is full, so you are on the waitlist, number ${position}. When a seat frees up it is yours automatically, and you will be told here.`,
  );
  return {
    text,
    blocks: [
      { type: "text", text },
      sessionFields(s, lang, tz, { withUrl: false }),
      {
        type: "choices",
        choices: [
          { label: tr(lang, "予約を確認", "My bookings"), action: { intent: "my_bookings", params: {} } },
          {
            label: tr(lang, "キャンセル待ちをやめる", "Leave the waitlist"),
            action: { intent: "session_cancel", params: { seriesNo: s.seriesNo } },
            style: "danger",
          },
        ],
      },
    ],
    private: true,
  };
}

/** `answer`: the yes/no buttons of the question (src/core/confirm.ts), yes first. */
export function fullReply(s: Session, waitlistLength: number, lang: Lang, answer: Choice[]): Reply {
  const name = sessionName(s, lang);
  const text = tr(
    lang,
    `${name} は満席です(キャンセル待ち ${waitlistLength} 人)。キャンセル待ちに登録すると、${waitlistLength + 1} 番目になります。登録しますか?`,
    `${name} is full (${waitlistLength} waiting). If you join the waitlist you will be number ${waitlistLength + 1}. Join it?`,
  );
  return {
    text,
    blocks: [
      { type: "text", text },
      {
        type: "choices",
        choices: [...answer, { label: tr(lang, "ほかの回を見る", "Other sessions"), action: { intent: "sessions_list", params: {} } }],
      },
    ],
    private: true,
  };
}

export function cancelledReply(s: Session, b: Booking, was: "confirmed" | "waitlisted", lang: Lang): Reply {
  const name = sessionName(s, lang);
  const text =
    was === "confirmed"
      ? tr(lang, `${name} の予約を取り消しました。カレンダーの予定も添付のファイルで取り消せます。`, `Your seat at ${name} is cancelled. The attached file removes it from your calendar.`)
      : tr(lang, `${name} のキャンセル待ちを取り消しました。`, `You have left the waitlist for ${name}.`);
  const blocks: Block[] = [{ type: "text", text }];
  if (was === "confirmed") blocks.push(invite("CANCEL", s, b, lang));
  blocks.push({ type: "choices", choices: [{ label: tr(lang, "相談会の一覧", "All sessions"), action: { intent: "sessions_list", params: {} } }] });
  return { text, blocks, private: true };
}

// --- proactive notices (sent by the outbox worker) --------------------------------------------

export function promotedNotice(s: Session, b: Booking, lang: Lang, tz: string | undefined): Reply {
  const name = sessionName(s, lang);
  const text = tr(
    lang,
    `キャンセル待ちをしていた ${name} に空きが出たため、席を確保しました。`,
    `A seat freed up at ${name}, and it is now yours (you were on the waitlist).`,
  );
  const blocks: Block[] = [
    { type: "heading", text: tr(lang, "キャンセル待ちから予約になりました", "You are off the waitlist") },
    { type: "text", text },
    sessionFields(s, lang, tz, { withUrl: true }),
  ];
  pushNote(blocks, s, lang);
  blocks.push(invite("REQUEST", s, b, lang));
  blocks.push({
    type: "text",
    text: tr(lang, "ご都合が合わない場合は、ほかの方のために取り消してください。", "If you can no longer come, please cancel so that someone else can have the seat."),
  });
  blocks.push({ type: "choices", choices: bookingChoices(s, lang) });
  return { text, blocks };
}

export function reminderNotice(s: Session, b: Booking, offsetMs: number, lang: Lang, tz: string | undefined): Reply {
  const name = sessionName(s, lang);
  const text = tr(
    lang,
    `【リマインダー】${name} はあと${formatOffset(offsetMs, lang)}で始まります(${formatRange(s.startsAt, s.endsAt, tz, lang)})。`,
    `Reminder: ${name} starts in ${formatOffset(offsetMs, lang)} (${formatRange(s.startsAt, s.endsAt, tz, lang)}).`,
  );
  const blocks: Block[] = [{ type: "text", text }, sessionFields(s, lang, tz, { withUrl: true })];
  if (b.topic) blocks.push({ type: "fields", fields: [{ label: tr(lang, "ご相談のテーマ", "Your topic"), value: b.topic }] });
  blocks.push({ type: "choices", choices: bookingChoices(s, lang) });
  return { text, blocks };
}

const FIELD_LABELS: Record<string, [string, string]> = {
  title: ["タイトル", "title"],
  topic: ["内容", "description"],
  startsAt: ["日時", "time"],
  endsAt: ["日時", "time"],
  format: ["形式", "format"],
  url: ["参加URL", "link"],
  venue: ["会場", "venue"],
  status: ["開催状況", "status"],
  provisional: ["確定/仮", "provisional/confirmed"],
};

export function changedNotice(s: Session, b: Booking, changed: string[], lang: Lang, tz: string | undefined): Reply {
  const name = sessionName(s, lang);
  const what = [...new Set(changed.filter((c) => FIELD_LABELS[c]).map((c) => tr(lang, FIELD_LABELS[c][0], FIELD_LABELS[c][1])))];
  const text = tr(
    lang,
    `ご予約の ${name} の${what.length ? what.join("・") : "内容"}が変更されました。添付の招待ファイルでカレンダーを更新してください。`,
    `The ${what.length ? what.join(", ") : "details"} of ${name}, which you booked, changed. The attached invite updates your calendar.`,
  );
  const blocks: Block[] = [{ type: "text", text }, sessionFields(s, lang, tz, { withUrl: true })];
  pushNote(blocks, s, lang);
  blocks.push(invite("REQUEST", s, b, lang));
  blocks.push({ type: "choices", choices: bookingChoices(s, lang) });
  return { text, blocks };
}

export function sessionCancelledNotice(s: Session, b: Booking, lang: Lang, tz: string | undefined): Reply {
  const name = sessionName(s, lang);
  const text =
    b.status === "waitlisted"
      ? tr(lang, `キャンセル待ちをしていた ${name}(${formatRange(s.startsAt, s.endsAt, tz, lang)})は中止になりました。`, `${name} (${formatRange(s.startsAt, s.endsAt, tz, lang)}), for which you were on the waitlist, has been cancelled.`)
      : tr(
          lang,
          `ご予約の ${name}(${formatRange(s.startsAt, s.endsAt, tz, lang)})は中止になりました。添付のファイルでカレンダーの予定を取り消せます。`,
          `${name} (${formatRange(s.startsAt, s.endsAt, tz, lang)}), which you booked, has been cancelled. The attached file removes it from your calendar.`,
        );
  const blocks: Block[] = [{ type: "text", text }];
  if (b.status === "confirmed") blocks.push(invite("CANCEL", s, b, lang));
  blocks.push({ type: "choices", choices: [{ label: tr(lang, "ほかの回を見る", "Other sessions"), action: { intent: "sessions_list", params: {} } }] });
  return { text, blocks };
}

export function broadcastNotice(s: Session, body: string, lang: Lang): Reply {
  const heading = tr(lang, `事務局からのお知らせ(${sessionName(s, lang)})`, `From the secretariat (${sessionName(s, lang)})`);
  return { text: `${heading}\n${body}`, blocks: [{ type: "heading", text: heading }, { type: "text", text: body }] };
}

export function shortSessionLabel(s: Pick<Session, "seriesNo" | "startsAt">, lang: Lang): string {
  return tr(lang, `第${s.seriesNo}回 ${formatShortDate(s.startsAt, lang)}`, `#${s.seriesNo} ${formatShortDate(s.startsAt, lang)}`);
}

/** To those who asked 「開催が決まったら通知」: the sessions now announced, with buttons to book. */
export function sessionsOpenNotice(sessions: SessionView[], lang: Lang, tz: string | undefined, now: Date): Reply {
  const heading = tr(lang, "よろず相談会の日程が発表されました", "The consultation sessions are announced");
  const text = tr(
    lang,
    `ご希望いただいていた相談会の開催が決まりました(${sessions.length}回)。「第N回を予約」と送るか、下のボタンで予約できます。`,
    `The sessions you asked about are announced (${sessions.length}). Book with the buttons below or type e.g. "book session ${sessions[0]?.seriesNo ?? 1}".`,
  );
  const entries = sessions.map((s) => {
    const state = bookingWindow(s, now);
    const bits = [formatRange(s.startsAt, s.endsAt, tz, lang), placeText(s, lang, false), state === "open" ? seatsText(s, lang) : windowText(state, s, lang, tz)];
    return { label: sessionName(s, lang), detail: bits.join(" ・ ") };
  });
  const choices: Choice[] = sessions
    .filter((s) => bookingWindow(s, now) === "open" && s.remaining > 0)
    .slice(0, 5)
    .map((s) => ({ label: tr(lang, `${shortSessionLabel(s, lang)} を予約`, `Book ${shortSessionLabel(s, lang)}`), action: { intent: "session_book", params: { seriesNo: s.seriesNo } } }));
  choices.push({ label: tr(lang, "相談会の予定", "All sessions"), action: { intent: "sessions_list", params: {} } });
  const blocks: Block[] = [{ type: "heading", text: heading }, { type: "text", text }, { type: "list", title: heading, entries }];
  const note = sessionNote(sessions, lang);
  if (note) blocks.push(note);
  blocks.push({ type: "choices", choices });
  return { text: `${heading}\n${text}`, blocks };
}
