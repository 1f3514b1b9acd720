// What a person types in Slack reaches the pipeline as typed: Slack's escaping (&amp; &lt; &gt;)
// and link markup (<https://…|label>) are undone in the adapter, so notes and evidence links are
// stored clean. Real server, validly signed events, Web API stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackHarness, type SlackHarness } from "../helpers/slack-harness.ts";
import { dmEvent, mentionEvent, slashCommand } from "../helpers/slack.ts";
import { until } from "../helpers/wait.ts";

describe("Slack message text", () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => h?.close());

  const answer = async (user: string, itemNo: number) => {
    const u = await h.app.services.db.user.findFirstOrThrow({ where: { platformUserId: user } });
    return h.app.services.db.answer.findFirstOrThrow({ where: { orgId: u.orgId, itemNo } });
  };

  it("stores a DM's note and evidence link without Slack's escaping and link markup", async () => {
    const before = h.postCount();
    await h.postJson(dmEvent("115 未達成 A&amp;B社の要求で改定中 <https://intra.example.com/rule.pdf|intra.example.com/rule.pdf>", { user: "UTEXT1" }));
    await h.slack.waitFor("chat.postMessage", before + 1);
    const row = await answer("UTEXT1", 115);
    expect([row.status, row.note, row.evidenceUrl]).toEqual(["not_achieved", "A&B社の要求で改定中", "https://intra.example.com/rule.pdf"]);
  });

  it("reads an @mention's text the same way", async () => {
    const before = h.postCount();
    await h.postJson(mentionEvent("116 未達成 &lt;EDR&gt; 未導入 <https://intra.example.com/edr>", { user: "UTEXT2", channel: "CTEXT" }));
    await until(() => h.postCount() + h.slack.calls.filter((c) => c.method === "chat.postEphemeral").length > before, "the answer to the mention");
    const row = await answer("UTEXT2", 116);
    expect([row.status, row.note, row.evidenceUrl]).toEqual(["not_achieved", "<EDR> 未導入", "https://intra.example.com/edr"]);
  });

  it("reads a slash command's text the same way", async () => {
    await h.postForm(slashCommand("124 未達成 A&amp;B社の端末が対象", { user: "UTEXT3", responseUrl: h.slack.responseUrl("text3") }));
    await h.slack.waitFor("response_url");
    await until(async () => (await h.app.services.db.answer.count({ where: { itemNo: 124 } })) > 0, "the recorded answer");
    const row = await answer("UTEXT3", 124);
    expect([row.status, row.note]).toEqual(["not_achieved", "A&B社の端末が対象"]);
  });
});
