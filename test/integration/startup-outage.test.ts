// Start-up and resilience: the server starts and serves /healthz while Slack is down (auth.test
// answering 503), answers what arrives meanwhile, says which part is degraded, and connects when
// Slack is back; an unhandled rejection is logged and the process lives on.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import { BOT_TOKEN, SIGNING_SECRET, dmEvent, sign, startFakeSlack, type FakeSlack } from "../helpers/slack.ts";
import { until } from "../helpers/wait.ts";

describe("Slack unreachable at start-up", () => {
  let slack: FakeSlack;
  let app: TestApp;
  let server: RunningServer;

  beforeAll(async () => {
    slack = await startFakeSlack();
    slack.failNext("auth.test", { status: 503, times: 2 });
    app = await createTestApp({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, TEAMS_ENABLED: "true" });
    server = await startServer(app, { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await slack?.close();
  });

  const health = async () => {
    const r = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    return { status: r.status, body: (await r.json()) as { ok: boolean; slack: string; teams: string; degraded: string[] } };
  };

  it("serves /healthz naming Slack as degraded, answers a message meanwhile, and connects when Slack is back", async () => {
    await slack.waitFor("auth.test:failed", 1);
    const down = await health();
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ ok: true, slack: "degraded", teams: "ok", degraded: ["slack"] });

    // a message that arrives during the outage is still answered
    const raw = JSON.stringify(dmEvent("No.115", { user: "UOUTAGE" }));
    const r = await fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: "POST", headers: { "content-type": "application/json", ...sign(raw) }, body: raw });
    expect(r.status).toBe(200);
    await until(() => slack.calls.some((c) => c.method === "chat.postMessage" && c.args.channel === "DUOUTAGE"), "the answer during the outage");

    await slack.waitFor("auth.test", 1, 15_000);
    await until(async () => (await health()).body.slack === "ok", "Slack connected again", 15_000);
    expect((await health()).body.degraded).toEqual([]);
  });
});

describe("process guards", () => {
  it("logs an unhandled rejection and keeps the process running", () => {
    const code = [
      `import { installProcessGuards } from "./src/core/process-guards.ts";`,
      `import { createLogger } from "./src/core/logger.ts";`,
      `installProcessGuards(createLogger("info", {}, (l) => process.stdout.write(l + "\\n")));`,
      `Promise.reject(new Error("boom-from-nowhere"));`,
      `setTimeout(() => { process.stdout.write("still alive\\n"); }, 200);`,
    ].join("\n");
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: process.cwd(), encoding: "utf8", timeout: 60_000 });
    expect(r.stdout).toContain("unhandled rejection");
    expect(r.stdout).toContain("boom-from-nowhere");
    expect(r.stdout).toContain("still alive");
    expect(r.status).toBe(0);
  });
});
