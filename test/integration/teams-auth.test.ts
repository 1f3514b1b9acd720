// Authenticated mode (MICROSOFT_APP_ID set), offline. The real server refuses unsigned requests;
// then the Teams channel is mounted with the signing keys' metadata pointing at a local server,
// so RS256 channel tokens minted here go through botbuilder's full validation (issuer, audience,
// signature, endorsement, expiry, serviceurl claim). Outbound calls would need an Entra ID token
// from login.microsoftonline.com, which tests cannot reach: a credentials factory signing with a
// fixed token stands in for it, and the fake Bot Connector checks that header arrives.
import express from "express";
import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startServer, type RunningServer } from "../../src/server.ts";
import { defineIntent } from "../../src/core/intent.ts";
import { mountTeams, type TeamsChannel, type TeamsChannelOptions } from "../../src/channels/teams/teams-channel.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import {
  TENANT,
  cardInvoke,
  channelMention,
  personalMessage,
  postActivity,
  startFakeConnector,
  startTokenIssuer,
  visible,
  type FakeConnector,
  type TokenIssuer,
} from "../helpers/teams.ts";

const APP_ID = "9a1c2b3d-0000-4000-8000-00000000a99d";
const ENV = { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: "test-password-not-used", MICROSOFT_APP_TENANT_ID: TENANT };
const OUTBOUND = "Bearer outbound-test-token";

/** Signs outbound Bot Connector calls with a fixed token instead of asking Entra ID. */
const fixedTokenCredentials = {
  isValidAppId: async (appId: string) => appId === APP_ID,
  isAuthenticationDisabled: async () => false,
  createCredentials: async () => ({
    signRequest: async <R extends { headers: { set(name: string, value: string): void } }>(request: R) => {
      request.headers.set("authorization", OUTBOUND);
      return request;
    },
  }),
} as unknown as NonNullable<TeamsChannelOptions["credentialsFactory"]>;

const privateAnswers = defineIntent({
  name: "test_private_answers",
  description: { ja: "テスト用", en: "test only" },
  examples: { ja: [], en: [] },
  params: z.object({}).strict(),
  match: (text) => (text.includes("うちの回答") ? {} : null),
  async handle() {
    return { text: "SECRET-ANSWER-DATA", blocks: [{ type: "text", text: "SECRET-ANSWER-DATA" }], private: true };
  },
});

describe("Teams with authentication, through the real server", () => {
  let app: TestApp;
  let running: RunningServer;
  let connector: FakeConnector;

  beforeAll(async () => {
    app = await createTestApp(ENV);
    running = await startServer(app, { port: 0 });
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await running?.close();
    await connector?.close();
    await app?.close();
  });

  it("answers a POST without Authorization with 401 and records nothing", async () => {
    const res = await postActivity(running.port, personalMessage("No.115", { serviceUrl: connector.url }));
    expect(res.status).toBe(401);
    const garbage = await postActivity(running.port, personalMessage("No.115", { serviceUrl: connector.url }), { authorization: "Bearer not-a-jwt" });
    expect(garbage.status).toBe(401);
    const invoke = await postActivity(running.port, cardInvoke(undefined, { serviceUrl: connector.url }));
    expect(invoke.status).toBe(401);
    await running.teams!.idle();
    expect(connector.calls).toHaveLength(0);
    expect(await app.db.prisma.inboxDelivery.count()).toBe(0);
  });
});

