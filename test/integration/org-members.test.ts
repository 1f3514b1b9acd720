// Organisation admins hand the role on: list members, make someone an admin, take it back; never
// across organisations, never leaving an organisation without an admin.
import { afterAll, beforeAll, expect, it } from "vitest";
import { actionTurn, createTestApp, textTurn, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";

describeEachDb("organisation members and admins", (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({}, { dbKind: kind });
  });
  afterAll(async () => app?.close());
  const A = "console:members-a";
  const B = "console:members-b";
  const say = async (text: string, org: string, user: string) => (await app.pipeline.handle(textTurn(text, { org, user })))!;
  const click = async (params: Record<string, unknown>, org: string, user: string) => (await app.pipeline.handle(actionTurn("org_members", params, { org, user })))!;
  const userId = async (org: string, user: string) =>
    (await app.services.db.user.findFirstOrThrow({ where: { platformUserId: user, org: { externalKey: org } } })).id;
  const role = async (org: string, user: string) =>
    (await app.services.db.user.findFirstOrThrow({ where: { platformUserId: user, org: { externalKey: org } } })).role;

  it("lets the admin make another member an admin, and only then can that person do admin things", async () => {
    await say("ヘルプ", A, "first"); // first contact: admin
    await say("ヘルプ", A, "second");
    expect((await say("目標レベルを3に", A, "second")).reply.text).toContain("管理者のみ");
    const list = await say("メンバー一覧", A, "first");
    expect(list.reply.private).toBe(true);
    expect(JSON.stringify(list.reply)).toContain("second を管理者にする");
    const r = await click({ userId: await userId(A, "second"), admin: true }, A, "first");
    expect(r.reply.text).toContain("管理者にしました");
    expect(await role(A, "second")).toBe("admin");
    expect((await say("目標レベルを3に", A, "second")).reply.text).toContain("3");
  });

  it("never leaves an organisation without an admin", async () => {
    await click({ userId: await userId(A, "second"), admin: false }, A, "first");
    const r = await click({ userId: await userId(A, "first"), admin: false }, A, "first");
    expect(r.reply.text).toContain("管理者が一人もいなくなる");
    expect(await role(A, "first")).toBe("admin");
  });

  it("refuses members, and ignores a forged user id from another organisation", async () => {
    await say("ヘルプ", B, "b-admin");
    await say("ヘルプ", B, "b-member");
    expect((await say("メンバー一覧", A, "second")).reply.text).toContain("管理者のみ");
    const forged = await click({ userId: await userId(B, "b-member"), admin: true }, A, "first");
    expect(forged.reply.text).toContain("見つかりませんでした");
    expect(await role(B, "b-member")).toBe("member");
    expect(JSON.stringify(forged.reply)).not.toContain("b-admin");
  });
});

describeEachDb("first contact", (kind) => {
  it("makes exactly one admin when several people of a new organisation arrive at once", async () => {
    const app = await createTestApp({}, { dbKind: kind });
    try {
      const org = "console:first-contact";
      await Promise.all(Array.from({ length: 12 }, (_, i) => app.pipeline.handle(textTurn("ヘルプ", { org, user: `u${i}` }))));
      const users = await app.services.db.user.findMany({ where: { org: { externalKey: org } } });
      expect(users).toHaveLength(12);
      expect(users.filter((u) => u.role === "admin")).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
