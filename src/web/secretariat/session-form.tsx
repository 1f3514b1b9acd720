// The secretariat's session form: what the fields show, and how what was typed becomes a change.
// Values go through the chat commands' own reader (toPatch), so the web accepts and refuses
// exactly what 「第3回を変更 定員=30; …」 does, with the same messages.
import { tr, type Lang } from "../../core/reply.ts";
import { toPatch } from "../../booking/commands.ts";
import type { SessionFields } from "../../booking/session-data.ts";
import { toJstString } from "../../booking/time.ts";
import { field, fields } from "../http.ts";

export interface SessionFormValues {
  seriesNo: string;
  title: string;
  topic: string;
  areas: string[];
  date: string;
  start: string;
  end: string;
  format: string;
  url: string;
  venue: string;
  capacity: string;
  perOrgCap: string;
  opensAt: string;
  closesAt: string;
  cancelCutoffAt: string;
  status: string;
  provisional: boolean;
}

/** "2027-05-20T14:00" in Japan time, as a datetime-local field shows it. */
function local(d: Date | null): string {
  return d ? toJstString(d).replace(" ", "T") : "";
}

export function valuesOf(s: SessionFields): SessionFormValues {
  const start = toJstString(s.startsAt);
  const end = toJstString(s.endsAt);
  return {
    seriesNo: String(s.seriesNo),
    title: s.title,
    topic: s.topic,
    areas: s.areas,
    date: start.slice(0, 10),
    start: start.slice(11),
    end: end.slice(11),
    format: s.format,
    url: s.url ?? "",
    venue: s.venue ?? "",
    capacity: String(s.capacity),
    perOrgCap: String(s.perOrgCap),
    opensAt: local(s.opensAt),
    closesAt: local(s.closesAt),
    cancelCutoffAt: local(s.cancelCutoffAt),
    status: s.status,
    provisional: s.provisional,
  };
}

export function emptyValues(seriesNo: number): SessionFormValues {
  return { seriesNo: String(seriesNo), title: "", topic: "", areas: [], date: "", start: "14:00", end: "16:00", format: "online", url: "", venue: "", capacity: "30", perOrgCap: "2", opensAt: "", closesAt: "", cancelCutoffAt: "", status: "open", provisional: false };
}

export function readValues(body: unknown): SessionFormValues {
  return {
    seriesNo: field(body, "seriesNo"),
    title: field(body, "title"),
    topic: field(body, "topic"),
    areas: fields(body, "areas"),
    date: field(body, "date"),
    start: field(body, "start"),
    end: field(body, "end"),
    format: field(body, "format"),
    url: field(body, "url"),
    venue: field(body, "venue"),
    capacity: field(body, "capacity"),
    perOrgCap: field(body, "perOrgCap"),
    opensAt: field(body, "opensAt"),
    closesAt: field(body, "closesAt"),
    cancelCutoffAt: field(body, "cancelCutoffAt"),
    status: field(body, "status"),
    provisional: field(body, "provisional") === "1",
  };
}

/**
 * The change the form asks for, read by the chat commands' reader. Empty optional fields clear
 * (なし); cancelling is not a field here, it has its own confirmed button.
 */
export function toSessionPatch(v: SessionFormValues): { patch: Partial<SessionFields>; problems: string[] } {
  const orNone = (s: string) => (s ? s : "なし");
  const pairs: [string, string][] = [
    ["title", v.title],
    ["topic", orNone(v.topic)],
    ["areas", orNone(v.areas.join(","))],
    ["when", `${v.date} ${v.start}-${v.end}`],
    ["format", v.format],
    ["url", orNone(v.url)],
    ["venue", orNone(v.venue)],
    ["capacity", v.capacity],
    ["per_org_cap", v.perOrgCap],
    ["opens", orNone(v.opensAt)],
    ["closes", orNone(v.closesAt)],
    ["cancel_cutoff", orNone(v.cancelCutoffAt)],
    ["provisional", v.provisional ? "はい" : "いいえ"],
  ];
  if (v.status === "open" || v.status === "closed") pairs.push(["status", v.status]);
  const r = toPatch(pairs);
  if (!v.date || !v.start || !v.end) r.problems.unshift("日付と開始・終了時刻を入れてください / enter the date, start and end");
  return r;
}

