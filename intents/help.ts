// "ヘルプ" / "help": what the assistant can do, in Japanese and English, with example phrases.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import type { Reply } from "../src/core/reply.ts";

export const help = defineIntent({
  name: "help",
  description: { ja: "使い方を表示する", en: "Show what the assistant can do" },
  readOnly: true,
  examples: {
    ja: ["ヘルプ", "使い方", "何ができる", "できること", "使い方を教えて", "メニュー", "はじめに", "こんにちは"],
    en: ["help", "what can you do", "how does this work", "menu", "getting started", "hello", "hi"],
  },
  llm: true,
  params: z.object({}).strict(),
  match: (_text, { normalized }) => (/^(\/?help|\?|ヘルプ|へるぷ)$/.test(normalized) ? {} : null),
  async handle(): Promise<Reply> {
    const text =
      "自工会/部工会ガイドラインのチェックシート(153項目)の自己評価をお手伝いします。\n" +
      "I help you with the JAMA/JAPIA guideline check sheet (153 items): explaining items, recording your answers, and booking consultation sessions.\n" +
      "会社の回答や進捗は、あなたの会社のメンバーだけに表示されます。 / Your company's answers and progress are shown only to your company's members.";
    return {
      text,
      blocks: [
        { type: "heading", text: "できること / What I can do" },
        { type: "text", text },
        {
          type: "fields",
          fields: [
            { label: "項目の説明 / Explain an item", value: "「No.115」「115番は？」「バックアップの項目は？」\n\"What does item 124 require?\"" },
            { label: "レベル・分野ごとの一覧 / Lists", value: "「レベル1の一覧」「ID・認証の項目」\n\"list level 2\"" },
            { label: "よくある質問 / FAQ", value: "「提出期限は？」「対象外とは？」\n\"who must answer?\"" },
            {
              label: "自社の回答を記録 / Record your answers",
              value: "「No.115は達成」「115 未達成 EDR未導入のため」「No.1〜3 達成」「124 対象外 理由: 該当なし」「レベル1を順番に回答」「元に戻す」「No.115の履歴」\n\"mark 124 as achieved\", \"answer level 1 in order\", \"undo\"",
            },
            {
              label: "進捗と提出準備 / Progress and submission",
              value: "「進捗」「重点課題」「エクスポート」(xlsx/csv)、記入済みシートを添付して取り込み、「昨年度の回答を引き継ぐ」\n\"progress\", \"gaps\", \"export\"; attach a filled-in sheet to import it",
            },
            { label: "よろず相談会 / Consultation sessions", value: "「相談会の予定は？」「第3回を予約」「予約を確認」「第3回をキャンセル」\n\"sessions\", \"book session 3\", \"my bookings\"" },
            {
              label: "取引先への展開 / Suppliers",
              value: "「取引先に自己評価を依頼 株式会社○○ 期限 2027-01-31」(管理者)「取引先の状況」「参加コード XXXXX-XXXXX」「共有先の一覧」「共有をやめる」\n\"invite a supplier Acme\", \"supplier status\", \"join XXXXX-XXXXX\", \"shared with\", \"stop sharing\"",
            },
            { label: "Web管理画面 / Web console", value: "「管理画面」: 全項目の表・グラフ・履歴をブラウザで(あなた専用のリンクが届きます)\n\"dashboard\": every item, charts and history in the browser (a link for you alone)" },
          ],
        },
        {
          type: "context",
          text:
            "返答の言語は「日本語で」/「in English」で切り替えられます(あなたの設定として残ります)。 / Say \"in English\" or 「日本語で」 to switch the language of the answers.\n" +
            "説明は当チームが公開資料から要約したもので、公式の文言ではありません。提出前に公式チェックシートで照合してください。\n" +
            "Explanations are our own summary of public material, not the official wording; check the official sheet before you submit.",
        },
        {
          type: "choices",
          choices: [
            { label: "No.1 を見る / Show No.1", action: { intent: "show_item", params: { nos: [1] } } },
            { label: "レベル1の一覧 / Level 1 list", action: { intent: "list_items", params: { level: 1 } } },
            { label: "進捗 / Progress", action: { intent: "show_progress", params: {} } },
            { label: "相談会の予定 / Sessions", action: { intent: "sessions_list", params: {} } },
          ],
        },
      ],
    };
  },
});
