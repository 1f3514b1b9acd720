// 「取引先に自己評価を依頼 株式会社ABC 期限 2027-01-31 連絡先 yamada@abc.example」 / "invite a
// supplier Acme due 2027-01-31 contact jane@acme.example" (organisation admin): one invitation, its
// code (shown this once; only its hash is stored) and a ready-to-send message in Japanese and
// English. A list of suppliers in a CSV or xlsx attached to the same command invites them all, or
// none when a row is broken (every broken row named).
import { z } from "zod";
import { defineIntent, type IntentContext } from "../src/core/intent.ts";
import { tr, type Block, type Reply } from "../src/core/reply.ts";
import { ImportError } from "../src/core/spreadsheet.ts";
import { csvSafe } from "../src/assessment/export.ts";
import { invitationMessage, day } from "../src/suppliers/replies.ts";
import { dayOf } from "../src/suppliers/service.ts";
import { actorOf } from "../src/suppliers/actor.ts";
import { parseDueDate, readSupplierList, type ListProblem } from "../src/suppliers/list-import.ts";

const COMMAND = /^(?:取引先(?:に|へ)(?:自己評価(?:を|の)?)?(?:依頼|お願い)(?:する|したい|を出す)?|取引先を招待(?:する|したい)?|取引先の招待|サプライヤーを招待(?:する)?|invite (?:a |our |new )?suppliers?)(?=$|[\s:：、,「『"“])/i;
const KEYS = /(回答期限|期限|締め切り|締切|連絡先|担当者|担当|\bdue(?: date)?\b|\bdeadline\b|\bcontact\b)\s*(?:[:：]|は)?\s*/gi;
const MAX_NAME = 100;
const MAX_CONTACT = 200;

/** The command's parameters from its text: the name first, then 期限/due and 連絡先/contact in any order. */
export function parseInvite(text: string): { name?: string; contact?: string; due?: string } | null {
  const t = text.normalize("NFKC").trim();
  const m = COMMAND.exec(t);
  if (!m) return null;
  const rest = t.slice(m[0].length);
  const found = [...rest.matchAll(KEYS)];
  const head = (found.length ? rest.slice(0, found[0].index) : rest).replace(/^[\s:：、,]+|[\s、,。.]+$/g, "");
  const out: { name?: string; contact?: string; due?: string } = {};
  const name = head.replace(/^[「『"“]|[」』"”]$/g, "").replace(/\s*(?:さん|様|御中)$/u, "").trim();
  if (name) out.name = name;
  found.forEach((k, i) => {
    const start = k.index! + k[0].length;
    const end = i + 1 < found.length ? found[i + 1].index! : rest.length;
    const value = rest.slice(start, end).replace(/^[\s:：、,]+|[\s、,。]+$/g, "").trim();
    if (!value) return;
    if (/連絡先|担当|contact/i.test(k[1])) out.contact = value;
    else out.due = value;
  });
  return out;
}

export const supplierInvite = defineIntent({
  name: "supplier_invite",
  description: { ja: "取引先に自己評価を依頼する(招待コードと送付用メッセージ、管理者)", en: "Invite a supplier to self-assess (a code and a message to send; admin)" },
  examples: { ja: ["取引先に自己評価を依頼", "取引先を招待"], en: ["invite a supplier", "invite suppliers"] },
  params: z
    .object({
      name: z.string().min(1).max(MAX_NAME).optional(),
      contact: z.string().min(1).max(MAX_CONTACT).optional(),
      due: z.string().max(40).optional(),
      /** the attached list (CSV/xlsx) after its preview: invite every row */
      bulk: z.literal(true).optional(),
    })
    .strict(),
  role: "admin",
  personal: true,
  acceptsFiles: true,
  match(text) {
    const p = parseInvite(text);
    if (!p) return null;
    // lengths are checked by the handler with a polite answer, not by the schema's refusal
    return { ...p, name: p.name?.slice(0, MAX_NAME + 1), contact: p.contact?.slice(0, MAX_CONTACT + 1) };
  },
  async handle(p, ctx): Promise<Reply> {
    const { lang } = ctx;
    if (ctx.turn.files?.length) return bulk(ctx);
    if (!p.name) return usage(ctx);
    let due: Date | null = null;
    if (p.due) {
      due = parseDueDate(p.due);
      if (!due) return refuse(ctx, tr(lang, `期限「${p.due}」を日付として読めませんでした。2027-01-31 のように書いてください。`, `I could not read "${p.due}" as a date. Please write it like 2027-01-31.`));
      if (dayOf(due) < dayOf(ctx.now)) return refuse(ctx, tr(lang, `期限 ${day(due)} はもう過ぎています。今日以降の日付にしてください。`, `The due date ${day(due)} has passed. Please choose today or later.`));
    }
    const inv = await ctx.services.suppliers.invite(actorOf(ctx), { name: p.name, contact: p.contact ?? null, dueDate: due });
    ctx.log.info("supplier invited", { invitation: inv.id });
    const message = invitationMessage({ buyer: ctx.caller.orgName ?? null, supplier: p.name, code: inv.code, due, expiresAt: inv.expiresAt, guideUrl: ctx.services.config.publicBaseUrl });
    const head = tr(lang, `「${p.name}」への依頼を作りました。参加コードは ${inv.code} です。`, `Invitation for "${p.name}" created. The code is ${inv.code}.`);
    const blocks: Block[] = [
      { type: "text", text: head },
      {
        type: "fields",
        fields: [
          { label: tr(lang, "参加コード", "Code"), value: inv.code },
          { label: tr(lang, "コードの有効期限", "Code valid until"), value: day(inv.expiresAt) },
          { label: tr(lang, "回答期限", "Due"), value: day(due) },
          ...(p.contact ? [{ label: tr(lang, "連絡先", "Contact"), value: p.contact }] : []),
        ],
      },
      { type: "text", text: tr(lang, "このまま取引先に送れるメッセージ(日本語・英語):", "A message you can send to the supplier as it is (Japanese and English):") },
      { type: "text", text: message },
      {
        type: "context",
        text: tr(
          lang,
          "コードはこの画面でだけ表示します(保存しているのは照合用の値だけです)。1社だけが使えます。進み具合は「取引先の状況」で見られます。",
          "The code is shown only here (we keep only a value to check it against). One company can use it. See how it goes with \"supplier status\".",
        ),
      },
      { type: "choices", choices: [{ label: tr(lang, "取引先の状況", "Supplier status"), action: { intent: "supplier_status", params: {} } }] },
    ];
    return { text: head, blocks, private: true };
  },
});

function usage(ctx: IntentContext): Reply {
  const { lang } = ctx;
  const text = tr(
    lang,
    "取引先の名前を添えて送ってください。例: 「取引先に自己評価を依頼 株式会社サンプル部品 期限 2027-01-31 連絡先 yamada@example.jp」(期限と連絡先は省略できます)。多数の場合は、取引先名・連絡先・期限の列があるCSVかExcelを添付して同じ言葉を送ってください。",
    'Please add the supplier\'s name, e.g. "invite a supplier Sample Parts Co. due 2027-01-31 contact jane@example.com" (due date and contact are optional). For many, attach a CSV or Excel list with name, contact and due date columns and send the same words.',
  );
  return { text, blocks: [{ type: "text", text }], private: true };
}

function refuse(ctx: IntentContext, why: string): Reply {
  const text = `${why}${tr(ctx.lang, "依頼は作っていません。", " No invitation was created.")}`;
  return { text, blocks: [{ type: "text", text }], private: true };
}

/** A list of suppliers: all rows invited, or none when any row is broken (each one named). */
async function bulk(ctx: IntentContext): Promise<Reply> {
  const { lang } = ctx;
  const file = ctx.turn.files![0];
  let rows;
  try {
    rows = await readSupplierList(await file.download(), file.name, ctx.now);
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    const why =
      err.code === "too_large"
        ? tr(lang, "ファイルが大きすぎます(5MBまで)。", "The file is too large (5 MB at most).")
        : err.code === "no_header"
          ? tr(lang, "見出し行(取引先名・連絡先・期限)が見つかりませんでした。", "I found no header row (name, contact, due date).")
          : tr(lang, "ファイルを読めませんでした(.xlsx か .csv にしてください)。", "I could not read the file (please use .xlsx or .csv).");
    return refuse(ctx, why);
  }
  if (!rows.ok) return refuse(ctx, problems(rows.problems, lang));
  const made = await ctx.services.suppliers.inviteMany(actorOf(ctx), rows.suppliers);
  ctx.log.info("suppliers invited from a list", { count: made.length });
  const head = tr(lang, `${made.length}社への依頼を作りました。各社のコードと送付用メッセージは添付のCSVにあります(コードはこの一度だけ表示します)。`, `Created ${made.length} invitations. Each company's code and message are in the attached CSV (the codes are shown this once).`);
  const csv = ["\uFEFF" + ["取引先 / Supplier", "参加コード / Code", "コード有効期限 / Valid until", "送付用メッセージ / Message"].join(",")];
  for (const m of made) {
    const s = rows.suppliers.find((x) => x.name === m.name)!;
    const msg = invitationMessage({ buyer: ctx.caller.orgName ?? null, supplier: m.name, code: m.code, due: s.dueDate ?? null, expiresAt: m.expiresAt, guideUrl: ctx.services.config.publicBaseUrl });
    csv.push([m.name, m.code, day(m.expiresAt), msg].map(cell).join(","));
  }
  return {
    text: head,
    blocks: [
      { type: "text", text: head },
      { type: "list", entries: made.slice(0, 30).map((m) => ({ label: m.name, detail: m.code })) },
      { type: "file", file: { name: "supplier-invitations.csv", mime: "text/csv; charset=utf-8", data: Buffer.from(csv.join("\r\n"), "utf8"), title: tr(lang, "招待コード一覧", "Invitation codes") } },
    ],
    private: true,
  };
}

function cell(v: string): string {
  return `"${csvSafe(v).replace(/"/g, '""')}"`;
}

function problems(list: ListProblem[], lang: "ja" | "en"): string {
  const lines = list.slice(0, 20).map((p) => tr(lang, `・${p.row}行目: ${p.ja}`, `- row ${p.row}: ${p.en}`));
  const more = list.length > 20 ? tr(lang, `\n(ほか${list.length - 20}件)`, `\n(and ${list.length - 20} more)`) : "";
  return tr(lang, `一覧に直すところがあります。1社も依頼していません:\n${lines.join("\n")}${more}\n`, `The list has rows to fix, so no supplier was invited:\n${lines.join("\n")}${more}\n`);
}
