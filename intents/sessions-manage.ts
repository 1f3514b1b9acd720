// The secretariat's session commands (see src/booking/commands.ts for the syntax):
// 「第3回の定員を30に」「第3回を変更 定員=30; 会場=…」「第13回を追加 タイトル=…; 日時=…; 定員=40」
// 「第5回を中止」(asks to confirm first)「第3回の受付を締め切る」「第3回の受付を再開」「相談会の管理」.
// Every change is validated as a whole; registrants get an updated or cancelled invite.
import { z } from "zod";
import { defineIntent, type IntentContext } from "../src/core/intent.ts";
import { textReply, tr, type Reply } from "../src/core/reply.ts";
import { newSessionFields, parseSessionCommand, readAdminRequest, type SessionCommand } from "../src/booking/commands.ts";
import { noSessionReply, orBusy } from "../src/booking/intent-support.ts";
import type { SessionChangeOutcome } from "../src/booking/booking-service.ts";
import { sessionName } from "../src/booking/replies.ts";
import { MAX_SERIES_NO, type SessionFields } from "../src/booking/session-data.ts";
import { toJstString } from "../src/booking/time.ts";
import { askYesNo, DECLINE } from "../src/core/confirm.ts";

export const sessionsManage = defineIntent({
  name: "sessions_manage",
  description: { ja: "相談会を追加・変更・中止する(事務局)", en: "Add, change or cancel sessions (secretariat)" },
  examples: { ja: ["相談会の管理"], en: ["session admin"] },
  role: "secretariat",
  params: z
    .object({
      text: z.string().max(2000).optional(),
      confirmCancel: z.number().int().min(1).max(MAX_SERIES_NO).optional(),
      help: z.boolean().optional(),
    })
    .strict(),
  match(text) {
    if (readAdminRequest(text)?.kind === "help") return { help: true };
    return parseSessionCommand(text) ? { text } : null;
  },
  async handle({ text, confirmCancel, help }, ctx): Promise<Reply> {
    const { lang } = ctx;
    if (confirmCancel !== undefined) return orBusy(ctx, () => run({ op: "cancel", seriesNo: confirmCancel }, ctx, true));
    const parsed = text ? parseSessionCommand(text) : null;
    if (help || !parsed) return helpReply(ctx);
    if (!parsed.ok)
      return textReply(
        tr(lang, "次の点を直して、もう一度送ってください。何も変更していません。", "Please fix the following and send it again. Nothing was changed.") +
          "\n- " +
          parsed.problems.join("\n- "),
      );
    return orBusy(ctx, () => run(parsed.command, ctx, false));
  },
});

const LABELS: Record<keyof SessionFields, [string, string]> = {
  seriesNo: ["回", "number"],
  title: ["タイトル", "title"],
  topic: ["テーマ", "topic"],
  areas: ["分野", "areas"],
  startsAt: ["開始", "start"],
  endsAt: ["終了", "end"],
  format: ["形式", "format"],
  url: ["URL", "URL"],
  venue: ["会場", "venue"],
  capacity: ["定員", "capacity"],
  perOrgCap: ["1社上限", "per-company cap"],
  opensAt: ["受付開始", "booking opens"],
  closesAt: ["受付締切", "booking closes"],
  cancelCutoffAt: ["キャンセル期限", "cancellation cut-off"],
  status: ["状態", "status"],
  provisional: ["仮", "provisional"],
};

const STATUS_WORDS: Record<string, [string, string]> = { open: ["受付中", "open"], closed: ["締切", "closed"], cancelled: ["中止", "cancelled"] };

function show(v: unknown, lang: "ja" | "en", key?: keyof SessionFields): string {
  if (key === "status" && typeof v === "string" && STATUS_WORDS[v]) return tr(lang, ...STATUS_WORDS[v]);
  if (key === "format" && typeof v === "string") return v === "online" ? tr(lang, "オンライン", "online") : v === "venue" ? tr(lang, "会場", "venue") : v;
  if (v === null || v === undefined || v === "") return tr(lang, "なし", "none");
  if (v instanceof Date) return toJstString(v);
  if (Array.isArray(v)) return v.join(", ") || tr(lang, "なし", "none");
  if (typeof v === "boolean") return v ? tr(lang, "はい", "yes") : tr(lang, "いいえ", "no");
  return String(v);
}

