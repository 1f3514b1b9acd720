// The secretariat's sessions: the list (seats, waitlist, state), adding a session, and one
// session's page: edit, registrants with their CSV, a message to everyone booked (shown first,
// then sent), and cancelling (asked first). Every change goes through the BookingService like the
// chat commands: the session row is locked, seats never drop below those taken, and registrants
// are told through the outbox with an updated or cancelled invite.
import { tr, type Lang } from "../../core/reply.ts";
import type { Registrant, SessionChangeOutcome, SessionView } from "../../booking/booking-service.ts";
import { MAX_BROADCAST_LENGTH } from "../../booking/booking-service.ts";
import { newSessionFields } from "../../booking/commands.ts";
import { sessionName } from "../../booking/replies.ts";
import { MAX_SERIES_NO, type SessionFields } from "../../booking/session-data.ts";
import { fieldsOf } from "../../booking/booking-service.ts";
import { toJstString } from "../../booking/time.ts";
import { Csrf, Layout, type Flash } from "../page.tsx";
import type { PageCtx, WebDeps } from "../context.ts";
import { emptyValues, SessionForm, toSessionPatch, type SessionFormValues } from "./session-form.tsx";

const STATUS: Record<string, [string, string]> = { open: ["受付中", "open"], closed: ["締切", "closed"], cancelled: ["中止", "cancelled"] };

export function areaOptions(deps: WebDeps, lang: Lang) {
  return deps.services.kb.areas.map((a) => ({ id: a.id, name: a.name[lang] }));
}

export async function loadSessions(deps: WebDeps, ctx: PageCtx): Promise<SessionView[]> {
  return deps.services.booking.listSessions(ctx.now, { includePast: true });
}

export function nextSeriesNo(sessions: SessionView[]): number {
  return Math.min(MAX_SERIES_NO, Math.max(0, ...sessions.map((s) => s.seriesNo)) + 1);
}

export function SessionsPage({ ctx, sessions, form, flash }: { ctx: SecretariatCtx; sessions: SessionView[]; form: SessionFormValues; flash?: Flash[] }) {
  const { lang, caller } = ctx;
  return (
    <Layout title={tr(lang, "相談会の管理", "Sessions")} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf} flash={flash}>
      <p class="lead">{tr(lang, "時刻はすべて日本時間です。回を選ぶと変更・参加者・連絡・中止ができます。", "All times are Japan time. Choose a session to edit it, see its registrants, message them or cancel it.")}</p>
      <div class="table-wrap" role="region" aria-label={tr(lang, "相談会の一覧", "Sessions")} tabindex={0}>
        <table>
          <caption>{tr(lang, "相談会(回の順)", "Sessions (in order)")}</caption>
          <thead>
            <tr>
              <th scope="col">{tr(lang, "回", "No.")}</th>
              <th scope="col">{tr(lang, "タイトル", "Title")}</th>
              <th scope="col">{tr(lang, "日時", "When")}</th>
              <th scope="col">{tr(lang, "予約/定員", "Booked / seats")}</th>
              <th scope="col">{tr(lang, "キャンセル待ち", "Waitlist")}</th>
              <th scope="col">{tr(lang, "1社上限", "Per company")}</th>
              <th scope="col">{tr(lang, "状態", "State")}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <th scope="row">
                  <a href={`/web/admin/sessions/${s.seriesNo}`}>{tr(lang, `第${s.seriesNo}回`, `No.${s.seriesNo}`)}</a>
                </th>
                <td>
                  {s.title}
                  {s.demo ? tr(lang, "(デモ)", " (demo)") : s.provisional ? tr(lang, "(仮)", " (provisional)") : ""}
                </td>
                <td>{`${toJstString(s.startsAt)}–${toJstString(s.endsAt).slice(11)}`}</td>
                <td class="num">{`${s.confirmedCount}/${s.capacity}`}</td>
                <td class="num">{s.waitlisted}</td>
                <td class="num">{s.perOrgCap}</td>
                <td>{tr(lang, ...(STATUS[s.status] ?? [s.status, s.status]))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="add-h">
        <h2 id="add-h">{tr(lang, "回を追加", "Add a session")}</h2>
        <SessionForm lang={lang} v={form} areas={ctx.areas} isNew action="/web/admin/sessions" csrf={ctx.csrf} />
      </section>
    </Layout>
  );
}

export type SecretariatCtx = PageCtx & { areas: { id: string; name: string }[] };

