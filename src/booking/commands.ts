// How people ask for sessions in chat, and the secretariat's command syntax. Pure functions of the
// text, unit-tested; the intents only call them.
//
// Members: 「相談会の予定は?」「第3回を予約」「3回目に申し込みたい」「第3回のキャンセル待ちに登録」
//   「予約を確認」「第3回をキャンセル」「第3回の相談テーマ: ランサムウェア対策」; "sessions",
//   "book session 3", "my bookings", "cancel session 3", "topic for session 3: backups".
// The secretariat (one field):  第3回の定員を30に / 第3回の日時を2027-05-20 14:00-16:00に /
//   第3回の会場を「自動車会館 大会議室」に / 第3回のURLをhttps://…に / 第3回の受付締切をなしに
// (several fields):  第3回を変更 定員=30; 1社上限=3; キャンセル期限=2027-05-19 12:00
// (new session):     第13回を追加 タイトル=…; 日時=2027-12-16 14:00-16:00; 定員=40; 分野=backup-recovery
// (state):           第5回を中止 / 第3回の受付を締め切る / 第3回の受付を再開
// English:           admin session 3 set capacity=30; venue=…  /  admin session 13 add title=…; when=…
//                    admin session 5 cancel | close | reopen
// Times are Japan time. Values may be quoted with 「」 or "". なし / none clears an optional field.
import { normalize } from "../nlu/normalize.ts";
import { FORMAT_WORDS, MAX_CAPACITY, MAX_SERIES_NO, STATUS_WORDS, type SessionFields } from "./session-data.ts";
import { parseJstDateTime, parseJstRange } from "./time.ts";

const KANJI_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 十二 → 12, 三 → 3, 二十 → 20 (up to 99). */
function kanjiNumber(s: string): number | undefined {
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  if (!m[2]) return m[3] ? undefined : KANJI_DIGITS[m[1]!];
  return (m[1] ? KANJI_DIGITS[m[1]] : 1) * 10 + (m[3] ? KANJI_DIGITS[m[3]] : 0);
}

