// What a consultation session is, as data: validated with zod wherever it comes from (the seed
// file, an import file, a secretariat's chat command), with the same rules everywhere.
import { z } from "zod";
import { parseJstDateTime, parseJstRange } from "./time.ts";

export const SESSION_STATUSES = ["open", "closed", "cancelled"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const SESSION_FORMATS = ["online", "venue"] as const;
export type SessionFormat = (typeof SESSION_FORMATS)[number];

/** A session as stored (the fields the secretariat defines). */
export interface SessionFields {
  seriesNo: number;
  title: string;
  topic: string;
  areas: string[];
  startsAt: Date;
  endsAt: Date;
  format: SessionFormat;
  url: string | null;
  venue: string | null;
  capacity: number;
  perOrgCap: number;
  opensAt: Date | null;
  closesAt: Date | null;
  cancelCutoffAt: Date | null;
  status: SessionStatus;
  provisional: boolean;
}

export const MAX_SERIES_NO = 999;
/**
 * A session number as the member intents take it, typed or from a button. 0 is let through on
 * purpose: 「第0回を予約」 is answered like 「第99回を予約」 ("there is no session 0"), where a
 * schema refusing it told the person their button could not be read.
 */
export const SeriesNoParam = z.number().int().min(0).max(MAX_SERIES_NO);
export const MAX_CAPACITY = 10_000;

const httpUrl = z
  .string()
  .trim()
  .max(500, "URLは500文字までです / the URL is at most 500 characters")
  .refine((v) => /^https?:\/\/[^\s<>"]+$/.test(v), "URLは https:// で始まる形で書いてください / must be an http(s) URL without spaces");

/** The full record, with the rules that tie fields together. `areaIds` are the known area ids. */
export function sessionSchema(areaIds: ReadonlySet<string>) {
  return z
    .object({
      seriesNo: z.number().int().min(1).max(MAX_SERIES_NO),
      // lengths say so in words: the secretariat sees these messages, not zod's English
      title: z.string().trim().min(1, "タイトルが必要です / title is required").max(200, "タイトルは200文字までです / the title is at most 200 characters"),
      topic: z.string().trim().max(1000, "テーマは1000文字までです / the topic is at most 1000 characters"),
      areas: z
        .array(z.string().trim().min(1))
        .max(25)
        .superRefine((areas, ctx) => {
          const unknown = areas.filter((a) => !areaIds.has(a));
          if (unknown.length) ctx.addIssue({ code: "custom", message: `分野のIDが不明です: ${unknown.join(", ")}(knowledge/guideline/2.3/areas.yaml の id) / unknown area id(s)` });
        }),
      startsAt: z.date(),
      endsAt: z.date(),
      format: z.enum(SESSION_FORMATS),
      url: httpUrl.nullable(),
      venue: z.string().trim().min(1, "会場名が空です(なくすときは「なし」) / the venue is empty (write なし / none to clear it)").max(300, "会場は300文字までです / the venue is at most 300 characters").nullable(),
      capacity: z.number().int().min(0).max(MAX_CAPACITY),
      perOrgCap: z.number().int().min(1).max(MAX_CAPACITY),
      opensAt: z.date().nullable(),
      closesAt: z.date().nullable(),
      cancelCutoffAt: z.date().nullable(),
      status: z.enum(SESSION_STATUSES),
      provisional: z.boolean(),
    })
    .superRefine((s, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
      if (s.endsAt.getTime() <= s.startsAt.getTime()) issue("endsAt", "終了は開始より後にしてください / end must be after start");
      if (s.endsAt.getTime() - s.startsAt.getTime() > 24 * 3_600_000) issue("endsAt", "1回は24時間以内です / a session lasts at most 24 hours");
      if (s.format === "venue" && !s.venue) issue("venue", "会場で開く回には会場名が必要です / a session at a venue needs the venue");
      if (s.opensAt && s.closesAt && s.opensAt.getTime() >= s.closesAt.getTime()) issue("closesAt", "受付締切は受付開始より後にしてください / booking must close after it opens");
      if (s.closesAt && s.closesAt.getTime() > s.startsAt.getTime()) issue("closesAt", "受付締切は開始時刻までにしてください / booking must close at the latest when the session starts");
      if (s.opensAt && s.opensAt.getTime() >= s.startsAt.getTime()) issue("opensAt", "受付開始は開始時刻より前にしてください / booking must open before the session starts");
      if (s.cancelCutoffAt && s.cancelCutoffAt.getTime() > s.startsAt.getTime())
        issue("cancelCutoffAt", "キャンセル期限は開始時刻までにしてください / the cancellation cut-off must be at the latest when the session starts");
    });
}

// --- rows as written in files (YAML, CSV): snake_case keys, Japan-time strings -------------------

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

const dateCell = z.unknown().optional().transform((v, ctx): Date | null => {
  if (blank(v)) return null;
  if (v instanceof Date) return v;
  const d = typeof v === "string" ? parseJstDateTime(v) : null;
  if (!d) ctx.addIssue({ code: "custom", message: `「2027-05-20 14:00」の形の日時(日本時間)ではありません / not a date and time like 2027-05-20 14:00 (Japan time): ${JSON.stringify(v)}` });
  return d;
});
const intCell = (what: string) =>
  z.unknown().optional().transform((v, ctx): number | undefined => {
    if (blank(v)) return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v.normalize("NFKC")) ? Number(v.normalize("NFKC")) : NaN;
    if (!Number.isInteger(n)) ctx.addIssue({ code: "custom", message: `整数で書いてください / must be a whole number (${what}): ${JSON.stringify(v)}` });
    return n;
  });
const strCell = z.unknown().optional().transform((v, ctx): string | null => {
  if (blank(v)) return null;
  if (typeof v === "string" || typeof v === "number") return String(v).trim();
  ctx.addIssue({ code: "custom", message: `expected text: ${JSON.stringify(v)}` });
  return null;
});
const boolCell = z.unknown().optional().transform((v, ctx): boolean | undefined => {
  if (blank(v)) return undefined;
  if (typeof v === "boolean") return v;
  const s = String(v).trim().toLowerCase();
  if (/^(true|yes|1|はい|仮|y)$/.test(s)) return true;
  if (/^(false|no|0|いいえ|確定|n)$/.test(s)) return false;
  ctx.addIssue({ code: "custom", message: `expected true or false: ${JSON.stringify(v)}` });
  return undefined;
});
const areasCell = z.unknown().optional().transform((v, ctx): string[] => {
  if (blank(v)) return [];
  if (Array.isArray(v)) return v.map((a) => String(a).trim()).filter(Boolean);
  if (typeof v === "string") return v.split(/[\s,、|;]+/).map((a) => a.trim()).filter(Boolean);
  ctx.addIssue({ code: "custom", message: `areas must be a list of area ids: ${JSON.stringify(v)}` });
  return [];
});

export const FILE_COLUMNS = [
  "no",
  "title",
  "topic",
  "areas",
  "start",
  "end",
  "format",
  "url",
  "venue",
  "capacity",
  "per_org_cap",
  "opens",
  "closes",
  "cancel_cutoff",
  "status",
  "provisional",
] as const;

const FileRow = z
  .object({
    no: intCell("no"),
    title: strCell,
    topic: strCell,
    areas: areasCell,
    when: strCell,
    start: dateCell,
    end: dateCell,
    format: strCell,
    url: strCell,
    venue: strCell,
    capacity: intCell("capacity"),
    per_org_cap: intCell("per_org_cap"),
    opens: dateCell,
    closes: dateCell,
    cancel_cutoff: dateCell,
    status: strCell,
    provisional: boolCell,
  })
  .strict();

export const FORMAT_WORDS: Record<string, SessionFormat> = {
  online: "online",
  オンライン: "online",
  web: "online",
  venue: "venue",
  会場: "venue",
  対面: "venue",
  onsite: "venue",
  "on-site": "venue",
};
export const STATUS_WORDS: Record<string, SessionStatus> = {
  open: "open",
  受付中: "open",
  募集中: "open",
  closed: "closed",
  締切: "closed",
  締め切り: "closed",
  受付終了: "closed",
  cancelled: "cancelled",
  canceled: "cancelled",
  中止: "cancelled",
};

export interface RowProblem {
  /** 1-based row in the file (CSV: the line after the header is row 1) */
  row: number;
  seriesNo?: number;
  problems: string[];
}

function issues(err: z.ZodError): string[] {
  return err.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
}

/**
 * Reads one file row into a full session record. `defaults` fill what the row leaves out
 * (e.g. `provisional` from the file's top level).
 */
export function readFileRow(
  raw: unknown,
  areaIds: ReadonlySet<string>,
  defaults: { provisional?: boolean } = {},
): { ok: true; session: SessionFields } | { ok: false; problems: string[]; seriesNo?: number } {
  const row = FileRow.safeParse(raw);
  if (!row.success) {
    const no = typeof raw === "object" && raw && "no" in raw ? Number((raw as { no: unknown }).no) : undefined;
    return { ok: false, problems: issues(row.error), seriesNo: Number.isInteger(no) ? no : undefined };
  }
  const r = row.data;
  const problems: string[] = [];
  let start = r.start;
  let end = r.end;
  if (r.when) {
    const range = parseJstRange(r.when);
    if (!range) problems.push(`when: 「2027-05-20 14:00-16:00」の形ではありません / not a range like 2027-05-20 14:00-16:00: ${JSON.stringify(r.when)}`);
    else ({ start, end } = range);
  }
  if (!start) problems.push("start: 開始が必要です / required (or when)");
  if (!end) problems.push("end: 終了が必要です / required (or when)");
  const format = r.format ? FORMAT_WORDS[r.format.toLowerCase()] : r.venue && !r.url ? "venue" : "online";
  if (!format) problems.push(`format: 形式は online か venue です / expected online or venue: ${JSON.stringify(r.format)}`);
  const status = r.status ? STATUS_WORDS[r.status.toLowerCase()] : "open";
  if (!status) problems.push(`status: 状態は open・closed・cancelled のいずれかです / expected open, closed or cancelled: ${JSON.stringify(r.status)}`);
  if (r.no === undefined) problems.push("no: 回の番号が必要です / required (the number in the series)");
  if (r.capacity === undefined) problems.push("capacity: 定員が必要です / required");
  if (problems.length) return { ok: false, problems, seriesNo: r.no };
  const candidate: SessionFields = {
    seriesNo: r.no!,
    title: r.title ?? "",
    topic: r.topic ?? "",
    areas: r.areas,
    startsAt: start!,
    endsAt: end!,
    format: format!,
    url: r.url,
    venue: r.venue,
    capacity: r.capacity!,
    perOrgCap: r.per_org_cap ?? 2,
    opensAt: r.opens,
    closesAt: r.closes,
    cancelCutoffAt: r.cancel_cutoff,
    status: status!,
    provisional: r.provisional ?? defaults.provisional ?? false,
  };
  const checked = sessionSchema(areaIds).safeParse(candidate);
  if (!checked.success) return { ok: false, problems: issues(checked.error), seriesNo: r.no };
  return { ok: true, session: checked.data as SessionFields };
}

/** Validates a record built in code (a chat command merged over the stored session). */
export function validateSession(s: SessionFields, areaIds: ReadonlySet<string>): string[] {
  const r = sessionSchema(areaIds).safeParse(s);
  return r.success ? [] : issues(r.error);
}
