// The company's pages, under /web/o/:orgId/. The organisation in the address must be the signed-in
// person's own (else 403 and nothing else); every query below uses the caller's organisation from
// the session, never the one in the address. Admin-only actions check the role as chat does.
import express, { type Request, type Response } from "express";
import multer from "multer";
import { tr } from "../../core/reply.ts";
import { fyLabel } from "../../assessment/fiscal-year.ts";
import { MAX_IMPORT_BYTES } from "../../assessment/import.ts";
import { actorOf, pageCtx, sourceOf, type PageCtx, type WebDeps } from "../context.ts";
import { field, forbidden, notFound } from "../http.ts";
import { locals, sendPage, type Flash } from "../page.tsx";
import { loadOverview, OverviewPage } from "./overview.tsx";
import { loadSheet, SheetPage } from "./sheet.tsx";
import { ItemPage, loadItem, saveAnswer } from "./item.tsx";
import { HistoryPage, loadHistory } from "./history.tsx";
import { confirmImport, exportFile, FilesPage, loadFiles, previewUpload } from "./files.tsx";
import { loadSuppliers, suppliersFile, SuppliersPage } from "./suppliers.tsx";

/** Messages shown after a redirect (?done=…): fixed texts, never text from the address. */
function doneFlash(ctx: PageCtx, code: unknown): Flash[] {
  const { lang } = ctx;
  const texts: Record<string, string> = {
    saved: tr(lang, "回答を記録しました。チャットの履歴にも「Web」からの変更として表示されます。", 'Answer recorded. Chat shows it too, as a change "via Web".'),
    unchanged: tr(lang, "回答は変わっていません(記録済みの内容と同じです)。", "Nothing changed (the answer was already like that)."),
    target: tr(lang, "目標レベルを変更しました。", "Target level changed."),
    submitted: tr(lang, "提出済みにしました。回答は変更できません(管理者が再開できます)。", "Marked as submitted; answers are locked (an admin can reopen)."),
    reopened: tr(lang, "再開しました。回答を変更できます。", "Reopened; answers can change again."),
  };
  return typeof code === "string" && texts[code] ? [{ kind: "ok", text: texts[code] }] : [];
}

