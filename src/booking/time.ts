// Session times: stored as instants, entered and published in Japan time (Asia/Tokyo, no daylight
// saving), shown in the reader's time zone when the platform tells it, else in Japan time.
import type { Lang } from "../core/reply.ts";

export const SESSION_TIME_ZONE = "Asia/Tokyo";

/** The time zone if Intl knows it, else Japan time (a platform may send an unknown or empty name). */
export function safeTimeZone(tz: string | undefined | null): string {
  if (!tz) return SESSION_TIME_ZONE;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz;
  } catch {
    return SESSION_TIME_ZONE;
  }
}

interface Parts {
  year: string;
  month: string;
  day: string;
  weekday: string;
  hour: string;
  minute: string;
}

// Making an Intl.DateTimeFormat costs far more than using one (a tenth of a booking turn's CPU on
// launch day): one per zone and language, kept.
const formats = new Map<string, Intl.DateTimeFormat>();

function parts(d: Date, tz: string, lang: Lang): Parts {
  const key = `${tz}\n${lang}`;
  let fmt = formats.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "ja-JP", {
      timeZone: tz,
      year: "numeric",
      month: lang === "en" ? "short" : "numeric",
      day: "numeric",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    // the zones come from users' profiles: a bounded few, but never an unbounded map
    if (formats.size >= 256) formats.clear();
    formats.set(key, fmt);
  }
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(d)) out[p.type] = p.value;
  return out as unknown as Parts;
}

function zoneLabel(d: Date, tz: string, lang: Lang): string {
  if (tz === SESSION_TIME_ZONE) return lang === "en" ? "JST" : "日本時間";
  const name = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "short" })
    .formatToParts(d)
    .find((p) => p.type === "timeZoneName")?.value;
  return name ? `${name}, ${tz}` : tz;
}

/** "2027年5月20日(木)" / "Thu 20 May 2027" */
export function formatDate(d: Date, tz: string, lang: Lang): string {
  const p = parts(d, tz, lang);
  return lang === "en" ? `${p.weekday} ${p.day} ${p.month} ${p.year}` : `${p.year}年${p.month}月${p.day}日(${p.weekday})`;
}

/** "2027年5月20日(木) 14:00" / "Thu 20 May 2027, 14:00" (with the zone) */
export function formatDateTime(d: Date, tzIn: string | undefined, lang: Lang): string {
  const tz = safeTimeZone(tzIn);
  const p = parts(d, tz, lang);
  const date = formatDate(d, tz, lang);
  return lang === "en" ? `${date}, ${p.hour}:${p.minute} (${zoneLabel(d, tz, lang)})` : `${date} ${p.hour}:${p.minute}(${zoneLabel(d, tz, lang)})`;
}

/**
 * "2027年5月20日(木) 14:00〜16:00(日本時間)" / "Thu 20 May 2027, 14:00–16:00 (JST)"; the end
 * gets its own date when it falls on another day in the reader's zone.
 */
export function formatRange(start: Date, end: Date, tzIn: string | undefined, lang: Lang): string {
  const tz = safeTimeZone(tzIn);
  const a = parts(start, tz, lang);
  const b = parts(end, tz, lang);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  const endText = sameDay ? `${b.hour}:${b.minute}` : `${formatDate(end, tz, lang)} ${b.hour}:${b.minute}`;
  const zone = zoneLabel(start, tz, lang);
  return lang === "en"
    ? `${formatDate(start, tz, lang)}, ${a.hour}:${a.minute}–${endText} (${zone})`
    : `${formatDate(start, tz, lang)} ${a.hour}:${a.minute}〜${endText}(${zone})`;
}

/** "5/20(木)" / "20 May": short, for buttons. Always Japan time, like the published schedule. */
export function formatShortDate(d: Date, lang: Lang): string {
  const p = parts(d, SESSION_TIME_ZONE, lang);
  return lang === "en" ? `${p.day} ${p.month}` : `${p.month}/${p.day}(${p.weekday})`;
}

/** "3日前" / "3 days"; "1時間前" / "1 hour" (for reminders, from an offset in ms). */
export function formatOffset(ms: number, lang: Lang): string {
  const units: [number, string, string][] = [
    [86_400_000, "日", "day"],
    [3_600_000, "時間", "hour"],
    [60_000, "分", "minute"],
  ];
  for (const [size, ja, en] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return lang === "en" ? `${n} ${en}${n === 1 ? "" : "s"}` : `${n}${ja}`;
    }
  }
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return lang === "en" ? `${minutes} minutes` : `${minutes}分`;
}

const JST_OFFSET = "+09:00";

/**
 * Reads a date and time as written by the secretariat, in Japan time unless an offset is given:
 * "2027-05-20 14:00", "2027/5/20 14:00", "2027-05-20T14:00", "2027年5月20日 14:00",
 * "2027-05-20T14:00:00+09:00", "2027-05-20T05:00:00Z". A date alone means 00:00. Null if unreadable.
 */
export function parseJstDateTime(text: string): Date | null {
  const t = text.normalize("NFKC").trim();
  const m =
    /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?(?:(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", zone] = m;
  const pad = (v: string) => v.padStart(2, "0");
  const offset = zone ? (zone === "Z" ? "Z" : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone) : JST_OFFSET;
  const iso = `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${offset}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  // reject 2027-02-31 and 25:00, which Date would silently roll over
  if (offset === JST_OFFSET) {
    const back = new Date(date.getTime() + 9 * 3_600_000);
    if (back.getUTCFullYear() !== Number(y) || back.getUTCMonth() + 1 !== Number(mo) || back.getUTCDate() !== Number(d) || back.getUTCHours() !== Number(h))
      return null;
  }
  return date;
}

/**
 * "2027-05-20 14:00-16:00", "2027/5/20 14:00〜16:00", "2027-05-20 14:00 - 2027-05-21 10:00":
 * start and end in Japan time. Null if unreadable.
 */
export function parseJstRange(text: string): { start: Date; end: Date } | null {
  const t = text.normalize("NFKC").trim().replace(/[〜～~–—]/g, "-");
  const short = /^(.+?\s*\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(t);
  if (short) {
    const start = parseJstDateTime(short[1]);
    const datePart = short[1].replace(/[\sT]+\d{1,2}:\d{2}$/, "");
    const end = parseJstDateTime(`${datePart} ${short[2]}`);
    return start && end ? { start, end } : null;
  }
  const long = /^(\S+[\sT]\d{1,2}:\d{2})\s*-\s*(\S+[\sT]\d{1,2}:\d{2})$/.exec(t);
  if (long) {
    const start = parseJstDateTime(long[1]);
    const end = parseJstDateTime(long[2]);
    return start && end ? { start, end } : null;
  }
  return null;
}

/** "2027-05-20 14:00" in Japan time: how dates are written back in CSV exports and admin replies. */
export function toJstString(d: Date): string {
  const j = new Date(d.getTime() + 9 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${j.getUTCFullYear()}-${pad(j.getUTCMonth() + 1)}-${pad(j.getUTCDate())} ${pad(j.getUTCHours())}:${pad(j.getUTCMinutes())}`;
}
