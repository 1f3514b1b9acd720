// "unanswered" (admins): the questions the bot could not answer, most frequent first. The
// secretariat sees them across all organisations (texts only, never which company asked); an
// organisation admin sees their own organisation's.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { unansweredQuestions } from "../src/knowledge/question-log.ts";

export const unanswered = defineIntent({
  name: "unanswered",
  description: { ja: "答えられなかった質問を多い順に表示する(管理者)", en: "List the questions the bot could not answer (admins)" },
  examples: { ja: ["答えられなかった質問", "回答できなかった質問"], en: ["unanswered", "unanswered questions"] },
  params: z.object({ limit: z.number().int().min(1).max(50).default(20) }).strict(),
  match: (_t, { normalized }) =>
    /^(\/?unanswered( questions)?|答えられなかった質問|回答できなかった質問|未解決の質問)(一覧|を見せて|は)?$/.test(normalized) ? {} : null,
  async handle({ limit }, ctx): Promise<Reply> {
    const { roles, orgId } = ctx.caller;
    if (!roles.has("secretariat") && !roles.has("admin")) {
      const text = tr(ctx.lang, "この一覧は組織の管理者と事務局のみ見られます。", "Only organisation admins and the secretariat can see this list.");
      return { text, blocks: [{ type: "text", text }] };
    }
    // the secretariat's list spans companies (texts only): the walls' narrow path
    const rows = roles.has("secretariat")
      ? await ctx.services.walls.acrossCompanies(() => unansweredQuestions(ctx.services.db, {}, limit))
      : await unansweredQuestions(ctx.services.db, { orgId }, limit);
    const scope = roles.has("secretariat") ? tr(ctx.lang, "全組織", "all organisations") : tr(ctx.lang, "自社", "your organisation");
    const title = tr(ctx.lang, `答えられなかった質問(${scope}、多い順)`, `Questions the bot could not answer (${scope}, most frequent first)`);
    if (rows.length === 0) {
      const text = tr(ctx.lang, "答えられなかった質問はまだありません。", "No unanswered questions so far.");
      return { text, blocks: [{ type: "text", text }], private: true };
    }
    return {
      text: title,
      private: true,
      blocks: [{ type: "list", title, entries: rows.map((r) => ({ label: `${r.count}× ${r.text}` })) }],
    };
  },
});