export function SessionForm(p: { lang: Lang; v: SessionFormValues; areas: { id: string; name: string }[]; isNew: boolean; action: string; csrf: string }) {
  const { lang, v } = p;
  const t = (ja: string, en: string) => tr(lang, ja, en);
  return (
    <form method="post" action={p.action} class="session-form">
      <input type="hidden" name="_csrf" value={p.csrf} />
      {p.isNew ? (
        <div>
          <label for="s-no">{t("回の番号", "Session number")}</label>
          <input id="s-no" name="seriesNo" type="number" min={1} max={999} required value={v.seriesNo} />
        </div>
      ) : null}
      <div>
        <label for="s-title">{t("タイトル", "Title")}</label>
        <input id="s-title" name="title" required maxlength={200} value={v.title} />
      </div>
      <div>
        <label for="s-topic">{t("テーマ・内容", "Topic")}</label>
        <textarea id="s-topic" name="topic" rows={2} maxlength={1000}>
          {v.topic}
        </textarea>
      </div>
      <div class="row">
        <div>
          <label for="s-date">{t("日付(日本時間)", "Date (Japan time)")}</label>
          <input id="s-date" name="date" type="date" required value={v.date} />
        </div>
        <div>
          <label for="s-start">{t("開始", "Starts")}</label>
          <input id="s-start" name="start" type="time" required value={v.start} />
        </div>
        <div>
          <label for="s-end">{t("終了", "Ends")}</label>
          <input id="s-end" name="end" type="time" required value={v.end} />
        </div>
      </div>
      <div class="row">
        <div>
          <label for="s-format">{t("形式", "Format")}</label>
          <select id="s-format" name="format">
            <option value="online" selected={v.format !== "venue"}>
              {t("オンライン", "Online")}
            </option>
            <option value="venue" selected={v.format === "venue"}>
              {t("会場", "At a venue")}
            </option>
          </select>
        </div>
        <div>
          <label for="s-url">{t("参加URL", "Join URL")}</label>
          <input id="s-url" name="url" type="url" maxlength={500} value={v.url} />
        </div>
        <div>
          <label for="s-venue">{t("会場", "Venue")}</label>
          <input id="s-venue" name="venue" maxlength={300} value={v.venue} />
        </div>
      </div>
      <div class="row">
        <div>
          <label for="s-cap">{t("定員", "Capacity")}</label>
          <input id="s-cap" name="capacity" type="number" min={0} max={10000} required value={v.capacity} />
        </div>
        <div>
          <label for="s-org">{t("1社あたりの上限", "Per-company cap")}</label>
          <input id="s-org" name="perOrgCap" type="number" min={1} max={10000} required value={v.perOrgCap} />
        </div>
      </div>
      <div class="row">
        <div>
          <label for="s-opens">{t("受付開始(任意)", "Booking opens (optional)")}</label>
          <input id="s-opens" name="opensAt" type="datetime-local" value={v.opensAt} />
        </div>
        <div>
          <label for="s-closes">{t("受付締切(任意)", "Booking closes (optional)")}</label>
          <input id="s-closes" name="closesAt" type="datetime-local" value={v.closesAt} />
        </div>
        <div>
          <label for="s-cut">{t("キャンセル期限(任意)", "Cancellation cut-off (optional)")}</label>
          <input id="s-cut" name="cancelCutoffAt" type="datetime-local" value={v.cancelCutoffAt} />
        </div>
      </div>
      <fieldset>
        <legend>{t("分野(当方の分類)", "Areas (our grouping)")}</legend>
        <div class="checks">
          {p.areas.map((a) => (
            <div class="check">
              <input type="checkbox" id={`s-area-${a.id}`} name="areas" value={a.id} checked={v.areas.includes(a.id)} />
              <label for={`s-area-${a.id}`}>{a.name}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div class="row">
        {!p.isNew && v.status !== "cancelled" ? (
          <div>
            <label for="s-status">{t("受付", "Registration")}</label>
            <select id="s-status" name="status">
              <option value="open" selected={v.status === "open"}>
                {t("受付中", "Open")}
              </option>
              <option value="closed" selected={v.status === "closed"}>
                {t("締切", "Closed")}
              </option>
            </select>
          </div>
        ) : null}
        <div class="check">
          <input type="checkbox" id="s-prov" name="provisional" value="1" checked={v.provisional} />
          <label for="s-prov">{t("仮の予定として表示する", "Show as provisional")}</label>
        </div>
      </div>
      <button type="submit" class="primary">
        {p.isNew ? t("この回を追加", "Add this session") : t("変更を保存(登録者に通知します)", "Save changes (registrants are told)")}
      </button>
    </form>
  );
}
