// A crash after the acknowledgement (issue 10): the real server (`src/main.ts`, as `npm start`
// runs it) is killed with SIGKILL right after Slack got its 200, and a new process on the same
// database answers the message exactly once. Killed while its answer was on its way to Slack (the
// outcome unknown), the new process looks for the post before sending it again. On the embedded
// database (which only one process opens: the new one takes what the dead one left at start-up)
// and on PostgreSQL (after the dead instance's lease, INBOX_LEASE_SECONDS).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dmEvent, sign, startFakeSlack, type FakeSlack } from "../helpers/slack.ts";
import { startChildServer, type ChildServer } from "../helpers/child-server.ts";
import { describeEachDb, TEST_DATABASE_URL, type DbKind } from "../helpers/db.ts";
import { createScratchDatabase } from "../helpers/scratch-database.ts";
import { until } from "../helpers/wait.ts";
import { APOLOGY } from "../../src/core/errors.ts";

type Bot = ChildServer;

describeEachDb("a server killed (SIGKILL) after acknowledging a Slack message", (kind: DbKind) => {
  let slack: FakeSlack;
  let dataDir: string;
  let databaseUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  const bots: Bot[] = [];

  const start = async (): Promise<Bot> => {
    const bot = await startChildServer({ dataDir, slackUrl: slack.url, databaseUrl, leaseSeconds: 2 }, 120_000);
    bots.push(bot);
    return bot;
  };
  const kill = async (bot: Bot) => {
    bot.child.kill("SIGKILL");
    await bot.exited;
  };
  const post = (bot: Bot, body: unknown) => {
    const raw = JSON.stringify(body);
    return fetch(`http://127.0.0.1:${bot.port}/slack/events`, { method: "POST", headers: { "content-type": "application/json", ...sign(raw) }, body: raw });
  };
  const postsTo = (channel: string) => slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === channel);

  beforeAll(async () => {
    slack = await startFakeSlack();
    dataDir = mkdtempSync(join(tmpdir(), "jama-inbox-crash-"));
    if (kind === "postgres") {
      const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
      databaseUrl = scratch.url;
      dropDb = scratch.drop;
    }
  });
  afterAll(async () => {
    for (const b of bots) if (b.child.exitCode === null) await kill(b);
    await slack?.close();
    await dropDb?.();
  });

  it("killed before it answered: the next process answers once", { timeout: 300_000 }, async () => {
    const first = await start();
    // the person's profile is looked up before the answer is worked out: Slack is slow to give it
    slack.delay("users.info", 60_000);
    const ev = dmEvent("No.115", { user: "UKILL1" });
    expect((await post(first, ev)).status).toBe(200);
    await until(() => slack.calls.some((c) => c.method === "users.info:arrived" && c.args.user === "UKILL1"), "the turn under way", 30_000);
    await kill(first);
    slack.delay("users.info", 0);
    expect(postsTo("DUKILL1")).toHaveLength(0);

    const second = await start();
    await until(() => postsTo("DUKILL1").length > 0, "the answer from the new process", 60_000);
    await new Promise((r) => setTimeout(r, 2_000)); // a copy would arrive within this
    const posts = postsTo("DUKILL1");
    expect(posts).toHaveLength(1);
    expect(String(posts[0].args.text)).toContain("No.115");
    expect(String(posts[0].args.text)).not.toContain(APOLOGY);
    await kill(second);
  });

  it("killed while its answer was on its way: the next process finds it posted and does not post it again", { timeout: 300_000 }, async () => {
    const first = await start();
    slack.delay("chat.postMessage", 3_000);
    const ev = dmEvent("No.116", { user: "UKILL2" });
    expect((await post(first, ev)).status).toBe(200);
    await until(() => slack.calls.some((c) => c.method === "chat.postMessage:arrived" && c.args.channel === "DUKILL2"), "the answer on its way", 30_000);
    await kill(first);
    // Slack took the post after all (its answer never reached the dead process)
    await until(() => postsTo("DUKILL2").length === 1, "the post taken by Slack", 10_000);
    slack.delay("chat.postMessage", 0);

    const historyBefore = slack.calls.filter((c) => c.method === "conversations.history").length;
    const second = await start();
    await until(() => slack.calls.filter((c) => c.method === "conversations.history").length > historyBefore, "the look-up of the unknown post", 60_000);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(postsTo("DUKILL2")).toHaveLength(1);
    expect(second.out.text).toContain("delivery found delivered after an unknown outcome");
    await kill(second);
  });

  it("killed between its message and its files: the next process sends only the files", { timeout: 300_000 }, async () => {
    const first = await start();
    // the export's text is posted; the upload of its first file is under way when the process dies
    slack.delay("files.getUploadURLExternal", 3_000);
    const ev = dmEvent("エクスポート", { user: "UKILL3" });
    expect((await post(first, ev)).status).toBe(200);
    await until(() => slack.calls.some((c) => c.method === "files.getUploadURLExternal:arrived"), "the first file on its way", 60_000);
    await kill(first);
    slack.delay("files.getUploadURLExternal", 0);
    expect(postsTo("DUKILL3")).toHaveLength(1);
    const completed = () => slack.calls.filter((c) => c.method === "files.completeUploadExternal");
    expect(completed()).toHaveLength(0);

    const second = await start();
    await until(() => completed().length >= 2, "both files from the new process", 60_000);
    await new Promise((r) => setTimeout(r, 2_500));
    // the text was not posted again; each file arrived once
    expect(postsTo("DUKILL3")).toHaveLength(1);
    const names = completed().flatMap((c) => ((c.args.files ?? []) as { title?: string }[]).map((f) => f.title));
    expect(completed()).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    await kill(second);
  });
});
