// One item's page: its explanation (the same card as in chat), the company's current answer, the
// answer form, and the item's audit trail. Answering here follows the rules of answering in chat
// (checkAnswer, then AssessmentService.record with its row lock and audit event), recorded as
// coming from the web; what was typed is kept on the page when something is refused.
import { tr, type Lang } from "../../core/reply.ts";
import { buildItemCard } from "../../knowledge/item-card.ts";
import { formatJst } from "../../assessment/fiscal-year.ts";
import { UNANSWERED } from "../../assessment/choices.ts";
import { checkAnswer, type AnswerProblem } from "../../assessment/answer-rules.ts";
import { AssessmentError, type AssessmentRef, type CurrentAnswer } from "../../assessment/service.ts";
import { assessmentErrorText } from "../../assessment/ui.ts";
import { MAX_NOTE } from "../../assessment/parse-answer.ts";
import { Csrf, Layout, type Flash } from "../page.tsx";
import { actorOf, sourceOf, type PageCtx, type WebDeps } from "../context.ts";

export const KIND_LABELS: Record<string, [string, string]> = {
  set: ["回答", "answer"],
  note: ["メモ", "note"],
  undo: ["元に戻す", "undo"],
  import: ["インポート", "import"],
  "carry-over": ["昨年度から引継ぎ", "carried over"],
  target: ["目標レベル", "target level"],
  submit: ["提出済み", "submitted"],
  reopen: ["再開", "reopened"],
};
export const CHANNEL_LABELS: Record<string, string> = { slack: "Slack", teams: "Teams", console: "Console", script: "Script", web: "Web" };

export interface AnswerForm {
  choice: string;
  note: string;
  evidence: string;
}

export interface ItemModel {
  a: AssessmentRef;
  no: number;
  card: NonNullable<ReturnType<typeof buildItemCard>>;
  current: CurrentAnswer | null;
  currentBy?: string;
  choices: { id: string; label: string; requiresReason: boolean }[];
  history: { at: Date; who: string; kind: string; change: string; note?: string; channel: string }[];
  moreHistory: boolean;
  form: AnswerForm;
  prev?: number;
  next?: number;
}

export async function loadItem(deps: WebDeps, ctx: PageCtx, no: number, form?: AnswerForm): Promise<ItemModel | null> {
  const { kb } = deps.services;
  const m = deps.services.assessment;
  const { lang } = ctx;
  const card = buildItemCard(kb, no, lang);
  if (!card) return null;
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  const current = await m.service.answer(a, no);
  const { events, more } = await m.service.history(a, no);
  const names = await m.service.names(ctx.caller.orgId, [current?.answeredById]);
  const status = current && m.choices.isStatus(current.status) ? current.status : UNANSWERED;
  return {
    a,
    no,
    card,
    current,
    currentBy: current?.answeredById ? names.get(current.answeredById) : undefined,
    choices: [
      ...m.choices.list.map((c) => ({ id: c.id, label: c.label[lang], requiresReason: c.requires_reason })),
      { id: UNANSWERED, label: tr(lang, `${m.choices.label(UNANSWERED, lang)}に戻す`, `Back to ${m.choices.label(UNANSWERED, lang).toLowerCase()}`), requiresReason: false },
    ],
    history: events.map((e) => {
      const noteChanged = (e.newNote ?? "") !== (e.oldNote ?? "");
      return {
        at: e.at,
        who: e.actorName ?? (e.actorId ? tr(lang, "(不明)", "(unknown)") : e.channel === "script" ? tr(lang, "(運用者)", "(operator)") : tr(lang, "(システム)", "(system)")),
        kind: tr(lang, ...(KIND_LABELS[e.kind] ?? [e.kind, e.kind])),
        change: `${m.choices.label(e.oldStatus, lang)} → ${m.choices.label(e.newStatus, lang)}`,
        note: noteChanged ? (e.newNote ? e.newNote : tr(lang, "(メモ削除)", "(note removed)")) : undefined,
        channel: CHANNEL_LABELS[e.channel] ?? e.channel,
      };
    }),
    moreHistory: more,
    form: form ?? { choice: status, note: current?.note ?? "", evidence: current?.evidenceUrl ?? "" },
    prev: no > 1 ? no - 1 : undefined,
    next: no < kb.totalItems ? no + 1 : undefined,
  };
}

