// The real server with Slack configured against the local Web API stand-in, and the signed
// requests tests send into it. One place, so every Slack HTTP test speaks the same contract.
import { createTestApp, type TestApp } from "./app.ts";
import { startServer, type RunningServer, type ServerOptions } from "../../src/server.ts";
import { BOT_TOKEN, SIGNING_SECRET, sign, startFakeSlack, type ApiCall, type FakeSlack } from "./slack.ts";

export interface SlackHarness {
  slack: FakeSlack;
  app: TestApp;
  server: RunningServer;
  /** POST /slack/events with a validly signed JSON body (Events API). */
  postJson(body: unknown, headers?: Record<string, string>, raw?: string): Promise<Response>;
  /** POST /slack/events with a validly signed form body (slash commands, `payload=` interactions). */
  postForm(form: string, headers?: Record<string, string>): Promise<Response>;
  /** chat.postMessage calls into one channel. */
  postsTo(channel: string): ApiCall[];
  postCount(): number;
  close(): Promise<void>;
}

export async function startSlackHarness(env: Record<string, string> = {}, serverOpts: ServerOptions = {}): Promise<SlackHarness> {
  const slack = await startFakeSlack();
  const app = await createTestApp({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, ...env });
  const server = await startServer(app, { ...serverOpts, port: 0 });
  const url = `http://127.0.0.1:${server.port}/slack/events`;
  const posts = () => slack.calls.filter((c) => c.method === "chat.postMessage");
  return {
    slack,
    app,
    server,
    postJson: (body, headers = {}, raw = JSON.stringify(body)) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", ...sign(raw), ...headers }, body: raw }),
    postForm: (form, headers = {}) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...sign(form), ...headers }, body: form }),
    postsTo: (channel) => posts().filter((c) => c.args.channel === channel),
    postCount: () => posts().length,
    close: async () => {
      await server.close();
      await app.close();
      await slack.close();
    },
  };
}
