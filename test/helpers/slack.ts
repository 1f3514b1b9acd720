// Slack's side of the contract, locally: validly signed requests into the real server, and a
// small HTTP server standing in for the Slack Web API (SLACK_API_URL) and for response_urls.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";

export const SIGNING_SECRET = "test-signing-secret-0123456789abcdef";
export const BOT_TOKEN = "xoxb-test-0000-token";

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const sig = "v0=" + createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "x-slack-signature": sig, "x-slack-request-timestamp": String(timestamp) };
}

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** the token the call was made with (Authorization: Bearer, or a `token` argument) */
  token?: string;
}

/** Answers a Web API method in place of the built-in answer (`undefined`: the built-in one). */
export type MethodHandler = (args: Record<string, unknown>, token: string | undefined, req: { authorization?: string }) => unknown;

export interface FakeSlack {
  url: string;
  /** Base for response_url values in slash commands and actions. */
  responseUrl(id: string): string;
  calls: ApiCall[];
  posts(): ApiCall[];
  /** Resolves when `n` calls of `method` have arrived (or rejects after `ms`). */
  waitFor(method: string, n?: number, ms?: number): Promise<ApiCall[]>;
  /** Make the next calls of a method fail with this HTTP status or Slack error. */
  failNext(method: string, how: { status?: number; error?: string; times?: number }): void;
  /** Delay responses of a method by ms (to show the ack does not wait for the answer; a slow answer). */
  delay(method: string, ms: number): void;
  /**
   * Slack's per-channel limit: a call of `method` into a channel less than `intervalMs` after the
   * last accepted one is refused with HTTP 429 and Retry-After (recorded as `<method>:429`).
   */
  limitPerChannel(method: string, intervalMs: number, retryAfterSec?: number): void;
  /** Accepted calls of a method per channel, in the order they arrived. */
  accepted(method: string, channel: string): ApiCall[];
  /** The WebSocket URL apps.connections.open hands out (Socket Mode). */
  socketUrl?: string;
  /** Custom answers per method (OAuth stand-ins: oauth.v2.access, auth.test, auth.revoke). */
  handlers: Map<string, MethodHandler>;
  /**
   * Who people are, as users.info answers: their own workspace and, for a member of an Enterprise
   * Grid org, `enterprise_user` with the org's id. Someone not listed gets a plain profile.
   */
  users: Map<string, { team: string; enterprise?: string }>;
  /** Serves a file as Slack's file host would (url_private_download); it requires the bot token. */
  serveFile(name: string, data: Buffer): string;
  close(): Promise<void>;
}

