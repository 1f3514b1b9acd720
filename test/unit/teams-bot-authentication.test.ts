// Start-up refusals and the mapping of authentication failures to HTTP statuses.
import express from "express";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/core/logger.ts";
import { authFailureStatus, createBotAuthentication, TeamsConfigurationError } from "../../src/channels/teams/bot-authentication.ts";
import { mountTeams } from "../../src/channels/teams/teams-channel.ts";

const base = { appType: "SingleTenant", allowedTenants: [], inbox: { register() {}, accept: async () => null, run: async () => "nothing" as const }, log: createLogger("silent") };

describe("Teams start-up", () => {
  it("refuses unauthenticated mode in production, in config and in mountTeams", () => {
    expect(() => loadConfig({ NODE_ENV: "production", TEAMS_ENABLED: "true" })).toThrow(ConfigError);
    expect(() => mountTeams(express(), { ...base, authenticated: false, production: true })).toThrow(TeamsConfigurationError);
    expect(() => mountTeams(express(), { ...base, authenticated: true, appId: undefined, production: true })).toThrow(/MICROSOFT_APP_ID/);
  });

  it("allows unauthenticated mode outside production and authenticated mode in production", () => {
    expect(() => mountTeams(express(), { ...base, authenticated: false, production: false })).not.toThrow();
    expect(() =>
      mountTeams(express(), { ...base, authenticated: true, appId: "app", appPassword: "pw", tenantId: "t", production: true }),
    ).not.toThrow();
  });

  it("refuses authentication switched on without an app id even outside production", () => {
    expect(() => createBotAuthentication({ appType: "SingleTenant", authenticated: true, production: false })).toThrow(TeamsConfigurationError);
  });
});

describe("authFailureStatus", () => {
  it("answers token problems with 401 and unreachable signing keys with 503", () => {
    expect(authFailureStatus(Object.assign(new Error("invalid signature"), { name: "JsonWebTokenError" })).status).toBe(401);
    expect(authFailureStatus(Object.assign(new Error("jwt expired"), { name: "TokenExpiredError" })).status).toBe(401);
    expect(authFailureStatus(Object.assign(new Error("Unauthorized Access"), { statusCode: 401 })).status).toBe(401);
    expect(authFailureStatus(Object.assign(new Error("Failed to load openID config: 500"), { statusCode: 500 })).status).toBe(503);
    expect(authFailureStatus(Object.assign(new Error("connect ECONNREFUSED"), { name: "FetchError" })).status).toBe(503);
    expect(authFailureStatus(new Error("something else")).status).toBe(401);
  });
});
