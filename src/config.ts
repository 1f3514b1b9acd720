// The one place that reads the environment. Parsed once at start-up with zod; every missing or
// invalid variable is named in a single message. Everything else receives a Config.
import { resolve } from "node:path";
import { z } from "zod";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const flag = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return false;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    ctx.addIssue({ code: "custom", message: `expected true or false, got "${v}"` });
    return false;
  });
const url = optionalString.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), "must be an http(s) URL");
const list = optionalString.transform((v) => (v ? v.split(",").map((s) => s.trim()).filter(Boolean) : []));

const Env = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  /** How long an instance holds a stored delivery without renewing its lease (src/inbox). */
  INBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    "must be a postgresql:// connection string",
  ),
  /** PostgreSQL: each turn's statements run as the walled role with its organisation set (default on). */
  TENANT_WALLS: optionalString
    .refine((v) => v === undefined || /^(1|true|yes|on|0|false|no|off)$/i.test(v), "expected on or off")
    .transform((v) => v === undefined || /^(1|true|yes|on)$/i.test(v)),
  /** Days a company's data is kept after its workspace uninstalled the app (for its admins to export). */
  RETENTION_DAYS_AFTER_UNINSTALL: z.coerce.number().int().min(1).max(3650).default(90),
  PUBLIC_BASE_URL: url,
  /** Secret for signed download links; derived from the other secrets when absent. */
  LINK_SECRET: optionalString,

  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || /^xox[bp]-/.test(v), "must start with xoxb-"),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith("xapp-"), "must start with xapp-"),
  SLACK_API_URL: url,
  SLACK_COMMAND: z.string().regex(/^\/[a-z0-9_-]+$/, "must look like /jama").default("/jama"),
  SLACK_ALLOWED_TEAMS: list,
  /** OAuth distribution (any workspace installs through /slack/install): the app's client id and secret. */
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  /** Signs the OAuth state parameter (default: derived from SLACK_CLIENT_SECRET). */
  SLACK_STATE_SECRET: optionalString,
  /** 32 bytes, base64 or hex: encrypts the installations' tokens at rest (required in production). */
  SLACK_TOKEN_KEY: optionalString.refine((v) => v === undefined || tokenKey(v) !== undefined, "must be 32 bytes as base64 or 64 hex digits (openssl rand -base64 32)"),
  /** Bot scopes asked for at install (default: those of manifest.json). */
  SLACK_SCOPES: list,

  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  MICROSOFT_APP_TYPE: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("SingleTenant"),
  TEAMS_ENABLED: flag,
  TEAMS_ALLOWED_TENANTS: list,
  /** Outside production only: a host name Teams file downloads may come from besides *.sharepoint.com (tests). */
  TEAMS_TEST_FILE_HOST: optionalString,

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url,
  OPENAI_MODEL: z.string().default("gpt-4o-mini"),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).default(8000),
  /** LLM calls one person may cause per hour; past it, plain answers (bounded cost). */
  OPENAI_USER_HOURLY_LIMIT: z.coerce.number().int().min(1).default(60),

  /** Platform users with the secretariat role, as platform:userId (e.g. slack:U123, teams:29:abc). */
  SECRETARIAT_USERS: list,
  /** Reminder offsets before a session, e.g. "3d,1h". */
  REMINDER_OFFSETS: z
    .string()
    .default("3d,1h")
    .refine((v) => v.split(",").every((s) => /^\s*\d+\s*[dhm]\s*$/.test(s)), "must be like 3d,1h,30m"),
  /** Month the fiscal year starts (Japan: April). */
  FISCAL_YEAR_START_MONTH: z.coerce.number().int().min(1).max(12).default(4),
  /** Where the official wording imported with kb:import is kept (outside git). */
  KB_OVERLAY_FILE: optionalString,
  /** Forces the terminal chat even when Slack or Teams are configured (npm run chat). */
  CHAT: flag,
  /** Serves the web console (/web) beside the terminal chat, on PORT. */
  WEB_CONSOLE: flag,
  /**
   * The demo series of sessions (knowledge/sessions.yaml, labelled as a demo). Unset: on for the
   * terminal chat only (no Slack, no Teams, NODE_ENV not production); a deployment starts with none.
   */
  SESSIONS_DEMO: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return undefined;
      if (/^(1|true|yes|on)$/i.test(v.trim())) return true;
      if (/^(0|false|no|off)$/i.test(v.trim())) return false;
      ctx.addIssue({ code: "custom", message: `expected true or false, got "${v}"` });
      return undefined;
    }),
});