export function problemText(p: AnswerProblem, lang: Lang, label: (id: string) => string): string {
  switch (p.code) {
    case "no_item":
      return tr(lang, `No.${p.no} という項目はありません。`, `There is no item No.${p.no}.`);
    case "bad_choice":
      return tr(lang, "回答を選んでください。", "Please choose an answer.");
    case "reason_required":
      return tr(lang, `「${label(p.choice)}」にするには理由が必要です。「メモ・理由」に書いてください。`, `"${label(p.choice)}" needs a reason: please write it under "Note / reason".`);
    case "note_too_long":
      return tr(lang, `メモは${p.max}文字までです(今は${p.length}文字)。短くしてください。`, `A note can be at most ${p.max} characters (this one has ${p.length}). Please shorten it.`);
    case "bad_evidence":
      return tr(lang, "証跡は http:// か https:// で始まるURLで書いてください(2000文字まで)。", "Evidence must be a web address starting with http:// or https:// (at most 2000 characters).");
  }
}

export type SaveResult = { kind: "saved" | "unchanged" } | { kind: "refused"; messages: string[]; status: number };

/** Records the answer given on the page, under the same rules as in chat. */
export async function saveAnswer(deps: WebDeps, ctx: PageCtx, no: number, form: AnswerForm): Promise<SaveResult> {
  const { kb } = deps.services;
  const m = deps.services.assessment;
  const { lang } = ctx;
  const note = form.note.replace(/\r\n/g, "\n");
  const problems = checkAnswer(kb, m.choices, { no, choice: form.choice, note, evidence: form.evidence || undefined });
  if (problems.length) return { kind: "refused", status: 400, messages: problems.map((p) => problemText(p, lang, (id) => m.choices.label(id, lang)) + tr(lang, " 何も変更していません。", " Nothing was changed.")) };
  const a = await m.service.current(ctx.caller.orgId, ctx.now);
  const cur = await m.service.answer(a, no);
  if ((cur?.status ?? UNANSWERED) === form.choice && (cur?.note ?? "") === note && (cur?.evidenceUrl ?? "") === form.evidence) return { kind: "unchanged" };
  try {
    await m.service.record(a, actorOf(ctx), sourceOf(ctx), [{ no, status: form.choice, note: note || null, evidence: form.evidence || null }]);
  } catch (e) {
    if (e instanceof AssessmentError) return { kind: "refused", status: 409, messages: [assessmentErrorText(e, lang)] };
    throw e;
  }
  deps.log.info("answer recorded on the web", { org: ctx.caller.orgId, user: ctx.caller.userId, item: no });
  return { kind: "saved" };
}