/** Adds a session from the form: the chat's rules (fields, past start, number taken). */
export async function addSession(deps: WebDeps, ctx: PageCtx, v: SessionFormValues): Promise<{ ok: true; seriesNo: number } | { ok: false; problems: string[] }> {
  const seriesNo = /^\d{1,3}$/.test(v.seriesNo) ? Number(v.seriesNo) : NaN;
  const { patch, problems } = toSessionPatch(v);
  if (!(seriesNo >= 1 && seriesNo <= MAX_SERIES_NO)) problems.unshift(`回の番号は1〜${MAX_SERIES_NO}です / session numbers are 1 to ${MAX_SERIES_NO}`);
  if (problems.length) return { ok: false, problems };
  const outcome = await deps.services.booking.addSession(newSessionFields(seriesNo, patch), ctx.now);
  if (outcome.kind === "created") {
    deps.log.info("session added on the web", { session: seriesNo });
    return { ok: true, seriesNo };
  }
  return { ok: false, problems: outcomeProblems(outcome, seriesNo, ctx.lang) };
}

export function outcomeProblems(outcome: SessionChangeOutcome, seriesNo: number, lang: Lang): string[] {
  switch (outcome.kind) {
    case "invalid":
      return outcome.problems;
    case "exists":
      return [tr(lang, `第${seriesNo}回はすでにあります。`, `Session ${seriesNo} already exists.`)];
    case "no_session":
      return [tr(lang, `第${seriesNo}回はありません。`, `There is no session ${seriesNo}.`)];
    default:
      return [];
  }
}

/** Saves the edit form; registrants get an updated invite when something they see changed. */
export async function changeSession(deps: WebDeps, ctx: PageCtx, seriesNo: number, v: SessionFormValues): Promise<{ ok: true; outcome: SessionChangeOutcome } | { ok: false; problems: string[] }> {
  const { patch, problems } = toSessionPatch(v);
  if (problems.length) return { ok: false, problems };
  const outcome = await deps.services.booking.changeSession(seriesNo, patch, ctx.now);
  if (outcome.kind === "changed" || outcome.kind === "unchanged") {
    deps.log.info("session changed on the web", { session: seriesNo, outcome: outcome.kind });
    return { ok: true, outcome };
  }
  return { ok: false, problems: outcomeProblems(outcome, seriesNo, ctx.lang) };
}

export interface SessionModel {
  session: SessionView;
  fields: SessionFields;
  rows: Registrant[];
}

export async function loadSession(deps: WebDeps, seriesNo: number): Promise<SessionModel | null> {
  const session = await deps.services.booking.session(seriesNo);
  if (!session) return null;
  const reg = await deps.services.booking.registrants(seriesNo);
  return { session, fields: fieldsOf(session), rows: reg?.rows ?? [] };
}

