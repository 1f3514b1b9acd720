// Importing a filled-in sheet by attaching it in chat: a file shared in a Slack DM (downloaded
// with the bot token from Slack's file host) and a file sent in a Teams personal chat (a
// pre-authenticated download URL), each previewed and applied only after "はい".
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import { encodeAction } from "../../src/channels/slack/render-blocks.ts";
import { incomingFile } from "../../src/channels/slack/slack-channel.ts";
import { BOT_TOKEN, blockAction, dmEvent, type FakeSlack } from "../helpers/slack.ts";
import { startSlackHarness, type SlackHarness } from "../helpers/slack-harness.ts";
import { personalMessage, postActivity, startFakeConnector, submitAction, visible, type FakeConnector } from "../helpers/teams.ts";

const SHEET = Buffer.from("\uFEFFNo.,回答,メモ・理由\n1,達成,\n2,未達成,予算待ち\n124,対象外,該当システムなし\n", "utf8");

async function answers(app: TestApp, orgKey: string) {
  const org = await app.services.db.organization.findUniqueOrThrow({ where: { externalKey: orgKey } });
  const rows = await app.services.db.answer.findMany({ where: { orgId: org.id }, orderBy: { itemNo: "asc" } });
  return rows.map((r) => [r.itemNo, r.status]);
}

describe("Slack: a sheet shared in a DM", () => {
  let h: SlackHarness;
  let slack: FakeSlack;
  let app: TestApp;

  beforeAll(async () => {
    h = await startSlackHarness();
    ({ slack, app } = h);
  });
  afterAll(async () => h?.close());

  it("previews the import, changes nothing until confirmed, then records the answers", async () => {
    const fileUrl = slack.serveFile("sheet.csv", SHEET);
    await h.postJson(dmEvent("", { user: "UIMP", files: [{ name: "sheet.csv", url: fileUrl, size: SHEET.length }] }));
    const [preview] = await slack.waitFor("chat.postMessage");
    expect(String(preview.args.text)).toMatch(/3件|よろしいですか/);
    const download = slack.calls.find((c) => c.method === "file.download")!;
    expect(download.args.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(await app.services.db.answer.count()).toBe(0);

    const yes = encodeAction({ intent: "answer_followup", params: { confirm: true } })!;
    await h.postForm(`payload=${encodeURIComponent(JSON.stringify(blockAction(yes, { user: "UIMP", responseUrl: slack.responseUrl("imp") })))}`);
    await slack.waitFor("chat.postMessage", 2);
    expect(await answers(app, "slack:T1")).toEqual([[1, "achieved"], [2, "not_achieved"], [124, "not_applicable"]]);
  });

  it("never sends the bot token to a host other than Slack's", async () => {
    const f = incomingFile({ name: "x.csv", url_private_download: "https://evil.example/steal" }, BOT_TOKEN, slack.url);
    await expect(f.download()).rejects.toThrow(/refusing/);
  });
});

describe("Teams: a sheet sent in a personal chat", () => {
  let app: TestApp;
  let running: RunningServer;
  let connector: FakeConnector;
  let files: Server;
  let filesUrl: string;

  beforeAll(async () => {
    app = await createTestApp({ TEAMS_ENABLED: "true", TEAMS_TEST_FILE_HOST: "127.0.0.1" });
    running = await startServer(app, { port: 0 });
    connector = await startFakeConnector();
    files = createServer((_req, res) => res.end(SHEET));
    await new Promise<void>((r) => files.listen(0, "127.0.0.1", () => r()));
    filesUrl = `http://127.0.0.1:${(files.address() as { port: number }).port}/download/sheet.csv?token=pre-signed`;
  });
  afterAll(async () => {
    await running?.close();
    await connector?.close();
    await app?.close();
    await new Promise((r) => files?.close(r));
  });

  it("previews the import and records the answers after はい", async () => {
    const who = { serviceUrl: connector.url, aad: "aaaaaaaa-0000-0000-0000-0000000000f1" };
    const msg = {
      ...personalMessage("", who),
      text: undefined,
      attachments: [
        {
          contentType: "application/vnd.microsoft.teams.file.download.info",
          contentUrl: "https://contoso.sharepoint.com/personal/sheet.csv",
          name: "sheet.csv",
          content: { downloadUrl: filesUrl, uniqueId: "1150D938-8870-4044-9F2C-5BBDEBA70C8C", fileType: "csv" },
        },
      ],
    };
    await postActivity(running.port, msg);
    await running.teams!.idle();
    expect(visible(connector.posts()[0])).toMatch(/よろしいですか/);
    expect(await app.services.db.answer.count()).toBe(0);
    await postActivity(running.port, submitAction({ i: "answer_followup", p: { confirm: true } }, who));
    await running.teams!.idle();
    const tenantKey = (await app.services.db.organization.findFirstOrThrow({ where: { platform: "teams" } })).externalKey;
    expect(await answers(app, tenantKey)).toEqual([[1, "achieved"], [2, "not_achieved"], [124, "not_applicable"]]);
  });
});