async function run(command: SessionCommand, ctx: IntentContext, confirmed: boolean): Promise<Reply> {
  const { lang, now } = ctx;
  const { booking } = ctx.services;
  const { seriesNo } = command;
  let outcome: SessionChangeOutcome;
  switch (command.op) {
    case "add": {
      // refused when it starts in the past (the rule lives in the booking service, for the web too)
      outcome = await booking.addSession(newSessionFields(seriesNo, command.patch), now);
      break;
    }
    case "update":
      // cancelling goes through 「第N回を中止」: it asks first and tells everyone booked
      if (command.patch.status === "cancelled") {
        if (Object.keys(command.patch).length > 1)
          return textReply(
            tr(lang, `中止は他の変更と分けて「第${seriesNo}回を中止」と送ってください。何も変更していません。`, `Cancel on its own: "admin session ${seriesNo} cancel". Nothing was changed.`),
          );
        return run({ ...command, op: "cancel" }, ctx, confirmed);
      }
      outcome = await booking.changeSession(seriesNo, command.patch, now);
      break;
    case "close":
    case "reopen":
      outcome = await booking.changeSession(seriesNo, { status: command.op === "close" ? "closed" : "open" }, now);
      break;
    case "cancel": {
      const s = await booking.session(seriesNo);
      if (!s) return noSessionReply(seriesNo, ctx);
      if (s.status === "cancelled") return textReply(tr(lang, `${sessionName(s, lang)} はすでに中止になっています。`, `${sessionName(s, lang)} is already cancelled.`));
      if (!confirmed) {
        const text = tr(
          lang,
          `${sessionName(s, lang)} を中止しますか? 予約済みの${s.confirmedCount}名とキャンセル待ちの${s.waitlisted}名に、中止のお知らせ(カレンダーの取り消し)が届きます。`,
          `Cancel ${sessionName(s, lang)}? The ${s.confirmedCount} people booked and ${s.waitlisted} on the waitlist will be told (with a calendar cancellation).`,
        );
        const choices = askYesNo(ctx.state, now, {
          kind: "cancel-session",
          yes: { label: tr(lang, `第${seriesNo}回を中止する`, `Cancel session ${seriesNo}`), action: { intent: "sessions_manage", params: { confirmCancel: seriesNo } }, style: "danger" },
          no: { label: tr(lang, "やめる(中止しない)", "Keep it"), action: DECLINE },
        });
        return { text, blocks: [{ type: "text", text }, { type: "choices", choices }] };
      }
      outcome = await booking.changeSession(seriesNo, { status: "cancelled" }, now);
      break;
    }
  }
  ctx.log.info("session changed by the secretariat", { session: seriesNo, op: command.op, outcome: outcome.kind });
  return describeOutcome(outcome, seriesNo, ctx);
}