export function SessionPage(p: { ctx: SecretariatCtx; model: SessionModel; form: SessionFormValues; flash?: Flash[]; broadcast?: { text: string; includeWaitlist: boolean } }) {
  const { ctx, model } = p;
  const { lang, caller } = ctx;
  const s = model.session;
  const base = `/web/admin/sessions/${s.seriesNo}`;
  const confirmed = model.rows.filter((r) => r.status === "confirmed");
  const waiting = model.rows.filter((r) => r.status === "waitlisted");
  const none = tr(lang, "(未登録)", "(unknown)");
  return (
    <Layout title={sessionName(s, lang)} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf} flash={p.flash}>
      <p class="lead">
        {tr(lang, `${toJstString(s.startsAt)}〜${toJstString(s.endsAt).slice(11)}(日本時間)・予約 ${s.confirmedCount}/${s.capacity}・キャンセル待ち ${s.waitlisted}・${STATUS[s.status]?.[0] ?? s.status}`, `${toJstString(s.startsAt)}–${toJstString(s.endsAt).slice(11)} JST, ${s.confirmedCount}/${s.capacity} booked, ${s.waitlisted} waiting, ${STATUS[s.status]?.[1] ?? s.status}`)}
        {" · "}
        <a href="/web/admin/sessions">{tr(lang, "一覧に戻る", "Back to the list")}</a>
      </p>

      <section aria-labelledby="reg-h">
        <h2 id="reg-h">{tr(lang, "参加者", "Registrants")}</h2>
        {model.rows.length ? (
          <>
            <div class="table-wrap" role="region" aria-label={tr(lang, "参加者", "Registrants")} tabindex={0}>
              <table>
                <caption>{tr(lang, `予約 ${confirmed.length}名・キャンセル待ち ${waiting.length}名`, `${confirmed.length} booked, ${waiting.length} waiting`)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{tr(lang, "状態", "State")}</th>
                    <th scope="col">{tr(lang, "会社", "Company")}</th>
                    <th scope="col">{tr(lang, "氏名", "Name")}</th>
                    <th scope="col">{tr(lang, "相談テーマ", "Topic")}</th>
                    <th scope="col">{tr(lang, "申込日時", "Booked at")}</th>
                  </tr>
                </thead>
                <tbody>
                  {model.rows.map((r) => (
                    <tr>
                      <td>{r.status === "confirmed" ? tr(lang, "予約済み", "booked") : tr(lang, `キャンセル待ち${r.position}番`, `waitlist #${r.position}`)}</td>
                      <td>{r.company || none}</td>
                      <td>{r.person || none}</td>
                      <td>{r.topic}</td>
                      <td>{toJstString(r.bookedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p>
              <a href={`${base}/registrants.csv`} download>
                {tr(lang, "参加者をCSVでダウンロード", "Download registrants as CSV")}
              </a>
            </p>
          </>
        ) : (
          <p>{tr(lang, "まだ予約はありません。", "No bookings yet.")}</p>
        )}
      </section>

      <section aria-labelledby="bc-h">
        <h2 id="bc-h">{tr(lang, "参加者に連絡", "Message the registrants")}</h2>
        {p.broadcast ? (
          <div class="card">
            <p>
              {tr(
                lang,
                `次の内容を、${p.broadcast.includeWaitlist ? "予約者とキャンセル待ち" : "予約者"}${s.confirmedCount + (p.broadcast.includeWaitlist ? s.waitlisted : 0)}名に送ります。よろしいですか?`,
                `This goes to the ${s.confirmedCount + (p.broadcast.includeWaitlist ? s.waitlisted : 0)} ${p.broadcast.includeWaitlist ? "people booked or waiting" : "people booked"}. Send it?`,
              )}
            </p>
            <blockquote class="preview">
              {p.broadcast.text.split("\n").map((l) => (
                <p>{l}</p>
              ))}
            </blockquote>
            <form method="post" action={`${base}/broadcast/send`} class="row">
              <Csrf token={ctx.csrf} />
              <input type="hidden" name="text" value={p.broadcast.text} />
              <input type="hidden" name="includeWaitlist" value={p.broadcast.includeWaitlist ? "1" : ""} />
              <button type="submit" class="primary">
                {tr(lang, "送信する", "Send")}
              </button>
              <a href={base}>{tr(lang, "やめる", "Don't send")}</a>
            </form>
          </div>
        ) : (
          <form method="post" action={`${base}/broadcast`}>
            <Csrf token={ctx.csrf} />
            <label for="bc-text">{tr(lang, `本文(${MAX_BROADCAST_LENGTH}文字まで)`, `Message (up to ${MAX_BROADCAST_LENGTH} characters)`)}</label>
            <textarea id="bc-text" name="text" rows={4} maxlength={MAX_BROADCAST_LENGTH} required />
            <div class="check">
              <input type="checkbox" id="bc-wait" name="includeWaitlist" value="1" />
              <label for="bc-wait">{tr(lang, "キャンセル待ちの人にも送る", "Also send to the waitlist")}</label>
            </div>
            <button type="submit">{tr(lang, "送信内容を確認", "Preview")}</button>
          </form>
        )}
      </section>

      {s.status !== "cancelled" ? (
        <section aria-labelledby="edit-h">
          <h2 id="edit-h">{tr(lang, "内容を変更", "Edit")}</h2>
          <SessionForm lang={lang} v={p.form} areas={ctx.areas} isNew={false} action={base} csrf={ctx.csrf} />
        </section>
      ) : null}

      {s.status !== "cancelled" ? (
        <section aria-labelledby="cancel-h">
          <h2 id="cancel-h">{tr(lang, "この回を中止", "Cancel this session")}</h2>
          <form method="post" action={`${base}/cancel`}>
            <Csrf token={ctx.csrf} />
            <button type="submit" class="danger">
              {tr(lang, "中止する…(確認があります)", "Cancel… (you confirm next)")}
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

export function CancelConfirmPage({ ctx, s }: { ctx: PageCtx; s: SessionView }) {
  const { lang, caller } = ctx;
  const base = `/web/admin/sessions/${s.seriesNo}`;
  return (
    <Layout title={tr(lang, `${sessionName(s, lang)} を中止しますか?`, `Cancel ${sessionName(s, lang)}?`)} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf}>
      <p>
        {tr(
          lang,
          `予約済みの${s.confirmedCount}名とキャンセル待ちの${s.waitlisted}名に、中止のお知らせ(カレンダーの取り消し)が届きます。`,
          `The ${s.confirmedCount} people booked and ${s.waitlisted} on the waitlist will be told (with a calendar cancellation).`,
        )}
      </p>
      <form method="post" action={`${base}/cancel/confirm`} class="row">
        <Csrf token={ctx.csrf} />
        <button type="submit" class="danger">
          {tr(lang, `第${s.seriesNo}回を中止する`, `Cancel session ${s.seriesNo}`)}
        </button>
        <a href={base}>{tr(lang, "やめる(中止しない)", "Keep it")}</a>
      </form>
    </Layout>
  );
}

export { emptyValues };
