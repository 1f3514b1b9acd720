// The Slack app manifest against what the code does: every Web API method the Slack channel
// calls has its scope, every event it listens to is subscribed with its scope, and no scope is
// asked for that nothing uses (least privilege: an admin approving the app sees each one).
// Scopes per method and event are from docs.slack.dev/reference/methods and /reference/events;
// field limits from slackapi/manifest-schema (manifest.schema.2.0.0.json).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES, loadConfig } from "../../src/config.ts";

const manifest = JSON.parse(readFileSync(new URL("../../manifest.json", import.meta.url), "utf8"));
const source = ["slack-channel.ts", "slack-delivery.ts", "connection.ts"]
  .map((f) => readFileSync(new URL(`../../src/channels/slack/${f}`, import.meta.url), "utf8"))
  .join("\n");

/** Bot-token scope each Web API method needs (none: auth.test, apps.connections.open with the app token). */
const METHOD_SCOPES: Record<string, string[]> = {
  "chat.postMessage": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "users.info": ["users:read"],
  "conversations.open": ["im:write"],
  // a timed-out post in a DM is looked for before it is sent again (src/channels/slack/slack-delivery.ts)
  "conversations.history": ["im:history"],
  // no scope: any token may call it (src/channels/slack/connection.ts)
  "auth.test": [],
  "conversations.replies": ["im:history"],
  // files.getUploadURLExternal + files.completeUploadExternal
  filesUploadV2: ["files:write"],
};

describe("Slack app manifest", () => {
  const scopes: string[] = manifest.oauth_config.scopes.bot;

  it("asks for exactly the scopes the code uses", () => {
    const called = new Set([...source.matchAll(/client\.((?:[a-z]+\.)*[a-zA-Z0-9]+)\(/g)].map((m) => m[1]));
    const needed = new Set<string>();
    for (const method of called) {
      expect(METHOD_SCOPES, `scope of ${method}: add it to METHOD_SCOPES and the manifest`).toHaveProperty([method]);
      for (const s of METHOD_SCOPES[method]) needed.add(s);
    }
    // events and commands
    expect(source).toContain('app.event("app_mention"');
    needed.add("app_mentions:read");
    expect(source).toContain("app.message(");
    needed.add("im:history"); // message.im
    expect(source).toContain("app.command(");
    needed.add("commands");
    // files shared in a DM are downloaded from url_private_download with the bot token
    expect(source).toContain("url_private_download");
    needed.add("files:read");
    expect([...scopes].sort()).toEqual([...needed].sort());
  });

  it("subscribes to the events the code listens to, at the URL Bolt serves", () => {
    const { event_subscriptions, interactivity, socket_mode_enabled, token_rotation_enabled } = manifest.settings;
    // app_uninstalled and tokens_revoked (no scope needed) clear an OAuth installation's tokens
    expect([...event_subscriptions.bot_events].sort()).toEqual(["app_mention", "app_uninstalled", "message.im", "tokens_revoked"]);
    expect(source).toContain('app.event("app_uninstalled"');
    expect(source).toContain('app.event("tokens_revoked"');
    // buttons need interactivity; one endpoint (ExpressReceiver endpoints: "/slack/events") takes all
    expect(interactivity.is_enabled).toBe(true);
    for (const url of [event_subscriptions.request_url, interactivity.request_url, manifest.features.slash_commands[0].url])
      expect(new URL(url).pathname).toBe("/slack/events");
    expect(source).toContain('endpoints: "/slack/events"');
    // OAuth distribution comes back to the route the install flow serves
    expect(manifest.oauth_config.redirect_urls.map((u: string) => new URL(u).pathname)).toEqual(["/slack/oauth_redirect"]);
    // HTTP by default (README explains Socket Mode); rotation off by default (README: how to turn it on with OAuth)
    expect(socket_mode_enabled).toBe(false);
    expect(token_rotation_enabled).toBe(false);
  });

  it("offers the slash command the bot answers, and lets people write to it in the Messages tab", () => {
    const config = loadConfig({ NODE_ENV: "test", SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" });
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([config.slack!.command]);
    expect(manifest.features.app_home).toMatchObject({ messages_tab_enabled: true, messages_tab_read_only_enabled: false });
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
  });

  it("an OAuth install asks for the manifest's scopes", () => {
    expect(SLACK_BOT_SCOPES).toEqual(manifest.oauth_config.scopes.bot);
    const c = loadConfig({ NODE_ENV: "test", SLACK_CLIENT_ID: "1.2", SLACK_CLIENT_SECRET: "c", SLACK_SIGNING_SECRET: "s" });
    expect(c.slack!.oauth!.scopes).toEqual(manifest.oauth_config.scopes.bot);
  });

  it("keeps within the manifest schema's field limits", () => {
    const d = manifest.display_information;
    expect([...d.name].length).toBeLessThanOrEqual(35);
    expect([...d.description].length).toBeLessThanOrEqual(140);
    expect([...d.long_description].length).toBeGreaterThanOrEqual(175);
    expect([...d.long_description].length).toBeLessThanOrEqual(4000);
    expect(d.background_color).toMatch(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/);
    for (const c of manifest.features.slash_commands) {
      expect(c.command.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(2000);
      expect(c.usage_hint.length).toBeLessThanOrEqual(1000);
    }
  });
});