describe("Teams with authentication, with locally minted channel tokens", () => {
  let app: TestApp;
  let server: Server;
  let port: number;
  let teams: TeamsChannel;
  let connector: FakeConnector;
  let attacker: FakeConnector;
  let issuer: TokenIssuer;

  beforeAll(async () => {
    app = await createTestApp(ENV, { extraIntents: [privateAnswers] });
    connector = await startFakeConnector();
    attacker = await startFakeConnector();
    issuer = await startTokenIssuer(["msteams"]);
    const web = express();
    teams = mountTeams(web, {
      ...app.config.teams!,
      production: true,
      inbox: app.inbox,
      log: app.log,
      openIdMetadataUrl: issuer.metadataUrl,
      credentialsFactory: fixedTokenCredentials,
    });
    server = await new Promise<Server>((r) => {
      const s = web.listen(0, "127.0.0.1", () => r(s));
    });
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await teams?.idle();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await Promise.all([connector?.close(), attacker?.close(), issuer?.close()]);
    await app?.close();
  });
  afterEach(async () => {
    await teams.idle();
    connector.calls.length = 0;
  });

  const bearer = (claims: Record<string, unknown>, o?: Parameters<TokenIssuer["token"]>[1]) => ({
    authorization: `Bearer ${issuer.token(claims, o)}`,
  });
  const valid = () => ({ aud: APP_ID, serviceurl: connector.url });
  const processed = () => app.db.prisma.inboxDelivery.count();

  it("accepts a valid channel token, runs the turn and replies with the outbound token", async () => {
    const before = await processed();
    const res = await postActivity(port, personalMessage("No.115", { serviceUrl: connector.url }), bearer(valid()));
    expect(res.status).toBe(200);
    await teams.idle();
    expect(await processed()).toBe(before + 1);
    const posts = connector.posts();
    expect(posts).toHaveLength(1);
    expect(visible(posts[0])).toContain("No.115");
    expect(posts[0].authorization).toBe(OUTBOUND);
  });

  const rejected: [string, () => { activity: unknown; headers: Record<string, string> }][] = [
    ["no Authorization header", () => ({ activity: personalMessage("No.115", { serviceUrl: connector.url }), headers: {} })],
    ["an expired token", () => ({ activity: personalMessage("No.115", { serviceUrl: connector.url }), headers: bearer(valid(), { expiresIn: -600 }) })],
    ["a token for another bot (aud)", () => ({ activity: personalMessage("No.115", { serviceUrl: connector.url }), headers: bearer({ ...valid(), aud: "another-app" }) })],
    ["a token from another issuer", () => ({ activity: personalMessage("No.115", { serviceUrl: connector.url }), headers: bearer({ ...valid(), iss: "https://sts.example.com/" }) })],
    ["a token signed with a key not in the JWKS", () => ({ activity: personalMessage("No.115", { serviceUrl: connector.url }), headers: bearer(valid(), { key: issuer.foreignKey }) })],
    ["a token whose key id is unknown", () => ({ activity: personalMessage("No.115", { serviceUrl: connector.url }), headers: bearer(valid(), { kid: "unknown-kid" }) })],
    [
      "an activity from a channel the key is not endorsed for",
      () => ({ activity: { ...personalMessage("No.115", { serviceUrl: connector.url }), channelId: "webchat" }, headers: bearer(valid()) }),
    ],
    ["a Basic scheme", () => ({ activity: personalMessage("No.115", { serviceUrl: connector.url }), headers: { authorization: "Basic dXNlcjpwYXNz" } })],
  ];

  for (const [name, make] of rejected) {
    it(`answers ${name} with 401 and does not run the turn`, async () => {
      const before = await processed();
      const { activity, headers } = make();
      const res = await postActivity(port, activity, headers);
      expect(res.status).toBe(401);
      await teams.idle();
      expect(connector.calls).toHaveLength(0);
      expect(await processed()).toBe(before);
    });
  }

  it("answers a serviceUrl that differs from the token's serviceurl claim with 401 and never calls it", async () => {
    const before = await processed();
    const activity = personalMessage("No.115", { serviceUrl: attacker.url });
    const res = await postActivity(port, activity, bearer(valid()));
    expect(res.status).toBe(401);
    await teams.idle();
    expect(attacker.calls).toHaveLength(0);
    expect(connector.calls).toHaveLength(0);
    expect(await processed()).toBe(before);
  });

  it("answers an authenticated invoke without value with the 400 AdaptiveCardInvokeResponse", async () => {
    const res = await postActivity(port, cardInvoke(undefined, { serviceUrl: connector.url }), bearer(valid()));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, type: "application/vnd.microsoft.error" });
  });

  it("refuses an authenticated activity that names no tenant (not from Teams)", async () => {
    const before = await processed();
    const activity = { ...personalMessage("No.115", { serviceUrl: connector.url }), conversation: { id: "webchat-conv" }, channelData: {} };
    const res = await postActivity(port, activity, bearer(valid()));
    expect(res.status).toBe(200);
    await teams.idle();
    expect(connector.calls).toHaveLength(0);
    expect(await processed()).toBe(before);
  });

  it("opens the personal chat and sends proactively with the bot's credentials", async () => {
    const activity = channelMention(" うちの回答", { serviceUrl: connector.url });
    await postActivity(port, activity, bearer(valid()));
    await teams.idle();
    const create = connector.calls.find((c) => c.kind === "create");
    expect(create?.authorization).toBe(OUTBOUND);
    const personal = connector.posts().find((p) => p.conversationId?.startsWith("a:personal-"));
    expect(visible(personal!)).toContain("SECRET-ANSWER-DATA");
    expect(connector.posts().every((p) => p.authorization === OUTBOUND)).toBe(true);

    connector.calls.length = 0;
    const ref = { channelId: "msteams", serviceUrl: connector.url, conversation: { id: "a:stored-personal" }, bot: { id: `28:${APP_ID}` }, user: { id: "29:1abc" } };
    await teams.sendTo(ref, { text: "リマインダー", blocks: [{ type: "text", text: "リマインダー" }] });
    expect(connector.posts()).toHaveLength(1);
    expect(connector.posts()[0]).toMatchObject({ conversationId: "a:stored-personal", authorization: OUTBOUND });
  });
});
