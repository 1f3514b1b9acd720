// A buyer on Slack and its supplier on Teams, through the real server: signed Slack events, Bot
// Framework activities to the same process (Teams without authentication, as with the Emulator),
// the Slack Web API and the Bot Connector replaced by local servers. The code goes from a Slack DM
// to a Teams chat, the consent is a card button, and the buyer's status in Slack shows the result;
// a card button forged with the same id from another tenant changes nothing.
import { afterAll, beforeAll, expect, it, describe } from "vitest";
import { startSlackHarness, type SlackHarness } from "../helpers/slack-harness.ts";
import { dmEvent } from "../helpers/slack.ts";
import { personalMessage, postActivity, startFakeConnector, submitAction, visible, type FakeConnector } from "../helpers/teams.ts";

describe("suppliers across Slack and Teams over HTTP", () => {
  let h: SlackHarness;
  let connector: FakeConnector;
  beforeAll(async () => {
    h = await startSlackHarness({ TEAMS_ENABLED: "true" });
    connector = await startFakeConnector();
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await connector?.close();
  });
  const teams = (o: Record<string, string> = {}) => ({ serviceUrl: connector.url, ...o });
  const settle = () => h.server.teams!.idle();
  const lastSlackText = (channel: string) => {
    const posts = h.postsTo(channel);
    const p = posts[posts.length - 1];
    return JSON.stringify({ text: p?.args.text, blocks: p?.args.blocks });
  };

  it("a Slack buyer invites, a Teams supplier joins and consents by a card button, the buyer sees it in Slack", async () => {
    await h.postJson(dmEvent("取引先に自己評価を依頼 ティームズ部品 期限 2099-12-31", { user: "UBUY", team: "TBUY" }));
    await h.slack.waitFor("chat.postMessage");
    const code = /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(lastSlackText("DUBUY"))![1];

    const supplier = teams({ tenant: "99999999-0000-0000-0000-000000000001", aad: "bbbbbbbb-0000-0000-0000-000000000001" });
    await postActivity(h.server.port, personalMessage(`参加コード ${code}`, supplier));
    await settle();
    const card = visible(connector.posts().at(-1)!);
    expect(card).toContain("共有しますか");
    expect(card).toContain("項目ごとの回答も共有する");
    const id = /"i":"supplier_consent","p":\{"id":"([0-9a-f-]{36})","decision":"accept","scope":"summary"\}/.exec(card)![1];

    // someone of another tenant presses a button carrying the same id: nothing
    await postActivity(h.server.port, submitAction({ i: "supplier_consent", p: { id, decision: "accept", scope: "items" } }, teams({ tenant: "99999999-0000-0000-0000-00000000dead", aad: "cccccccc-0000-0000-0000-000000000001" })));
    await settle();
    expect(visible(connector.posts().at(-1)!)).toContain("見つかりませんでした");

    await postActivity(h.server.port, submitAction({ i: "supplier_consent", p: { id, decision: "accept", scope: "summary" } }, supplier));
    await settle();
    expect(visible(connector.posts().at(-1)!)).toContain("共有を始めました");
    await postActivity(h.server.port, personalMessage("No.1は達成", supplier));
    await settle();

    const before = h.postCount();
    await h.postJson(dmEvent("取引先の状況", { user: "UBUY", team: "TBUY" }));
    await h.slack.waitFor("chat.postMessage", before + 1);
    const status = lastSlackText("DUBUY");
    expect(status).toContain("ティームズ部品");
    expect(status).toContain("回答中");
    expect(status).toMatch(/Lv1 回答1\//);
  });
});