const SERIES_PATTERNS: RegExp[] = [
  /第\s*(\d{1,3}|[一二三四五六七八九十]{1,3})\s*回/,
  /(?<![\d.])(\d{1,3})\s*回目/,
  /\bsessions?\s*(?:no\.?|number|#)?\s*(\d{1,3})\b/,
  /#\s*(\d{1,3})\s*(?:session|相談会)/,
  /相談会\s*(?:no\.?|#)?\s*(\d{1,3})(?!\d)/,
];

/** The session number a message refers to (第3回, 3回目, session 3), or undefined. */
export function findSeriesNo(text: string): number | undefined {
  const t = normalize(text);
  for (const re of SERIES_PATTERNS) {
    const m = re.exec(t);
    if (!m) continue;
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : kanjiNumber(m[1]);
    if (n !== undefined) return n;
  }
  return undefined;
}

const WAITLIST = /キャンセル待ち|空き待ち|waitlist|waiting list/;
const CANCEL = /キャンセル|取り?消|とりけし|やめ(る|たい|ます|て)|辞退|参加(でき|し)ない|\bcancel|\bleave\b|\bdrop\b|\bwithdraw/;
const BOOK = /予約|申し?込|もうしこ|参加(したい|します|希望|登録|を希望)|登録|行きたい|出たい|\bbook|\breserve|\bsign\s*(me\s*)?up|\bregister|\bjoin|\benrol/;
const MY_BOOKINGS =
  /予約(の|を|した)?(確認|状況|一覧|内容|状態)|(私|自分|わたし|僕|ぼく)の予約|予約した(回|相談会|もの|の)|予約済み(の回)?(は|を|一覧)?|申し?込(み|んだ)(状況|内容|一覧|した回)|\bmy\s+(bookings?|reservations?|sessions|seats)\b|\bbooking status\b|\bwhat (have i|did i) book/;
const SESSIONS = /相談会|よろず|セッション|\bsessions?\b|\bconsultations?\b/;
const RECOMMEND = /おすすめ|お勧め|オススメ|お薦め|どの回|どれに(参加|出)|向いている回|合う回|\brecommend|\bwhich session|\bsuggest/;
/** Words of the secretariat's session commands: never read as a member's booking or cancellation. */
const ADMIN_WORDS = /中止|を追加|を変更|の受付を|定員を|上限を|日時を|会場を|url\s*を|タイトルを|テーマを|分野を|形式を|締切を|期限を|^admin\b/;

export type MemberRequest =
  | { kind: "book"; seriesNo: number; waitlist: boolean }
  | { kind: "cancel"; seriesNo?: number }
  | { kind: "my_bookings" }
  | { kind: "recommend" }
  | { kind: "list" }
  | { kind: "topic"; seriesNo: number; topic: string }
  /** 「開催が決まったら通知」 / 「通知をやめる」 */
  | { kind: "notify"; stop: boolean };

const NOTIFY_STOP =
  /(通知|お知らせ)(の登録)?(を|は)?(やめ|止め|とめ|停止|解除|取り?消|不要|いらない|オフ|キャンセル)|\bstop (the )?(sessions? )?(notice|notif\w*|alert)|\bunsubscribe\b|\bdon'?t notify\b|\bcancel (the |my )?(notice|notif\w*|alert)/;
const NOTIFY =
  /(決ま|発表さ|公開さ|開催さ|確定し|始ま|わか|分か)(っ|れ|し)?たら.*(通知|知らせ|教え|連絡)|(開催|日程).*(通知|お知らせ)(して|を(希望|お願い|ください|下さい|受け取)|希望|ほしい|欲しい)|^(通知|お知らせ)(して|を(希望|お願い|ください|下さい|受け取る))|\bnotify me\b|\blet me know when\b|\btell me when\b|\balert me\b/;

/** A request to be told (or no longer told) when sessions are announced. */
function readNotifyRequest(t: string): { kind: "notify"; stop: boolean } | null {
  const bare = t.replace(/[?？!！。.]+$/, "");
  const aboutSessions = SESSIONS.test(t) || /開催|日程|announced|dates?/.test(t);
  if (NOTIFY_STOP.test(t) && (aboutSessions || /^(通知をやめる|通知を停止|通知を解除|stop the notice|stop notifications?)$/.test(bare))) return { kind: "notify", stop: true };
  if (NOTIFY.test(t) && (aboutSessions || /^(通知して|通知を希望|notify me)$/.test(bare))) return { kind: "notify", stop: false };
  return null;
}

/** What a member's message asks about sessions, or null when it is about something else. */
export function readMemberRequest(text: string): MemberRequest | null {
  const t = normalize(text);
  if (ADMIN_WORDS.test(t) || REGISTRANTS.test(t)) return null;
  const notify = readNotifyRequest(t);
  if (notify) return notify;
  const topic = /^(?:第\s*\S{1,3}\s*回|\d{1,3}\s*回目)\s*の\s*(?:相談テーマ|テーマ|相談内容|相談したいこと|質問)\s*[:：]\s*([\s\S]+)$/.exec(text.normalize("NFKC").trim());
  const topicEn = /^topic\s+(?:for\s+)?session\s*#?\s*\d{1,3}\s*[:：]\s*([\s\S]+)$/i.exec(text.normalize("NFKC").trim());
  const seriesNo = findSeriesNo(t);
  if ((topic || topicEn) && seriesNo !== undefined) return { kind: "topic", seriesNo, topic: (topic ?? topicEn)![1].trim() };
  if (MY_BOOKINGS.test(t)) return { kind: "my_bookings" };
  const withoutWaitlist = t.replace(WAITLIST, " ");
  const waitlist = WAITLIST.test(t);
  // "キャンセル待ちをやめる" leaves the waitlist; "キャンセル待ちに登録" joins it.
  if (CANCEL.test(withoutWaitlist)) {
    if (seriesNo !== undefined || /^(キャンセル|予約を?(キャンセル|取り?消し?)(したい|する|します)?|cancel|cancel (my )?booking)$/.test(t.replace(/[?？!！。.]+$/, "")))
      return { kind: "cancel", seriesNo };
    if (waitlist || /予約/.test(t) || /\bbooking|\breservation/.test(t)) return { kind: "cancel" };
    return null;
  }
  if (seriesNo !== undefined && (BOOK.test(withoutWaitlist) || waitlist)) return { kind: "book", seriesNo, waitlist };
  if (RECOMMEND.test(t) && (SESSIONS.test(t) || /回|session/.test(t))) return { kind: "recommend" };
  if (SESSIONS.test(t) || /^(予約|予約したい|予約する|申し込み|申込|申し込みたい|book|book a seat|booking)$/.test(t.replace(/[?？!！。.]+$/, ""))) return { kind: "list" };
  return null;
}

/** Replies to "skip" the optional topic question. */
export function isSkip(text: string): boolean {
  return /^(スキップ|すきっぷ|なし|無し|特になし|とくになし|ありません|特にありません|不要|いらない|大丈夫|skip|none|no|nothing|no thanks|n\/a|-)$/.test(
    normalize(text).replace(/[?？!！。.、]+$/, ""),
  );
}

// --- the secretariat ----------------------------------------------------------------------------

export const REGISTRANTS = /(参加者|申込者|申し込み者|登録者|予約者|出席者)(の)?(一覧|リスト|名簿|csv|は|を)?|\bregistrants?\b|\battendees?\b|\broster\b/;

export type AdminRequest =
  | { kind: "registrants"; seriesNo: number; csv: boolean }
  | { kind: "broadcast"; seriesNo: number; text: string; includeWaitlist: boolean }
  | { kind: "help" };

/** The secretariat's read-only and messaging requests (registrants, CSV, a message to all). */
export function readAdminRequest(text: string): AdminRequest | null {
  const raw = text.normalize("NFKC").trim();
  const t = normalize(text);
  if (/^(相談会の管理|相談会管理|セッション管理|session admin|admin sessions?|sessions? admin|admin help)$/.test(t.replace(/[?？!！。.]+$/, ""))) return { kind: "help" };
  const bc =
    /^第\s*(\S{1,3})\s*回\s*の\s*(?:参加者|申込者|予約者|登録者)\s*(全員|とキャンセル待ち)?\s*(?:に|へ)\s*(?:連絡|お知らせ|メッセージ|通知|送信)\s*(?:する|して)?\s*[:：]\s*([\s\S]+)$/.exec(raw) ??
    null;
  if (bc) {
    const seriesNo = findSeriesNo(`第${bc[1]}回`);
    if (seriesNo !== undefined) return { kind: "broadcast", seriesNo, text: bc[3].trim(), includeWaitlist: Boolean(bc[2]) };
  }
  const bcEn = /^(?:message|notify|tell)\s+(?:the\s+)?(?:registrants|attendees)(\s+and\s+waitlist)?\s+(?:of\s+)?session\s*#?\s*(\d{1,3})\s*[:：]\s*([\s\S]+)$/i.exec(raw);
  if (bcEn) return { kind: "broadcast", seriesNo: Number(bcEn[2]), text: bcEn[3].trim(), includeWaitlist: Boolean(bcEn[1]) };
  const seriesNo = findSeriesNo(t);
  if (seriesNo !== undefined && REGISTRANTS.test(t) && !/(に|へ)\s*(連絡|お知らせ|メッセージ|通知)/.test(t))
    return { kind: "registrants", seriesNo, csv: /csv|エクスポート|出力|ダウンロード|export|download/.test(t) };
  return null;
}

export type SessionCommand =
  | { op: "update"; seriesNo: number; patch: Partial<SessionFields> }
  | { op: "add"; seriesNo: number; patch: Partial<SessionFields> }
  | { op: "cancel" | "close" | "reopen"; seriesNo: number };

export type ParsedCommand = { ok: true; command: SessionCommand } | { ok: false; seriesNo?: number; problems: string[] };

type FieldKey = keyof SessionFields | "when";

const FIELD_WORDS: [FieldKey, RegExp][] = [
  ["perOrgCap", /^(1社(あたり)?の?上限|1社あたり|社ごとの上限|1社の?定員|会社ごとの上限|per[_ ]?org[_ ]?cap|per[_ ]?org|org[_ ]?cap)$/],
  ["capacity", /^(定員|席数|capacity|seats)$/],
  ["title", /^(タイトル|題名|名称|title|name)$/],
  ["topic", /^(テーマ|内容|説明|概要|topic|description)$/],
  ["areas", /^(分野|領域|対象分野|areas?)$/],
  ["when", /^(日時|日程|when|date)$/],
  ["startsAt", /^(開始|開始日時|開始時刻|start|starts)$/],
  ["endsAt", /^(終了|終了日時|終了時刻|end|ends)$/],
  ["format", /^(形式|開催形式|format)$/],
  ["url", /^(url|参加url|リンク|link)$/],
  ["venue", /^(会場|場所|venue|place)$/],
  ["opensAt", /^(受付開始|申込開始|申し込み開始|opens?)$/],
  ["closesAt", /^(受付締切|受付締め切り|申込締切|申し込み締切|締切|締め切り|受付終了|closes?|deadline)$/],
  ["cancelCutoffAt", /^(キャンセル期限|取消期限|取り消し期限|cancel[_ ]?cut-?off|cut-?off)$/],
  ["status", /^(状態|ステータス|status)$/],
  ["provisional", /^(仮|仮予定|provisional)$/],
];

function fieldOf(word: string): FieldKey | undefined {
  const w = normalize(word).replace(/\s+/g, " ");
  return FIELD_WORDS.find(([, re]) => re.test(w))?.[0];
}

const FIELD_NAMES_JA = "タイトル, テーマ, 分野, 日時, 開始, 終了, 形式, URL, 会場, 定員, 1社上限, 受付開始, 受付締切, キャンセル期限, 状態, 仮";

function unquote(v: string): string {
  const s = v.trim();
  const m = /^「([\s\S]*)」$|^"([\s\S]*)"$|^『([\s\S]*)』$/.exec(s);
  return (m ? (m[1] ?? m[2] ?? m[3]) : s).trim();
}

const CLEAR = /^(なし|無し|未定|-|none|clear|null)$/i;

/** Converts written values into typed fields; every problem is named (Japanese first). */
export function toPatch(pairs: [string, string][]): { patch: Partial<SessionFields>; problems: string[] } {
  const patch: Partial<SessionFields> = {};
  const problems: string[] = [];
  for (const [word, rawValue] of pairs) {
    const key = fieldOf(word);
    const value = unquote(rawValue);
    if (!key) {
      problems.push(`「${word}」という項目はありません(使える項目: ${FIELD_NAMES_JA}) / unknown field "${word}"`);
      continue;
    }
    const clear = CLEAR.test(value);
    const date = (label: string): Date | null | undefined => {
      if (clear) return null;
      const d = parseJstDateTime(value);
      if (!d) problems.push(`${label}は「2027-05-20 14:00」の形で書いてください(日本時間) / ${label}: write a date like 2027-05-20 14:00 (Japan time)`);
      return d ?? undefined;
    };
    const int = (label: string, max: number): number | undefined => {
      const n = normalize(value).replace(/(人|名|席|社)$/, "");
      if (!/^\d+$/.test(n) || Number(n) > max) {
        problems.push(`${label}は0〜${max}の整数で書いてください / ${label} must be a whole number up to ${max}`);
        return undefined;
      }
      return Number(n);
    };
    switch (key) {
      case "title":
      case "topic":
        if (!value && key === "title") problems.push("タイトルが空です / the title is empty");
        else patch[key] = clear && key === "topic" ? "" : value;
        break;
      case "areas":
        patch.areas = clear ? [] : value.split(/[\s,、|;]+/).map((a) => a.trim()).filter(Boolean);
        break;
      case "when": {
        const r = parseJstRange(value);
        if (!r) problems.push("日時は「2027-05-20 14:00-16:00」の形で書いてください(日本時間) / when: write it like 2027-05-20 14:00-16:00 (Japan time)");
        else {
          patch.startsAt = r.start;
          patch.endsAt = r.end;
        }
        break;
      }
      case "startsAt":
      case "endsAt": {
        const d = date(key === "startsAt" ? "開始" : "終了");
        if (d === null) problems.push("開始・終了は消せません / start and end cannot be cleared");
        else if (d) patch[key] = d;
        break;
      }
      case "opensAt":
      case "closesAt":
      case "cancelCutoffAt": {
        const d = date(key === "opensAt" ? "受付開始" : key === "closesAt" ? "受付締切" : "キャンセル期限");
        if (d !== undefined) patch[key] = d;
        break;
      }
      case "format": {
        const f = FORMAT_WORDS[normalize(value)];
        if (!f) problems.push("形式は「オンライン」か「会場」です / format is online or venue");
        else patch.format = f;
        break;
      }
      case "url":
        if (clear) patch.url = null;
        else if (!/^https?:\/\/[^\s<>"]+$/.test(value)) problems.push("URLは https:// で始まる形で書いてください / the URL must start with https://");
        else patch.url = value;
        break;
      case "venue":
        if (clear) patch.venue = null;
        else {
          patch.venue = value;
          patch.format ??= "venue";
        }
        break;
      case "capacity": {
        const n = int("定員", MAX_CAPACITY);
        if (n !== undefined) patch.capacity = n;
        break;
      }
      case "perOrgCap": {
        const n = int("1社上限", MAX_CAPACITY);
        if (n !== undefined) patch.perOrgCap = n;
        break;
      }
      case "status": {
        const s = STATUS_WORDS[normalize(value)];
        if (!s) problems.push("状態は「受付中」「締切」「中止」のいずれかです / status is open, closed or cancelled");
        else patch.status = s;
        break;
      }
      case "provisional": {
        const v = normalize(value);
        if (/^(はい|仮|yes|true|1)$/.test(v)) patch.provisional = true;
        else if (/^(いいえ|確定|no|false|0)$/.test(v)) patch.provisional = false;
        else problems.push("仮は「はい」(仮)か「いいえ」(確定)です / provisional is yes or no");
        break;
      }
      case "seriesNo":
        problems.push("回の番号は変えられません / the session number cannot be changed");
        break;
    }
  }
  return { patch, problems };
}

/** "k=v; k=v" (also ：/: and newlines or ；as separators). */
function pairsOf(list: string): [string, string][] | string {
  const out: [string, string][] = [];
  for (const part of list.split(/\s*[;；\n]\s*/).filter((p) => p.trim())) {
    const m = /^([^=:：]+?)\s*(?:=|:|：)\s*([\s\S]*)$/.exec(part.trim());
    if (!m) return part.trim();
    out.push([m[1].trim(), m[2].trim()]);
  }
  return out;
}

const VALUE_END = String.raw`\s*(?:に|へ)\s*(?:変更|変え|設定|更新|修正)?\s*(?:して(?:ください|下さい)?|する|します|お願いします|お願い)?\s*[。.!！]?$`;

/**
 * The secretariat's session commands. Null when the text is not one (so other intents may read
 * it); a list of problems when it is one but cannot be carried out as written.
 */
export function parseSessionCommand(text: string): ParsedCommand | null {
  const raw = text.normalize("NFKC").replace(/\s+$/, "").trim();
  const head = /^第\s*(\S{1,3}?)\s*回\s*/.exec(raw);
  const en = /^admin\s+session\s*#?\s*(\d{1,3})\s+(set|add|cancel|close|reopen)\b\s*([\s\S]*)$/i.exec(raw);
  if (en) {
    const seriesNo = Number(en[1]);
    const op = en[2].toLowerCase();
    if (op === "cancel" || op === "close" || op === "reopen") return checkNo(seriesNo, { op, seriesNo } as SessionCommand);
    return fromPairs(seriesNo, op === "add" ? "add" : "update", en[3]);
  }
  if (!head) return null;
  const seriesNo = findSeriesNo(head[0]);
  if (seriesNo === undefined) return null;
  const rest = raw.slice(head[0].length);
  if (/^を\s*(中止|取りやめ|開催中止)\s*(に)?\s*(する|します|して(ください)?)?\s*[。.!！]?$/.test(rest)) return checkNo(seriesNo, { op: "cancel", seriesNo });
  if (/^(の)?\s*(受付|申込|申し込み|募集)\s*を\s*(締め?切|しめき|終了|停止|止め|クローズ)/.test(rest)) return checkNo(seriesNo, { op: "close", seriesNo });
  if (/^(の)?\s*(受付|申込|申し込み|募集)?\s*を\s*再開/.test(rest)) return checkNo(seriesNo, { op: "reopen", seriesNo });
  const many = /^を\s*(追加|変更|更新|修正)\s*[:：]?\s*([\s\S]*)$/.exec(rest);
  if (many) return fromPairs(seriesNo, many[1] === "追加" ? "add" : "update", many[2]);
  const one = new RegExp(String.raw`^の\s*(.{1,20}?)\s*を\s*([\s\S]+?)` + VALUE_END).exec(rest);
  if (one && fieldOf(one[1])) return fromPairs(seriesNo, "update", undefined, [[one[1], one[2]]]);
  return null;
}

function checkNo(seriesNo: number, command: SessionCommand): ParsedCommand {
  if (seriesNo < 1 || seriesNo > MAX_SERIES_NO) return { ok: false, seriesNo, problems: [`回の番号は1〜${MAX_SERIES_NO}です / session numbers are 1 to ${MAX_SERIES_NO}`] };
  return { ok: true, command };
}

function fromPairs(seriesNo: number, op: "add" | "update", list: string | undefined, given?: [string, string][]): ParsedCommand {
  const pairs = given ?? pairsOf(list ?? "");
  if (typeof pairs === "string")
    return { ok: false, seriesNo, problems: [`「${pairs}」を読めませんでした。「項目=値」を ; で区切って書いてください / could not read "${pairs}": write field=value pairs separated by ;`] };
  if (!pairs.length) return { ok: false, seriesNo, problems: ["変更する項目がありません。例: 定員=30; 会場=… / nothing to change, e.g. capacity=30"] };
  const { patch, problems } = toPatch(pairs);
  if (problems.length) return { ok: false, seriesNo, problems };
  const checked = checkNo(seriesNo, { op, seriesNo, patch });
  if (!checked.ok) return checked;
  if (op === "add") {
    const missing = [
      patch.title === undefined ? "タイトル" : "",
      patch.startsAt === undefined ? "日時" : "",
      patch.capacity === undefined ? "定員" : "",
    ].filter(Boolean);
    if (missing.length) return { ok: false, seriesNo, problems: [`新しい回には ${missing.join("・")} が必要です / a new session needs a title, a time and a capacity`] };
  }
  return checked;
}

/** Fills what a new session leaves out (online, 2 seats per company, open, not provisional). */
export function newSessionFields(seriesNo: number, patch: Partial<SessionFields>): SessionFields {
  return {
    seriesNo,
    title: patch.title ?? "",
    topic: patch.topic ?? "",
    areas: patch.areas ?? [],
    startsAt: patch.startsAt!,
    endsAt: patch.endsAt!,
    format: patch.format ?? (patch.venue ? "venue" : "online"),
    url: patch.url ?? null,
    venue: patch.venue ?? null,
    capacity: patch.capacity ?? 0,
    perOrgCap: patch.perOrgCap ?? 2,
    opensAt: patch.opensAt ?? null,
    closesAt: patch.closesAt ?? null,
    cancelCutoffAt: patch.cancelCutoffAt ?? null,
    status: patch.status ?? "open",
    provisional: patch.provisional ?? false,
  };
}