export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Configuration problem(s), see .env.example:\n- ${problems.join("\n- ")}`);
    this.name = "ConfigError";
  }
}

function parseOffset(s: string): number {
  const m = /^(\d+)([dhm])$/.exec(s.trim())!;
  const n = Number(m[1]);
  return n * (m[2] === "d" ? 86_400_000 : m[2] === "h" ? 3_600_000 : 60_000);
}

/** The bot scopes of manifest.json: what an OAuth install asks for unless SLACK_SCOPES says otherwise. */
export const SLACK_BOT_SCOPES = ["app_mentions:read", "chat:write", "commands", "files:read", "files:write", "im:history", "im:write", "users:read"];

/** SLACK_TOKEN_KEY as 32 bytes (base64 or hex), or undefined when it is neither. */
function tokenKey(v: string): Buffer | undefined {
  const hex = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, "hex") : undefined;
  const b64 = /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) ? Buffer.from(v, "base64") : undefined;
  const key = hex ?? b64;
  return key?.length === 32 ? key : undefined;
}

function toConfig(e: z.infer<typeof Env>) {
  const dataDir = resolve(e.DATA_DIR);
  const slackOAuth = Boolean(e.SLACK_CLIENT_ID);
  const slackEnabled = Boolean(e.SLACK_BOT_TOKEN) || slackOAuth;
  const teamsEnabled = Boolean(e.MICROSOFT_APP_ID) || e.TEAMS_ENABLED;
  return {
    env: e.NODE_ENV,
    production: e.NODE_ENV === "production",
    /** undefined: the entry point picks (quiet in the terminal chat, info for servers) */
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === "test" ? ("silent" as const) : undefined),
    port: e.PORT,
    inboxLeaseMs: e.INBOX_LEASE_SECONDS * 1000,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    tenantWalls: e.TENANT_WALLS,
    retentionDaysAfterUninstall: e.RETENTION_DAYS_AFTER_UNINSTALL,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/$/, ""),
    linkSecret:
      e.LINK_SECRET ?? e.SLACK_SIGNING_SECRET ?? e.MICROSOFT_APP_PASSWORD ?? `local:${dataDir}`,
    slack: slackEnabled
      ? {
          /** one workspace, one token (absent with OAuth distribution) */
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
          command: e.SLACK_COMMAND,
          allowedTeams: e.SLACK_ALLOWED_TEAMS,
          oauth: slackOAuth
            ? {
                clientId: e.SLACK_CLIENT_ID!,
                clientSecret: e.SLACK_CLIENT_SECRET!,
                stateSecret: e.SLACK_STATE_SECRET ?? `state:${e.SLACK_CLIENT_SECRET}`,
                scopes: e.SLACK_SCOPES.length ? e.SLACK_SCOPES : SLACK_BOT_SCOPES,
                /** undefined outside production: a key derived from the client secret is used (with a warning) */
                tokenKey: e.SLACK_TOKEN_KEY ? tokenKey(e.SLACK_TOKEN_KEY) : undefined,
                redirectUri: e.PUBLIC_BASE_URL ? `${e.PUBLIC_BASE_URL.replace(/\/$/, "")}/slack/oauth_redirect` : undefined,
              }
            : undefined,
        }
      : undefined,
    teams: teamsEnabled
      ? {
          appId: e.MICROSOFT_APP_ID,
          appPassword: e.MICROSOFT_APP_PASSWORD,
          tenantId: e.MICROSOFT_APP_TENANT_ID,
          appType: e.MICROSOFT_APP_TYPE,
          /** No app id: Bot Framework authentication is off (Emulator and tests, never production). */
          authenticated: Boolean(e.MICROSOFT_APP_ID),
          allowedTenants: e.TEAMS_ALLOWED_TENANTS,
          testFileHost: e.TEAMS_TEST_FILE_HOST,
        }
      : undefined,
    openai: e.OPENAI_API_KEY
      ? { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL, timeoutMs: e.OPENAI_TIMEOUT_MS, userHourlyLimit: e.OPENAI_USER_HOURLY_LIMIT }
      : undefined,
    secretariatUsers: e.SECRETARIAT_USERS,
    reminderOffsetsMs: e.REMINDER_OFFSETS.split(",").map(parseOffset),
    fiscalYearStartMonth: e.FISCAL_YEAR_START_MONTH,
    kbOverlayFile: e.KB_OVERLAY_FILE ? resolve(e.KB_OVERLAY_FILE) : resolve("knowledge/local/official.yaml"),
    forceConsole: e.CHAT,
    webConsole: e.WEB_CONSOLE,
    /**
     * Seed and show the demo sessions: the terminal chat on an empty database. A deployment (Slack
     * or Teams configured, or production) starts with none and removes demo sessions left over.
     */
    demoSessions: e.SESSIONS_DEMO ?? (!slackEnabled && !teamsEnabled && e.NODE_ENV !== "production"),
  };
}

/** Parses the environment; throws ConfigError naming every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const r = Env.safeParse(env);
  const problems: string[] = r.success
    ? []
    : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  if (r.success) {
    const e = r.data;
    if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN)
      problems.push("SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)");
    if (!e.SLACK_BOT_TOKEN && !e.SLACK_CLIENT_ID && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN))
      problems.push("SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set (or set SLACK_CLIENT_ID for OAuth distribution)");
    if (e.SLACK_CLIENT_ID) {
      if (e.SLACK_BOT_TOKEN) problems.push("SLACK_BOT_TOKEN: leave it unset with SLACK_CLIENT_ID (OAuth distribution stores one token per installed workspace)");
      if (!e.SLACK_CLIENT_SECRET) problems.push("SLACK_CLIENT_SECRET: required with SLACK_CLIENT_ID");
      if (!e.SLACK_SIGNING_SECRET) problems.push("SLACK_SIGNING_SECRET: required with SLACK_CLIENT_ID");
      if (e.SLACK_APP_TOKEN) problems.push("SLACK_APP_TOKEN: OAuth distribution serves its install pages over HTTP; leave Socket Mode off with SLACK_CLIENT_ID");
      if (e.NODE_ENV === "production" && !e.SLACK_TOKEN_KEY)
        problems.push(
          "SLACK_TOKEN_KEY: required in production with SLACK_CLIENT_ID; the installations' bot tokens are stored encrypted with it (make one with: openssl rand -base64 32)",
        );
    } else if (e.SLACK_CLIENT_SECRET) problems.push("SLACK_CLIENT_ID: required when SLACK_CLIENT_SECRET is set");
    if (e.MICROSOFT_APP_ID && !e.MICROSOFT_APP_PASSWORD && e.MICROSOFT_APP_TYPE !== "UserAssignedMSI")
      problems.push("MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID");
    if (e.MICROSOFT_APP_ID && e.MICROSOFT_APP_TYPE === "SingleTenant" && !e.MICROSOFT_APP_TENANT_ID)
      problems.push("MICROSOFT_APP_TENANT_ID: required for a SingleTenant bot (or set MICROSOFT_APP_TYPE)");
    if (e.NODE_ENV === "production" && e.TEAMS_TEST_FILE_HOST)
      problems.push("TEAMS_TEST_FILE_HOST: only for tests; in production files come only from Microsoft's hosts");
    if (e.NODE_ENV === "production" && e.TEAMS_ENABLED && !e.MICROSOFT_APP_ID)
      problems.push(
        "TEAMS_ENABLED: without MICROSOFT_APP_ID the Teams endpoint has no authentication, which is refused in production",
      );
  }
  if (problems.length) throw new ConfigError(problems);
  return toConfig((r as { data: z.infer<typeof Env> }).data);
}