function parseMaybe(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function parseBody(raw: string, type: string | undefined): Record<string, unknown> {
  if (type?.includes("application/json")) return raw ? JSON.parse(raw) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    try {
      out[k] = k === "blocks" || k === "attachments" || k === "files" ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: ApiCall[] = [];
  const waiters: { method: string; n: number; resolve: (c: ApiCall[]) => void }[] = [];
  const failures = new Map<string, { status?: number; error?: string; times: number }>();
  const files = new Map<string, Buffer>();
  const delays = new Map<string, number>();
  const limits = new Map<string, { intervalMs: number; retryAfterSec: number; last: Map<string, number> }>();
  let ts = 1_700_000_000;
  let base = "";

  const record = (method: string, args: Record<string, unknown>, token?: string) => {
    calls.push({ method, args, at: Date.now(), token });
    for (const w of [...waiters]) {
      const matching = calls.filter((c) => c.method === w.method);
      if (matching.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(matching);
      }
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? "";
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method === "GET" && path.startsWith("/files-pri/")) {
        const file = files.get(decodeURIComponent(path.slice(11)));
        record("file.download", { path, authorization: req.headers.authorization });
        if (req.headers.authorization !== `Bearer ${BOT_TOKEN}`) return reply(403, { ok: false, error: "not_authed" });
        if (!file) return reply(404, { ok: false, error: "file_not_found" });
        res.writeHead(200, { "content-type": "application/octet-stream" });
        return res.end(file);
      }
      if (path.startsWith("/upload/")) {
        record("upload", { id: path.slice(8), bytes: raw.length, data: raw });
        return reply(200, { ok: true });
      }
      if (path.startsWith("/response/")) {
        record("response_url", { id: path.slice(10), ...parseBody(raw.toString(), "application/json") });
        return reply(200, { ok: true });
      }
      const method = path.replace(/^\/api\//, "").split("?")[0];
      const args = parseBody(raw.toString(), req.headers["content-type"]);
      const wait = delays.get(method);
      if (wait) {
        // the request has arrived; its answer (and its record as accepted) comes after the delay
        record(`${method}:arrived`, args);
        await new Promise((r) => setTimeout(r, wait));
      }
      const fail = failures.get(method);
      if (fail && fail.times > 0) {
        fail.times--;
        record(`${method}:failed`, args);
        if (fail.status) return reply(fail.status, { ok: false, error: "fake_failure" });
        return reply(200, { ok: false, error: fail.error ?? "fake_failure" });
      }
      const limit = limits.get(method);
      if (limit && typeof args.channel === "string") {
        const last = limit.last.get(args.channel);
        const now = Date.now();
        if (last !== undefined && now - last < limit.intervalMs) {
          record(`${method}:429`, args);
          res.writeHead(429, { "content-type": "application/json", "retry-after": String(limit.retryAfterSec) });
          return res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
        }
        limit.last.set(args.channel, now);
      }
      const token = req.headers.authorization?.replace(/^Bearer /, "") || (typeof args.token === "string" ? args.token : undefined);
      record(method, args, token);
      const custom = fake.handlers.get(method);
      if (custom) {
        const body = await custom(args, token, { authorization: req.headers.authorization });
        if (body !== undefined) return reply(200, body);
      }
      switch (method) {
        case "apps.connections.open":
          return reply(200, fake.socketUrl ? { ok: true, url: fake.socketUrl } : { ok: false, error: "no_socket" });
        case "auth.test":
          return reply(200, { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1", user: "jama-bot" });
        case "chat.postMessage":
          return reply(200, { ok: true, channel: args.channel, ts: `${++ts}.000100`, message: { text: args.text } });
        case "conversations.history":
        case "conversations.replies": {
          // what the bot posted into the channel (the thread), newest first, with its metadata
          const posted = calls.filter(
            (c) => c.method === "chat.postMessage" && c.args.channel === args.channel && (method === "conversations.history" || c.args.thread_ts === args.ts),
          );
          const messages = posted.reverse().map((c, i) => ({ type: "message", bot_id: "BBOT", ts: `${1_700_000_000 + i}.000300`, text: c.args.text, metadata: parseMaybe(c.args.metadata) }));
          return reply(200, { ok: true, messages, has_more: false });
        }
        case "chat.postEphemeral":
          return reply(200, { ok: true, message_ts: `${++ts}.000200` });
        case "conversations.open":
          return reply(200, { ok: true, channel: { id: `D${String(args.users ?? "X")}` } });
        case "users.info": {
          const who = fake.users.get(String(args.user));
          const grid = who?.enterprise
            ? { enterprise_user: { id: args.user, enterprise_id: who.enterprise, enterprise_name: "grid", is_admin: false, is_owner: false, is_primary_owner: false, teams: [who.team] } }
            : {};
          return reply(200, { ok: true, user: { id: args.user, tz: "Asia/Tokyo", real_name: "Test User", ...(who ? { team_id: who.team } : {}), ...grid } });
        }
        case "files.getUploadURLExternal": {
          const id = `F${++ts}`;
          return reply(200, { ok: true, upload_url: `${base}/upload/${id}`, file_id: id });
        }
        case "files.completeUploadExternal":
          return reply(200, { ok: true, files: (args.files as { id: string }[] | undefined) ?? [] });
        default:
          return reply(200, { ok: true });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
  const fake: FakeSlack = {
    url: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${id}`,
    calls,
    handlers: new Map(),
    users: new Map(),
    posts: () => calls.filter((c) => ["chat.postMessage", "chat.postEphemeral", "response_url"].includes(c.method)),
    waitFor(method, n = 1, ms = 10_000) {
      const matching = calls.filter((c) => c.method === method);
      if (matching.length >= n) return Promise.resolve(matching);
      return new Promise((resolve, reject) => {
        const w = { method, n, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`timed out waiting for ${n} × ${method}; got ${calls.map((c) => c.method).join(", ")}`));
          }
        }, ms);
      });
    },
    serveFile(name, data) {
      files.set(name, data);
      return `${base}/files-pri/${encodeURIComponent(name)}`;
    },
    failNext(method, how) {
      failures.set(method, { ...how, times: how.times ?? 1 });
    },
    delay(method, ms) {
      delays.set(method, ms);
    },
    limitPerChannel(method, intervalMs, retryAfterSec = 1) {
      limits.set(method, { intervalMs, retryAfterSec, last: new Map() });
    },
    accepted: (method, channel) => calls.filter((c) => c.method === method && c.args.channel === channel),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return fake;
}

let eventSeq = 0;
/** A real Events API envelope (event_callback) for a DM to the bot; with `files`, a file_share message. */
export function dmEvent(
  text: string,
  o: {
    user?: string;
    team?: string;
    channel?: string;
    ts?: string;
    eventId?: string;
    files?: { name: string; url: string; size: number }[];
    /** Enterprise Grid: the org id, which events carry in authorizations[0] */
    enterprise?: string;
  } = {},
) {
  const ts = o.ts ?? `${1_700_000_000 + ++eventSeq}.${String(eventSeq).padStart(6, "0")}`;
  return {
    token: "legacy-verification-token",
    team_id: o.team ?? "T1",
    api_app_id: "A1",
    event: {
      type: "message",
      channel_type: "im",
      user: o.user ?? "U1",
      text,
      ts,
      channel: o.channel ?? `D${o.user ?? "U1"}`,
      event_ts: ts,
      client_msg_id: `c-${eventSeq}`,
      team: o.team ?? "T1",
      blocks: [],
      ...(o.files
        ? {
            subtype: "file_share",
            upload: false,
            display_as_bot: false,
            files: o.files.map((f, i) => ({
              id: `F0FILE${i}`,
              name: f.name,
              title: f.name,
              mimetype: f.name.endsWith(".csv") ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              filetype: f.name.split(".").pop(),
              size: f.size,
              mode: "hosted",
              is_external: false,
              url_private: f.url,
              url_private_download: f.url,
            })),
          }
        : {}),
    },
    type: "event_callback",
    event_id: o.eventId ?? `Ev${String(++eventSeq).padStart(8, "0")}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: o.enterprise ?? null, team_id: o.team ?? "T1", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: "4-eyJldCI6Im1lc3NhZ2UifQ",
  };
}

/**
 * An app_mention. `team` is the envelope's team_id; `installedTeam` the installation in
 * authorizations[0] (they differ in a Slack Connect channel another workspace started).
 */
export function mentionEvent(
  text: string,
  o: {
    user?: string;
    team?: string;
    channel?: string;
    ts?: string;
    threadTs?: string;
    userTeam?: string;
    installedTeam?: string;
    /** the Enterprise Grid org of the installation (in authorizations[0] and the envelope) */
    enterprise?: string;
    /** an org-wide install of that org */
    orgWide?: boolean;
  } = {},
) {
  const ts = o.ts ?? `${1_700_000_000 + ++eventSeq}.${String(eventSeq).padStart(6, "0")}`;
  return {
    token: "legacy-verification-token",
    team_id: o.team ?? "T1",
    api_app_id: "A1",
    event: {
      type: "app_mention",
      user: o.user ?? "U1",
      text: `<@UBOT> ${text}`,
      ts,
      ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
      channel: o.channel ?? "C1",
      event_ts: ts,
      ...(o.userTeam ? { user_team: o.userTeam } : {}),
    },
    type: "event_callback",
    event_id: `Ev${String(++eventSeq).padStart(8, "0")}`,
    event_time: Math.floor(Date.now() / 1000),
    ...(o.enterprise ? { enterprise_id: o.enterprise } : {}),
    ...(o.orgWide ? { is_enterprise_install: true } : {}),
    authorizations: [{ enterprise_id: o.enterprise ?? null, team_id: o.installedTeam ?? o.team ?? "T1", user_id: "UBOT", is_bot: true, is_enterprise_install: Boolean(o.orgWide) }],
    is_ext_shared_channel: Boolean(o.userTeam || o.installedTeam),
  };
}

/** A block_actions payload as Slack posts it (form field `payload`). */
/**
 * `team` is the workspace the app acts in; `userTeam` the clicker's own (a Slack Connect guest's
 * differs); `enterprise` the host's Enterprise Grid org.
 */
export function blockAction(
  value: string,
  o: { user?: string; team?: string; userTeam?: string; enterprise?: string; orgWide?: boolean; channel?: string; messageTs?: string; responseUrl: string; ephemeral?: boolean },
) {
  const channel = o.channel ?? `D${o.user ?? "U1"}`;
  const messageTs = o.messageTs ?? "1700000000.000100";
  return {
    type: "block_actions",
    user: { id: o.user ?? "U1", username: "alice", name: "alice", team_id: o.userTeam ?? o.team ?? "T1" },
    api_app_id: "A1",
    token: "legacy-verification-token",
    container: { type: "message", message_ts: messageTs, channel_id: channel, is_ephemeral: Boolean(o.ephemeral) },
    trigger_id: `trig-${++eventSeq}`,
    team: { id: o.team ?? "T1", domain: "example", ...(o.enterprise ? { enterprise_id: o.enterprise } : {}) },
    enterprise: o.enterprise ? { id: o.enterprise, name: "Grid" } : null,
    is_enterprise_install: Boolean(o.orgWide),
    channel: { id: channel, name: channel.startsWith("D") ? "directmessage" : "general" },
    ...(o.ephemeral ? {} : { message: { type: "message", user: "UBOT", ts: messageTs, bot_id: "BBOT", text: "card", blocks: [] } }),
    state: { values: {} },
    response_url: o.responseUrl,
    actions: [
      {
        action_id: "jama:0",
        block_id: "b1",
        text: { type: "plain_text", text: "button", emoji: true },
        value,
        type: "button",
        action_ts: `${1_700_000_000 + ++eventSeq}.000001`,
      },
    ],
  };
}

/** `team` is the workspace the command was typed in; `enterprise` its Grid org (`orgWide`: installed org-wide). */
export function slashCommand(text: string, o: { user?: string; team?: string; channel?: string; responseUrl: string; command?: string; enterprise?: string; orgWide?: boolean }) {
  const channel = o.channel ?? "C1";
  return new URLSearchParams({
    token: "legacy-verification-token",
    team_id: o.team ?? "T1",
    team_domain: "example",
    channel_id: channel,
    channel_name: channel.startsWith("D") ? "directmessage" : "general",
    user_id: o.user ?? "U1",
    user_name: "alice",
    command: o.command ?? "/jama",
    text,
    api_app_id: "A1",
    is_enterprise_install: String(Boolean(o.orgWide)),
    ...(o.enterprise ? { enterprise_id: o.enterprise, enterprise_name: "grid" } : {}),
    response_url: o.responseUrl,
    trigger_id: `trig-${++eventSeq}`,
  }).toString();
}
