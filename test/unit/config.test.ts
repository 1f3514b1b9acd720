import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("loadConfig", () => {
  it("needs nothing for the terminal chat on the embedded database", () => {
    const c = loadConfig({});
    expect(c.slack).toBeUndefined();
    expect(c.teams).toBeUndefined();
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/data$/);
  });

  it("names every missing or invalid variable in one message", () => {
    try {
      loadConfig({ SLACK_BOT_TOKEN: "not-a-token", PORT: "abc", DATABASE_URL: "mysql://x", SLACK_API_URL: "ftp://x" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      for (const name of ["SLACK_BOT_TOKEN", "PORT", "DATABASE_URL", "SLACK_API_URL"]) expect(msg).toContain(name);
    }
  });

  it("requires a signing secret or an app token with a Slack bot token", () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack?.signingSecret).toBe("s");
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).slack?.appToken).toBe("xapp-1");
  });

  it("OAuth distribution: client id and secret with a signing secret, no single bot token, and a token key in production", () => {
    const oauth = { SLACK_CLIENT_ID: "1.2", SLACK_CLIENT_SECRET: "secret", SLACK_SIGNING_SECRET: "s" };
    const c = loadConfig(oauth);
    expect(c.slack?.botToken).toBeUndefined();
    expect(c.slack?.oauth).toMatchObject({ clientId: "1.2", clientSecret: "secret", tokenKey: undefined });
    expect(() => loadConfig({ SLACK_CLIENT_ID: "1.2" })).toThrow(/SLACK_CLIENT_SECRET[\s\S]*SLACK_SIGNING_SECRET/);
    expect(() => loadConfig({ ...oauth, SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_BOT_TOKEN: leave it unset/);
    expect(() => loadConfig({ ...oauth, SLACK_APP_TOKEN: "xapp-1" })).toThrow(/SLACK_APP_TOKEN/);
    // production: no key, no start, and the message says how to make one
    expect(() => loadConfig({ ...oauth, NODE_ENV: "production" })).toThrow(/SLACK_TOKEN_KEY: required in production[\s\S]*openssl rand -base64 32/);
    const key = Buffer.alloc(32, 9);
    expect(loadConfig({ ...oauth, NODE_ENV: "production", SLACK_TOKEN_KEY: key.toString("base64") }).slack?.oauth?.tokenKey).toEqual(key);
    expect(loadConfig({ ...oauth, SLACK_TOKEN_KEY: key.toString("hex") }).slack?.oauth?.tokenKey).toEqual(key);
    expect(() => loadConfig({ ...oauth, SLACK_TOKEN_KEY: "too-short" })).toThrow(/SLACK_TOKEN_KEY: must be 32 bytes/);
    expect(loadConfig({ ...oauth, PUBLIC_BASE_URL: "https://bot.example.jp/" }).slack?.oauth?.redirectUri).toBe("https://bot.example.jp/slack/oauth_redirect");
  });

  it("refuses an unauthenticated Teams endpoint in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", TEAMS_ENABLED: "true" })).toThrow(/TEAMS_ENABLED/);
    expect(loadConfig({ TEAMS_ENABLED: "true" }).teams?.authenticated).toBe(false);
    const c = loadConfig({ MICROSOFT_APP_ID: "id", MICROSOFT_APP_PASSWORD: "pw", MICROSOFT_APP_TENANT_ID: "t" });
    expect(c.teams?.authenticated).toBe(true);
  });

  it("parses reminder offsets", () => {
    expect(loadConfig({ REMINDER_OFFSETS: "3d,1h,30m" }).reminderOffsetsMs).toEqual([259_200_000, 3_600_000, 1_800_000]);
    expect(() => loadConfig({ REMINDER_OFFSETS: "soon" })).toThrow(/REMINDER_OFFSETS/);
  });

  it("seeds the demo sessions only for the terminal chat, unless SESSIONS_DEMO says otherwise", () => {
    const slack = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" };
    expect(loadConfig({}).demoSessions).toBe(true);
    expect(loadConfig({ NODE_ENV: "production" }).demoSessions).toBe(false);
    expect(loadConfig(slack).demoSessions).toBe(false);
    expect(loadConfig({ TEAMS_ENABLED: "true" }).demoSessions).toBe(false);
    // the terminal chat forced beside Slack is still that deployment's database
    expect(loadConfig({ ...slack, CHAT: "1" }).demoSessions).toBe(false);
    expect(loadConfig({ ...slack, SESSIONS_DEMO: "1" }).demoSessions).toBe(true);
    expect(loadConfig({ SESSIONS_DEMO: "off" }).demoSessions).toBe(false);
    expect(loadConfig({ SESSIONS_DEMO: "" }).demoSessions).toBe(true);
    expect(() => loadConfig({ SESSIONS_DEMO: "maybe" })).toThrow(/SESSIONS_DEMO/);
  });

  it("tenant walls are on unless turned off; retention is 90 days unless set", () => {
    expect(loadConfig({}).tenantWalls).toBe(true);
    expect(loadConfig({ TENANT_WALLS: "off" }).tenantWalls).toBe(false);
    expect(loadConfig({ TENANT_WALLS: "on" }).tenantWalls).toBe(true);
    expect(() => loadConfig({ TENANT_WALLS: "maybe" })).toThrow(/TENANT_WALLS/);
    expect(loadConfig({}).retentionDaysAfterUninstall).toBe(90);
    expect(loadConfig({ RETENTION_DAYS_AFTER_UNINSTALL: "30" }).retentionDaysAfterUninstall).toBe(30);
    expect(() => loadConfig({ RETENTION_DAYS_AFTER_UNINSTALL: "0" })).toThrow(/RETENTION_DAYS_AFTER_UNINSTALL/);
  });
});
