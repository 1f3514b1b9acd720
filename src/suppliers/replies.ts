// What the roll-out says: the ready-to-send invitation (both languages, whatever the asker's),
// the consent question a supplier's admin answers, the state of a supplier as the buyer sees it,
// and the notices the outbox sends. Neutral Reply blocks; the adapters render them.
import { tr, type Block, type Choice, type Lang, type Reply } from "../core/reply.ts";
import { pct } from "../assessment/progress.ts";
import type { InvitationState, InvitationView, RolloutRow, Scope } from "./service.ts";
import { dayOf } from "./service.ts";

export const STATE_LABEL: Record<InvitationState, { ja: string; en: string }> = {
  invited: { ja: "招待済み(未参加)", en: "invited (not joined)" },
  joined: { ja: "参加済み(未着手)", en: "joined (not started)" },
  answering: { ja: "回答中", en: "answering" },
  submitted: { ja: "提出済み", en: "submitted" },
  declined: { ja: "辞退・共有停止", en: "declined or withdrawn" },
  expired: { ja: "コード期限切れ", en: "code expired" },
};

export function stateLabel(s: InvitationState, lang: Lang): string {
  return STATE_LABEL[s][lang];
}

export function orgLabel(name: string | null | undefined, lang: Lang): string {
  return name ?? tr(lang, "(名称未登録の会社)", "(a company without a registered name)");
}

export function day(d: Date | null | undefined): string {
  return d ? dayOf(d) : "—";
}

/** What a supplier shares by default, and what it never shares unless it chooses to. */
export function sharingTerms(lang: Lang): { shared: string; notShared: string } {
  return {
    shared: tr(
      lang,
      "共有されるもの(概要): レベルごとの回答数・達成数・達成率、提出済みかどうか、最終更新日、貴社が依頼した取引先の件数(社名なし)",
      "Shared (summary): per level, items answered, achieved and the achievement rate; submitted or not; last updated; how many suppliers of your own you invited (counts, no names)",
    ),
    notShared: tr(
      lang,
      "共有されないもの: 項目ごとの回答(貴社の管理者が明示的に選んだ場合のみ共有)、メモ・理由、証跡、回答者の名前、貴社の取引先の社名",
      "Not shared: answers per item (only if your admin explicitly chooses so), notes and reasons, evidence, who answered, the names of your own suppliers",
    ),
  };
}

/**
 * The message the buyer forwards to its supplier (mail, chat, paper): Japanese, then English,
 * whatever language the buyer uses, since the supplier's is not known.
 */
export function invitationMessage(args: { buyer: string | null; supplier: string; code: string; due: Date | null; expiresAt: Date; guideUrl?: string }): string {
  const { code } = args;
  const buyerJa = args.buyer ?? "当社";
  const buyerEn = args.buyer ?? "we";
  const dueJa = args.due ? `回答期限: ${day(args.due)}\n` : "";
  const dueEn = args.due ? `Please answer by ${day(args.due)}.\n` : "";
  const guideJa = args.guideUrl ? `・どちらもお使いでない場合: ${args.guideUrl} の案内に沿ってご参加いただくか、` : "・どちらもお使いでない場合: ";
  const guideEn = args.guideUrl ? `- With neither: follow the guide at ${args.guideUrl}, or ` : "- With neither: ";
  const ja =
    `${args.supplier} 御中\n\n` +
    `${buyerJa}より、自工会/部工会「自動車産業サイバーセキュリティガイドライン」のチェックシートによる自己評価をお願いいたします。\n` +
    dueJa +
    `回答にはチャットのアシスタントをお使いいただけます。項目の説明、回答の記録、進捗の確認、チェックシートの出力ができます。\n` +
    `下のコードで参加すると、貴社の管理者の承認後、回答状況の概要(レベルごとの回答数・達成数・達成率、提出済みかどうか、最終更新日)が${buyerJa}に共有されます。項目ごとの回答は、貴社が選んだ場合にだけ共有されます。共有はいつでもやめられます。\n\n` +
    `参加コード: ${code}(${day(args.expiresAt)}まで有効・貴社1社のみ使用可)\n\n` +
    `参加方法:\n` +
    `・Slackの場合: このアシスタントをワークスペースに追加し、DMで「参加コード ${code}」と送信してください。\n` +
    `・Microsoft Teamsの場合: アプリを追加し、個人チャットで「参加コード ${code}」と送信してください。\n` +
    `${guideJa}チェックシート(Excel)に記入して当社のご担当者へご返送ください。\n`;
  const en =
    `To ${args.supplier},\n\n` +
    `${args.buyer ? `${buyerEn} ask` : "We ask"} you to self-assess against the JAMA/JAPIA automotive industry cybersecurity guideline check sheet.\n` +
    dueEn +
    `You can answer with a chat assistant that explains the items, records your answers, shows your progress and exports the check sheet.\n` +
    `When you join with the code below and your admin accepts, a summary (per level: items answered, achieved, achievement rate; submitted or not; last updated) is shared with ${buyerEn === "we" ? "us" : buyerEn}. Answers per item are shared only if you choose so. You can stop sharing at any time.\n\n` +
    `Code: ${code} (valid until ${day(args.expiresAt)}, for one company only)\n\n` +
    `How to join:\n` +
    `- On Slack: add the assistant to your workspace and send it "join ${code}" in a direct message.\n` +
    `- On Microsoft Teams: add the app and send "join ${code}" in a personal chat.\n` +
    `${guideEn}fill in the check sheet (Excel) and send it back to your contact with us.\n`;
  return `${ja}\n――――――――――\n\n${en}`;
}