export function companyRoutes(deps: WebDeps): express.Router {
  const r = express.Router({ mergeParams: true });
  const upload = multer({ storage: multer.memoryStorage(), defParamCharset: "utf8", limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, parts: 8 } });

  // only one's own organisation: another company's pages are refused before anything is read
  r.use((req: Request<{ orgId: string }>, res, next) => {
    if (locals(res).caller?.orgId !== req.params.orgId) return forbidden(req, res);
    next();
  });
  // behind the tenant walls (PostgreSQL): every statement of these pages sees only this company.
  // The suppliers' page reads what suppliers share with this buyer, across companies: it stays out.
  r.use((req, res, next) => {
    if (req.path === "/suppliers" || req.path.startsWith("/suppliers/") || req.path.startsWith("/suppliers.")) return next();
    void deps.services.walls.forOrg(locals(res).caller!.orgId, () => new Promise<void>((resolve) => {
      res.once("close", () => resolve());
      next();
    }));
  });
  const adminOnly = (req: Request, res: Response): boolean => {
    if (locals(res).caller?.roles.has("admin")) return true;
    forbidden(req, res);
    return false;
  };

  r.get("/", async (req, res) => {
    const ctx = pageCtx(req, res);
    sendPage(res, <OverviewPage ctx={ctx} model={await loadOverview(deps, ctx)} flash={doneFlash(ctx, req.query.done)} />);
  });

  r.get("/sheet", async (req, res) => {
    const ctx = pageCtx(req, res);
    sendPage(res, <SheetPage ctx={ctx} model={await loadSheet(deps, ctx, req.query as Record<string, unknown>)} />);
  });

  r.get("/items/:no", async (req, res) => {
    const ctx = pageCtx(req, res);
    const no = /^\d{1,4}$/.test(req.params.no) ? Number(req.params.no) : NaN;
    const model = Number.isInteger(no) ? await loadItem(deps, ctx, no) : null;
    if (!model) return notFound(req, res);
    sendPage(res, <ItemPage ctx={ctx} model={model} flash={doneFlash(ctx, req.query.done)} />);
  });

  r.post("/items/:no/answer", async (req, res) => {
    const ctx = pageCtx(req, res);
    const no = /^\d{1,4}$/.test(req.params.no) ? Number(req.params.no) : NaN;
    if (!Number.isInteger(no) || !deps.services.kb.item(no)) return notFound(req, res);
    const form = { choice: field(req.body, "choice"), note: field(req.body, "note"), evidence: field(req.body, "evidence") };
    const result = await saveAnswer(deps, ctx, no, form);
    if (result.kind !== "refused") return res.redirect(303, `/web/o/${ctx.caller.orgId}/items/${no}?done=${result.kind}`);
    const model = (await loadItem(deps, { ...ctx, path: `/web/o/${ctx.caller.orgId}/items/${no}` }, no, form))!;
    sendPage(res, <ItemPage ctx={{ ...ctx, path: `/web/o/${ctx.caller.orgId}/items/${no}` }} model={model} flash={result.messages.map((text) => ({ kind: "error" as const, text }))} />, result.status);
  });

  r.get("/history", async (req, res) => {
    const ctx = pageCtx(req, res);
    sendPage(res, <HistoryPage ctx={ctx} model={await loadHistory(deps, ctx, typeof req.query.before === "string" ? req.query.before : undefined)} />);
  });

  r.get("/files", async (req, res) => {
    const ctx = pageCtx(req, res);
    sendPage(res, <FilesPage ctx={ctx} a={await loadFiles(deps, ctx)} />);
  });

  for (const format of ["xlsx", "csv"] as const)
    r.get(`/export.${format}`, async (req, res) => {
      const f = await exportFile(deps, pageCtx(req, res), format);
      const ascii = f.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
      res.setHeader("content-type", f.mime);
      res.setHeader("content-disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.name)}`);
      res.send(f.data);
    });

  r.get("/suppliers", async (req, res) => {
    const ctx = pageCtx(req, res);
    sendPage(res, <SuppliersPage ctx={ctx} model={await loadSuppliers(deps, ctx)} />);
  });

  for (const format of ["xlsx", "csv"] as const)
    r.get(`/suppliers.${format}`, async (req, res) => {
      const f = await suppliersFile(deps, pageCtx(req, res), format);
      res.setHeader("content-type", f.mime);
      res.setHeader("content-disposition", `attachment; filename="${f.name}"`);
      res.send(f.data);
    });

  // multipart: the CSRF token is read after the upload is parsed (the console's check skips these)
  r.post("/import", (req, res, next) => {
    upload.single("sheet")(req, res, (err: unknown) => {
      const ctx = pageCtx(req, res);
      if (!deps.access.checkCsrf(ctx.caller.sessionId, field(req.body, "_csrf"))) return forbidden(req, res);
      if (err) {
        const tooLarge = (err as { code?: string }).code === "LIMIT_FILE_SIZE";
        const text = tooLarge
          ? tr(ctx.lang, "ファイルが大きすぎます(5MBまで)。何も変更していません。", "The file is too large (5 MB at most). Nothing was changed.")
          : tr(ctx.lang, "ファイルを受け取れませんでした。もう一度選んでください。何も変更していません。", "The upload could not be read; please choose the file again. Nothing was changed.");
        return void loadFiles(deps, ctx).then((a) => sendPage(res, <FilesPage ctx={{ ...ctx, path: `/web/o/${ctx.caller.orgId}/files` }} a={a} flash={[{ kind: "error", text }]} />, tooLarge ? 413 : 400), next);
      }
      void (async () => {
        const file = req.file ? { name: req.file.originalname, data: req.file.buffer } : undefined;
        const outcome = await previewUpload(deps, ctx, file);
        const a = await loadFiles(deps, ctx);
        const pagectx = { ...ctx, path: `/web/o/${ctx.caller.orgId}/files` };
        if (outcome.kind === "error") return sendPage(res, <FilesPage ctx={pagectx} a={a} flash={[{ kind: "error", text: outcome.message }]} />, 400);
        sendPage(res, <FilesPage ctx={pagectx} a={a} preview={outcome} />);
      })().catch(next);
    });
  });

  r.post("/import/confirm", async (req, res) => {
    const ctx = pageCtx(req, res);
    const flash = await confirmImport(deps, ctx);
    sendPage(res, <FilesPage ctx={{ ...ctx, path: `/web/o/${ctx.caller.orgId}/files` }} a={await loadFiles(deps, ctx)} flash={[flash]} />, flash.kind === "ok" ? 200 : 409);
  });

  // --- organisation admins (as in chat: 目標レベルを2に, 提出済みにする, 再開) -------------------------

  r.post("/target", async (req, res) => {
    if (!adminOnly(req, res)) return;
    const ctx = pageCtx(req, res);
    const level = Number(field(req.body, "level"));
    if (level !== 1 && level !== 2 && level !== 3) return res.redirect(303, `/web/o/${ctx.caller.orgId}/`);
    const m = deps.services.assessment;
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    await m.service.setTargetLevel(a, actorOf(ctx), sourceOf(ctx), level);
    res.redirect(303, `/web/o/${ctx.caller.orgId}/?done=target`);
  });

  r.post("/status", async (req, res) => {
    if (!adminOnly(req, res)) return;
    const ctx = pageCtx(req, res);
    const action = field(req.body, "action");
    if (action !== "submit" && action !== "reopen") return res.redirect(303, `/web/o/${ctx.caller.orgId}/`);
    const m = deps.services.assessment;
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    await m.service.setStatus(a, actorOf(ctx), sourceOf(ctx), action === "submit" ? "submitted" : "open");
    deps.log.info("assessment status changed on the web", { org: ctx.caller.orgId, action, fy: fyLabel(a.fiscalYear, "en") });
    res.redirect(303, `/web/o/${ctx.caller.orgId}/?done=${action === "submit" ? "submitted" : "reopened"}`);
  });

  return r;
}