export function ItemPage({ ctx, model, flash }: { ctx: PageCtx; model: ItemModel; flash?: Flash[] }) {
  const { lang, caller } = ctx;
  const o = `/web/o/${caller.orgId}`;
  const { card, current, form } = model;
  const locked = model.a.status === "submitted";
  const errors = (flash ?? []).some((f) => f.kind === "error");
  return (
    <Layout title={`No.${card.no} ${card.title}`} lang={lang} path={ctx.path} caller={caller} csrf={ctx.csrf} flash={flash}>
      <p class="lead">
        {[card.levelLabel, card.areaLabel].filter(Boolean).join(" · ")}
        {" · "}
        <a href={`${o}/sheet`}>{tr(lang, "チェックシートに戻る", "Back to the check sheet")}</a>
      </p>
      <nav class="pager" aria-label={tr(lang, "前後の項目", "Previous and next items")}>
        {model.prev ? <a href={`${o}/items/${model.prev}`}>{tr(lang, `← No.${model.prev}`, `← No.${model.prev}`)}</a> : <span />}
        {model.next ? <a href={`${o}/items/${model.next}`}>{tr(lang, `No.${model.next} →`, `No.${model.next} →`)}</a> : <span />}
      </nav>

      <section aria-labelledby="answer-h" class="card">
        <h2 id="answer-h">{tr(lang, "貴社の回答", "Your answer")}</h2>
        <p>
          {current && current.status !== UNANSWERED
            ? tr(
                lang,
                `${model.choices.find((c) => c.id === current.status)?.label ?? current.status}(${model.currentBy ?? "—"}・${formatJst(current.answeredAt)})`,
                `${model.choices.find((c) => c.id === current.status)?.label ?? current.status} (${model.currentBy ?? "—"}, ${formatJst(current.answeredAt)} JST)`,
              )
            : tr(lang, "未回答", "Unanswered")}
        </p>
        {locked ? (
          <p>{tr(lang, "この年度の自己評価は提出済みのため、回答は変更できません(管理者が再開できます)。", "This year's assessment is submitted, so answers cannot change (an admin can reopen it).")}</p>
        ) : (
          <form method="post" action={`${o}/items/${card.no}/answer`} class="answer" novalidate>
            <Csrf token={ctx.csrf} />
            <fieldset>
              <legend>{tr(lang, "回答", "Answer")}</legend>
              {model.choices.map((c) => (
                <div class="radio">
                  <input type="radio" id={`c-${c.id}`} name="choice" value={c.id} checked={form.choice === c.id} />
                  <label for={`c-${c.id}`}>
                    {c.label}
                    {c.requiresReason ? tr(lang, "(理由が必要)", " (needs a reason)") : ""}
                  </label>
                </div>
              ))}
            </fieldset>
            <label for="note">{tr(lang, `メモ・理由(${MAX_NOTE}文字まで)`, `Note / reason (up to ${MAX_NOTE} characters)`)}</label>
            <textarea id="note" name="note" rows={3} aria-invalid={errors ? "true" : undefined}>
              {form.note}
            </textarea>
            <label for="evidence">{tr(lang, "証跡のURL(任意)", "Evidence URL (optional)")}</label>
            <input type="url" id="evidence" name="evidence" value={form.evidence} inputmode="url" />
            <button type="submit" class="primary">
              {tr(lang, "回答を記録", "Record answer")}
            </button>
          </form>
        )}
      </section>

      <section aria-labelledby="about-h">
        <h2 id="about-h">{tr(lang, "この項目の説明", "About this item")}</h2>
        <dl class="card-sections">
          {card.sections.map((s) => (
            <>
              <dt>{s.label}</dt>
              <dd>
                {typeof s.body === "string" ? (
                  s.body.split("\n").map((line) => <p>{line}</p>)
                ) : (
                  <ul>
                    {s.body.map((b) => (
                      <li>{b}</li>
                    ))}
                  </ul>
                )}
              </dd>
            </>
          ))}
        </dl>
        {card.related.length ? (
          <p>
            {tr(lang, "関連する項目: ", "Related items: ")}
            {card.related.map((r, i) => (
              <>
                {i ? "、" : ""}
                <a href={`${o}/items/${r.no}`}>{`No.${r.no} ${r.title}`}</a>
              </>
            ))}
          </p>
        ) : null}
        <p class="small">{card.footer}</p>
      </section>

      <section aria-labelledby="hist-h">
        <h2 id="hist-h">{tr(lang, "この項目の変更履歴", "History of this item")}</h2>
        {model.history.length ? (
          <div class="table-wrap" role="region" aria-label={tr(lang, "この項目の変更履歴", "History of this item")} tabindex={0}>
            <table>
              <caption>{tr(lang, "新しい順(日本時間)。履歴は追記のみで、消えたり書き換わったりしません。", "Newest first (JST). The history is append-only.")}</caption>
              <thead>
                <tr>
                  <th scope="col">{tr(lang, "日時", "When")}</th>
                  <th scope="col">{tr(lang, "誰が", "Who")}</th>
                  <th scope="col">{tr(lang, "変更", "Change")}</th>
                  <th scope="col">{tr(lang, "種類・経路", "Kind, via")}</th>
                </tr>
              </thead>
              <tbody>
                {model.history.map((h) => (
                  <tr>
                    <td>{formatJst(h.at)}</td>
                    <td>{h.who}</td>
                    <td>
                      {h.change}
                      {h.note ? <span class="small">{tr(lang, ` / メモ: ${h.note}`, ` / note: ${h.note}`)}</span> : null}
                    </td>
                    <td>{`${h.kind} / ${h.channel}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>{tr(lang, "まだ誰も回答していません。", "Nobody has answered yet.")}</p>
        )}
        {model.moreHistory ? <p class="small">{tr(lang, "新しい20件を表示しています。", "Showing the 20 newest.")}</p> : null}
      </section>
    </Layout>
  );
}
