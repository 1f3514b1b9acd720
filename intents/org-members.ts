// "メンバー一覧" / "members" (organisation admin): the people of this company who have talked to
// the bot, with buttons to make someone an admin or take the role back. Admins set the target
// level and lock the sheet; an organisation always keeps at least one.
import { z } from "zod";
import { defineIntent, type IntentContext } from "../src/core/intent.ts";
import { tr, type Block, type Reply } from "../src/core/reply.ts";
import { listMembers, setAdmin } from "../src/core/members.ts";

const MATCH = /^(メンバー(一覧|の一覧)?|メンバーリスト|管理者(一覧|の一覧|設定|を追加|を変更)?|members|member list|admins|manage admins)(を見せて|は)?$/;

export const orgMembers = defineIntent({
  name: "org_members",
  description: { ja: "組織のメンバーと管理者を表示・変更する(管理者)", en: "See and change your organisation's admins (admin)" },
  examples: { ja: ["メンバー一覧", "管理者を追加"], en: ["members", "manage admins"] },
  params: z
    .object({
      userId: z.string().uuid().optional(),
      admin: z.boolean().optional(),
    })
    .strict()
    .refine((p) => (p.userId === undefined) === (p.admin === undefined), "userId and admin go together"),
  role: "admin",
  match: (_t, { normalized }) => (MATCH.test(normalized) ? {} : null),
  async handle({ userId, admin }, ctx): Promise<Reply> {
    const { lang } = ctx;
    let notice: string | undefined;
    if (userId !== undefined && admin !== undefined) {
      const r = await setAdmin(ctx.services.db, ctx.caller.orgId, userId, admin);
      if (!r.ok)
        notice =
          r.reason === "last-admin"
            ? tr(lang, "管理者が一人もいなくなるため、外せません。先に別の人を管理者にしてください。", "That would leave no admin; make someone else an admin first.")
            : tr(lang, "その人はこの組織のメンバーとして見つかりませんでした。何も変更していません。", "That person is not a member of this organisation. Nothing was changed.");
      else if (r.changed) {
        notice = admin
          ? tr(lang, `${r.member.name} さんを管理者にしました。`, `${r.member.name} is now an admin.`)
          : tr(lang, `${r.member.name} さんを管理者から外しました。`, `${r.member.name} is no longer an admin.`);
        ctx.log.info("role changed", { target: r.member.id, admin });
      }
    }
    return memberList(ctx, notice);
  },
});

async function memberList(ctx: IntentContext, notice?: string): Promise<Reply> {
  const { lang } = ctx;
  const members = await listMembers(ctx.services.db, ctx.caller.orgId);
  const title = tr(lang, `メンバー(${members.length}人)`, `Members (${members.length})`);
  const blocks: Block[] = [];
  if (notice) blocks.push({ type: "text", text: notice });
  blocks.push({
    type: "list",
    title,
    entries: members.map((m) => ({
      label: `${m.name}${m.admin ? tr(lang, "(管理者)", " (admin)") : ""}${m.id === ctx.caller.userId ? tr(lang, " — あなた", " — you") : ""}`,
      detail: m.platform,
    })),
    footer: tr(
      lang,
      "ボットと一度話した人がここに出ます。管理者は目標レベルの設定と、提出済みにする・再開ができます。",
      "People appear here once they have talked to the bot. Admins set the target level and lock or reopen the sheet.",
    ),
  });
  const choices = members
    .filter((m) => m.id !== ctx.caller.userId)
    .slice(0, 20)
    .map((m) => ({
      label: m.admin ? tr(lang, `${m.name} を管理者から外す`, `Remove ${m.name} as admin`) : tr(lang, `${m.name} を管理者にする`, `Make ${m.name} an admin`),
      action: { intent: "org_members", params: { userId: m.id, admin: !m.admin } },
      ...(m.admin ? { style: "danger" as const } : {}),
    }));
  if (choices.length) blocks.push({ type: "choices", choices });
  return { text: notice ?? title, blocks, private: true };
}