function describeOutcome(outcome: SessionChangeOutcome, seriesNo: number, ctx: IntentContext): Reply {
  const { lang } = ctx;
  switch (outcome.kind) {
    case "no_session":
      return textReply(
        tr(
          lang,
          `第${seriesNo}回はまだありません。追加するには「第${seriesNo}回を追加 タイトル=…; 日時=2027-12-16 14:00-16:00; 定員=40」のように送ってください。`,
          `There is no session ${seriesNo} yet. To add it: "admin session ${seriesNo} add title=…; when=2027-12-16 14:00-16:00; capacity=40".`,
        ),
      );
    case "exists":
      return textReply(tr(lang, `第${seriesNo}回はすでにあります。変更は「第${seriesNo}回を変更 …」で。`, `Session ${seriesNo} already exists; change it with "admin session ${seriesNo} set …".`));
    case "invalid":
      return textReply(
        tr(lang, "次の点を直して、もう一度送ってください。何も変更していません。", "Please fix the following and send it again. Nothing was changed.") +
          "\n- " +
          outcome.problems.join("\n- "),
      );
    case "unchanged":
      return textReply(tr(lang, `${sessionName(outcome.after, lang)} は指定の内容のままです(変更なし)。`, `${sessionName(outcome.after, lang)} already looks like that (nothing changed).`));
    case "created": {
      const text = tr(lang, `${sessionName(outcome.after, lang)} を追加しました(${toJstString(outcome.after.startsAt)}〜、定員${outcome.after.capacity})。`, `Added ${sessionName(outcome.after, lang)} (${toJstString(outcome.after.startsAt)}, ${outcome.after.capacity} seats).`);
      return textReply(text);
    }
    case "changed": {
      const lines = outcome.changed.map((k) => {
        const [ja, en] = LABELS[k];
        const before = (outcome.before as unknown as Record<string, unknown>)[k];
        const after = (outcome.after as unknown as Record<string, unknown>)[k];
        return `${tr(lang, ja, en)}: ${show(before, lang, k)} → ${show(after, lang, k)}`;
      });
      const notes = [];
      if (outcome.notified) notes.push(tr(lang, `登録者${outcome.notified}名にお知らせを送ります(更新された招待ファイル付き)。`, `${outcome.notified} registrants will be told (with an updated invite).`));
      if (outcome.promoted) notes.push(tr(lang, `キャンセル待ちの${outcome.promoted}名を予約に切り替えました(本人に通知します)。`, `${outcome.promoted} people moved from the waitlist to a seat (they will be told).`));
      const text = `${tr(lang, `${sessionName(outcome.after, lang)} を更新しました。`, `Updated ${sessionName(outcome.after, lang)}.`)}\n- ${lines.join("\n- ")}${notes.length ? "\n" + notes.join("\n") : ""}`;
      return textReply(text);
    }
  }
}

function helpReply(ctx: IntentContext): Reply {
  const { lang } = ctx;
  const text = tr(lang, "相談会の管理(事務局のみ)。時刻はすべて日本時間です。", "Managing sessions (secretariat only). All times are Japan time.");
  return {
    text,
    blocks: [
      { type: "heading", text: tr(lang, "相談会の管理", "Managing sessions") },
      { type: "text", text },
      {
        type: "fields",
        fields: [
          { label: tr(lang, "1項目を変更", "Change one field"), value: "第3回の定員を30に\n第3回の日時を2027-05-20 14:00-16:00に\n第3回の会場を「自動車会館 会議室」に\n第3回のURLをhttps://…に\n第3回の受付締切をなしに" },
          { label: tr(lang, "まとめて変更", "Change several"), value: "第3回を変更 定員=30; 1社上限=3; キャンセル期限=2027-05-19 12:00\nadmin session 3 set capacity=30; venue=…" },
          { label: tr(lang, "追加", "Add"), value: "第13回を追加 タイトル=総復習; 日時=2027-12-16 14:00-16:00; 定員=40; 分野=backup-recovery,incident-response" },
          { label: tr(lang, "受付・中止", "Registration, cancellation"), value: "第3回の受付を締め切る / 第3回の受付を再開 / 第5回を中止\nadmin session 5 close | reopen | cancel" },
          { label: tr(lang, "参加者", "Registrants"), value: "第3回の参加者 / 第3回の参加者CSV\n第3回の参加者に連絡: 本文" },
          {
            label: tr(lang, "項目名", "Fields"),
            value: "タイトル, テーマ, 分野, 日時, 開始, 終了, 形式(オンライン/会場), URL, 会場, 定員, 1社上限, 受付開始, 受付締切, キャンセル期限, 状態(受付中/締切/中止), 仮(はい/いいえ)",
          },
        ],
      },
      { type: "context", text: tr(lang, "ファイルでまとめて登録: npm run sessions:import -- <file.csv|yaml>", "Bulk import: npm run sessions:import -- <file.csv|yaml>") },
    ],
  };
}