/** The consent question for the supplier's admin: who asks, what is shared, three buttons. */
export function consentQuestion(inv: InvitationView, lang: Lang): { text: string; blocks: Block[]; choices: Choice[] } {
  const who = orgLabel(inv.buyerName, lang);
  const by = inv.inviterName ? tr(lang, `(${inv.inviterName} さん)`, ` (${inv.inviterName})`) : "";
  const text = tr(
    lang,
    `${who}${by}から、自己評価の状況を共有してほしいという依頼です。${inv.dueDate ? `回答期限: ${day(inv.dueDate)}。` : ""}共有しますか?`,
    `${who}${by} asks your company to share the state of its self-assessment.${inv.dueDate ? ` Due: ${day(inv.dueDate)}.` : ""} Share it?`,
  );
  const terms = sharingTerms(lang);
  const choices: Choice[] = [
    { label: tr(lang, "概要だけ共有する", "Share the summary"), action: { intent: "supplier_consent", params: { id: inv.id, decision: "accept", scope: "summary" } }, style: "primary" },
    { label: tr(lang, "項目ごとの回答も共有する", "Share answers per item too"), action: { intent: "supplier_consent", params: { id: inv.id, decision: "accept", scope: "items" } } },
    { label: tr(lang, "共有しない", "Do not share"), action: { intent: "supplier_consent", params: { id: inv.id, decision: "decline" } }, style: "danger" },
  ];
  return {
    text,
    blocks: [
      { type: "text", text },
      { type: "context", text: `${terms.shared}\n${terms.notShared}` },
      { type: "choices", choices },
    ],
    choices,
  };
}

export function scopeLabel(scope: Scope, lang: Lang): string {
  return scope === "items" ? tr(lang, "概要と項目ごとの回答", "summary and answers per item") : tr(lang, "概要のみ", "summary only");
}

/** One supplier as the buyer sees it: state, due date, shared figures when consented. */
export function rolloutLine(r: RolloutRow, lang: Lang): { label: string; detail: string } {
  const flags = [stateLabel(r.state, lang)];
  if (r.withdrawn) flags.push(tr(lang, "共有を停止", "sharing withdrawn"));
  if (r.overdue) flags.push(tr(lang, "期限超過", "overdue"));
  const parts: string[] = [];
  if (r.dueDate) parts.push(tr(lang, `期限 ${day(r.dueDate)}`, `due ${day(r.dueDate)}`));
  if (r.shared) {
    for (const l of r.shared.levels.slice(0, 2)) parts.push(tr(lang, `Lv${l.level} 回答${l.answered}/${l.items} 達成率${pct(l.rate)}`, `Lv${l.level} ${l.answered}/${l.items} answered, ${pct(l.rate)} achieved`));
    if (r.shared.lastUpdated) parts.push(tr(lang, `最終更新 ${day(r.shared.lastUpdated)}`, `updated ${day(r.shared.lastUpdated)}`));
    if (r.chain && r.chain.invited) parts.push(tr(lang, `その先の取引先 ${r.chain.invited}社(参加${r.chain.joined}・提出${r.chain.submitted})`, `its suppliers: ${r.chain.invited} invited, ${r.chain.joined} joined, ${r.chain.submitted} submitted`));
  }
  parts.push(tr(lang, `最終動き ${day(r.lastActivity)}`, `last activity ${day(r.lastActivity)}`));
  if (r.lastRemindedAt) parts.push(tr(lang, `リマインド ${day(r.lastRemindedAt)}`, `reminded ${day(r.lastRemindedAt)}`));
  if (r.remindersOff) parts.push(tr(lang, "リマインド停止中", "reminders stopped"));
  return { label: `${r.name} — ${flags.join("・")}`, detail: parts.join(" / ") };
}

/** The reminder a supplier's admin receives (through the outbox). */
export function reminderNotice(inv: InvitationView, lang: Lang): Reply {
  const who = orgLabel(inv.buyerName, lang);
  const text = tr(
    lang,
    `${who}から、自己評価のお願いのリマインドです。${inv.dueDate ? `回答期限は ${day(inv.dueDate)} です。` : ""}「レベル1を順番に回答」で続きから回答できます。`,
    `A reminder from ${who} about the self-assessment.${inv.dueDate ? ` It is due on ${day(inv.dueDate)}.` : ""} Say "answer level 1 in order" to continue.`,
  );
  return {
    text,
    blocks: [
      { type: "text", text },
      {
        type: "choices",
        choices: [
          { label: tr(lang, "進捗を見る", "Show progress"), action: { intent: "show_progress", params: {} } },
          { label: tr(lang, "この会社からのリマインドを止める", "Stop reminders from this company"), action: { intent: "supplier_consent", params: { id: inv.id, decision: "reminders-off" } } },
        ],
      },
    ],
  };
}

/** The consent request a supplier's admin receives when a member used the code. */
export function consentRequestNotice(inv: InvitationView, lang: Lang): Reply {
  const q = consentQuestion(inv, lang);
  const head = tr(lang, "社内のメンバーが取引先からの招待コードを入力しました。管理者の承認が必要です。", "A member of your company entered a customer's invitation code. An admin has to decide.");
  return { text: `${head}\n${q.text}`, blocks: [{ type: "text", text: head }, ...q.blocks] };
}
