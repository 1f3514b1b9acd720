// The secretariat's pages, under /web/admin/: only for people with the secretariat role (as in
// chat: SECRETARIAT_USERS or the stored role); everyone else gets 403 and nothing else.
import express from "express";
import { tr } from "../../core/reply.ts";
import { registrantsCsv } from "../../booking/csv.ts";
import { MAX_BROADCAST_LENGTH } from "../../booking/booking-service.ts";
import { pageCtx, type WebDeps } from "../context.ts";
import { field, forbidden, notFound } from "../http.ts";
import { locals, sendPage, type Flash } from "../page.tsx";
import { valuesOf, readValues } from "./session-form.tsx";
import {
  addSession,
  areaOptions,
  CancelConfirmPage,
  changeSession,
  emptyValues,
  loadSession,
  loadSessions,
  nextSeriesNo,
  SessionPage,
  SessionsPage,
  type SecretariatCtx,
} from "./sessions.tsx";
import { loadProgress, loadQuestions, ProgressPage, QuestionsPage } from "./overview.tsx";

export function secretariatRoutes(deps: WebDeps): express.Router {
  const r = express.Router();
  r.use((req, res, next) => {
    if (!locals(res).caller?.roles.has("secretariat")) return forbidden(req, res);
    next();
  });
  const sctx = (req: express.Request, res: express.Response): SecretariatCtx => {
    const ctx = pageCtx(req, res);
    return { ...ctx, areas: areaOptions(deps, ctx.lang) };
  };
  const seriesNoOf = (v: string) => (/^\d{1,3}$/.test(v) ? Number(v) : NaN);
  const doneFlash = (lang: "ja" | "en", code: unknown): Flash[] => {
    const texts: Record<string, string> = {
      created: tr(lang, "回を追加しました。", "Session added."),
      changed: tr(lang, "変更を保存しました。登録者には更新された招待が届きます(日時・場所などが変わった場合)。", "Changes saved. Registrants get an updated invite when what they see changed."),
      unchanged: tr(lang, "変更はありませんでした。", "Nothing changed."),
      cancelled: tr(lang, "中止しました。予約者とキャンセル待ちの人にお知らせが届きます。", "Cancelled. Everyone booked or waiting is told."),
      sent: tr(lang, "連絡を送信しました(まもなく届きます)。", "The message is on its way."),
    };
    return typeof code === "string" && texts[code] ? [{ kind: "ok", text: texts[code] }] : [];
  };

  r.get("/", (_req, res) => res.redirect(303, "/web/admin/sessions"));

  r.get("/sessions", async (req, res) => {
    const ctx = sctx(req, res);
    const sessions = await loadSessions(deps, ctx);
    sendPage(res, <SessionsPage ctx={ctx} sessions={sessions} form={emptyValues(nextSeriesNo(sessions))} flash={doneFlash(ctx.lang, req.query.done)} />);
  });

  r.post("/sessions", async (req, res) => {
    const ctx = sctx(req, res);
    const v = readValues(req.body);
    const result = await addSession(deps, ctx, v);
    if (result.ok) return res.redirect(303, `/web/admin/sessions/${result.seriesNo}?done=created`);
    const sessions = await loadSessions(deps, ctx);
    const flash = problemsFlash(ctx.lang, result.problems);
    sendPage(res, <SessionsPage ctx={{ ...ctx, path: "/web/admin/sessions" }} sessions={sessions} form={v} flash={flash} />, 400);
  });

  r.get("/sessions/:no", async (req, res) => {
    const ctx = sctx(req, res);
    const model = await loadSession(deps, seriesNoOf(req.params.no));
    if (!model) return notFound(req, res);
    sendPage(res, <SessionPage ctx={ctx} model={model} form={valuesOf(model.fields)} flash={doneFlash(ctx.lang, req.query.done)} />);
  });

  r.post("/sessions/:no", async (req, res) => {
    const ctx = sctx(req, res);
    const seriesNo = seriesNoOf(req.params.no);
    const v = readValues(req.body);
    const result = await changeSession(deps, ctx, seriesNo, v);
    if (result.ok) return res.redirect(303, `/web/admin/sessions/${seriesNo}?done=${result.outcome.kind}`);
    const model = await loadSession(deps, seriesNo);
    if (!model) return notFound(req, res);
    sendPage(res, <SessionPage ctx={{ ...ctx, path: `/web/admin/sessions/${seriesNo}` }} model={model} form={v} flash={problemsFlash(ctx.lang, result.problems)} />, 400);
  });

  r.get("/sessions/:no/registrants.csv", async (req, res) => {
    const found = await deps.services.booking.registrants(seriesNoOf(req.params.no));
    if (!found) return notFound(req, res);
    const f = registrantsCsv(found.session, found.rows);
    res.setHeader("content-type", f.mime);
    res.setHeader("content-disposition", `attachment; filename="${f.name}"`);
    res.send(f.data);
  });

  // a message to everyone booked: previewed first (nothing is sent), then sent on the second POST
  r.post("/sessions/:no/broadcast", async (req, res) => {
    const ctx = sctx(req, res);
    const model = await loadSession(deps, seriesNoOf(req.params.no));
    if (!model) return notFound(req, res);
    const text = field(req.body, "text");
    const base = `/web/admin/sessions/${model.session.seriesNo}`;
    if (!text || text.length > MAX_BROADCAST_LENGTH) {
      const msg = text
        ? tr(ctx.lang, `本文は${MAX_BROADCAST_LENGTH}文字までです(今は${text.length}文字)。何も送っていません。`, `The message can be at most ${MAX_BROADCAST_LENGTH} characters (it has ${text.length}). Nothing was sent.`)
        : tr(ctx.lang, "本文を書いてください。何も送っていません。", "Please write the message. Nothing was sent.");
      return sendPage(res, <SessionPage ctx={{ ...ctx, path: base }} model={model} form={valuesOf(model.fields)} flash={[{ kind: "error", text: msg }]} />, 400);
    }
    sendPage(res, <SessionPage ctx={{ ...ctx, path: base }} model={model} form={valuesOf(model.fields)} broadcast={{ text, includeWaitlist: field(req.body, "includeWaitlist") === "1" }} />);
  });

  r.post("/sessions/:no/broadcast/send", async (req, res) => {
    const ctx = sctx(req, res);
    const seriesNo = seriesNoOf(req.params.no);
    const text = field(req.body, "text");
    if (!text || text.length > MAX_BROADCAST_LENGTH) return res.redirect(303, `/web/admin/sessions/${seriesNo}`);
    const r2 = await deps.services.booking.broadcast(seriesNo, text, { includeWaitlist: field(req.body, "includeWaitlist") === "1", now: ctx.now });
    if (!r2) return notFound(req, res);
    deps.log.info("broadcast queued on the web", { session: seriesNo, queued: r2.queued });
    res.redirect(303, `/web/admin/sessions/${seriesNo}?done=sent`);
  });

  // cancelling asks first (as 「第5回を中止」 does in chat), then tells everyone booked
  r.post("/sessions/:no/cancel", async (req, res) => {
    const ctx = sctx(req, res);
    const s = await deps.services.booking.session(seriesNoOf(req.params.no));
    if (!s) return notFound(req, res);
    if (s.status === "cancelled") return res.redirect(303, `/web/admin/sessions/${s.seriesNo}`);
    sendPage(res, <CancelConfirmPage ctx={ctx} s={s} />);
  });

  r.post("/sessions/:no/cancel/confirm", async (req, res) => {
    const ctx = sctx(req, res);
    const seriesNo = seriesNoOf(req.params.no);
    const outcome = await deps.services.booking.changeSession(seriesNo, { status: "cancelled" }, ctx.now);
    if (outcome.kind === "no_session") return notFound(req, res);
    if (outcome.kind === "changed") deps.log.info("session cancelled on the web", { session: seriesNo, notified: outcome.notified });
    res.redirect(303, `/web/admin/sessions/${seriesNo}?done=${outcome.kind === "changed" ? "cancelled" : "unchanged"}`);
  });

  r.get("/progress", async (req, res) => {
    const ctx = pageCtx(req, res);
    sendPage(res, <ProgressPage ctx={ctx} model={await loadProgress(deps, ctx)} />);
  });

  r.get("/questions", async (req, res) => {
    const ctx = pageCtx(req, res);
    sendPage(res, <QuestionsPage ctx={ctx} rows={await loadQuestions(deps)} />);
  });

  return r;
}

function problemsFlash(lang: "ja" | "en", problems: string[]): Flash[] {
  return [
    { kind: "error", text: tr(lang, "次の点を直してください。何も変更していません。", "Please fix the following. Nothing was changed.") },
    ...problems.map((text) => ({ kind: "error" as const, text })),
  ];
}
