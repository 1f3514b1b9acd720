// Teams' side of the contract, locally: a small HTTP server standing in for the Bot Connector at
// the activity's serviceUrl (records what the bot posts), builders for real Teams activity shapes,
// and, for authenticated mode, an OpenID metadata + JWKS server with RS256 channel tokens minted
// with node:crypto, the way Bot Framework signs what it sends to a bot.
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";

export const BOT_ID = "28:00000000-0000-0000-0000-00000000b0t1";
export const BOT_NAME = "JAMA Bot";
export const TENANT = "11111111-2222-3333-4444-555555555555";

export interface ConnectorCall {
  kind: "send" | "reply" | "create";
  conversationId?: string;
  replyToId?: string;
  body: Record<string, unknown>;
  authorization?: string;
  at: number;
}

export interface FakeConnector {
  /** serviceUrl for activities, with the trailing slash Teams uses. */
  url: string;
  calls: ConnectorCall[];
  /** Messages posted into conversations (send and reply). */
  posts(): ConnectorCall[];
  waitFor(kind: "post" | "create", n?: number, ms?: number): Promise<ConnectorCall[]>;
  /** The next `times` calls of a kind fail with this HTTP status. */
  failNext(kind: "post" | "create", status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const waiters: { kind: "post" | "create"; n: number; resolve: (c: ConnectorCall[]) => void }[] = [];
  const failures = new Map<string, { status: number; times: number }>();
  let seq = 0;
  const matching = (kind: "post" | "create") => calls.filter((c) => (kind === "create" ? c.kind === "create" : c.kind !== "create"));

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
      } catch {
        return reply(400, { error: { code: "BadSyntax" } });
      }
      const path = (req.url ?? "").split("?")[0];
      const m = /^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?\/?$/.exec(path);
      if (req.method !== "POST" || !m) return reply(404, { error: { code: "NotFound", message: path } });
      const call: ConnectorCall = {
        kind: m[1] ? (m[2] ? "reply" : "send") : "create",
        conversationId: m[1] ? decodeURIComponent(m[1]) : undefined,
        replyToId: m[2] ? decodeURIComponent(m[2]) : undefined,
        body,
        authorization: req.headers.authorization,
        at: Date.now(),
      };
      const failKey = call.kind === "create" ? "create" : "post";
      const fail = failures.get(failKey);
      if (fail && fail.times > 0) {
        fail.times--;
        return reply(fail.status, { error: { code: "BotNotInConversationRoster", message: "The bot is not part of the conversation roster." } });
      }
      calls.push(call);
      for (const w of [...waiters]) {
        const got = matching(w.kind);
        if (got.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(got);
        }
      }
      if (call.kind === "create") return reply(201, { id: `a:personal-${++seq}`, activityId: `act-${seq}` });
      return reply(200, { id: `1700000000${String(++seq).padStart(3, "0")}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    posts: () => matching("post"),
    waitFor(kind, n = 1, ms = 10_000) {
      const got = matching(kind);
      if (got.length >= n) return Promise.resolve(got);
      return new Promise((resolve, reject) => {
        const w = { kind, n, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`timed out waiting for ${n} × ${kind}; got ${calls.map((c) => c.kind).join(", ") || "nothing"}`));
          }
        }, ms);
      });
    },
    failNext(kind, status, times = 1) {
      failures.set(kind, { status, times });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let activitySeq = 0;
const nextId = () => `17${String(Date.now()).slice(-8)}${String(++activitySeq).padStart(3, "0")}`;

export interface Who {
  serviceUrl: string;
  tenant?: string;
  /** AAD object id of the user. */
  aad?: string;
  userId?: string;
  name?: string;
  id?: string;
}

function user(o: Who) {
  const aad = o.aad ?? "aaaaaaaa-0000-0000-0000-000000000001";
  return { id: o.userId ?? `29:1${aad.replace(/-/g, "").slice(0, 20)}`, name: o.name ?? "山田 太郎", aadObjectId: aad };
}

function common(o: Who) {
  const tenant = o.tenant ?? TENANT;
  return {
    id: o.id ?? nextId(),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString().replace("Z", "+09:00"),
    localTimezone: "Asia/Tokyo",
    serviceUrl: o.serviceUrl,
    channelId: "msteams",
    from: user(o),
    recipient: { id: BOT_ID, name: BOT_NAME },
    locale: "ja-JP",
    entities: [{ type: "clientInfo", locale: "ja-JP", country: "JP", platform: "Windows", timezone: "Asia/Tokyo" }],
    tenant,
  };
}

function personalConversation(o: Who, tenant: string) {
  return { conversationType: "personal", tenantId: tenant, id: `a:1personal-${(o.aad ?? "u1").slice(0, 8)}` };
}

/** A message in the personal chat with the bot. */
export function personalMessage(text: string, o: Who) {
  const { tenant, ...c } = common(o);
  return {
    ...c,
    type: "message",
    textFormat: "plain",
    text,
    conversation: personalConversation(o, tenant),
    channelData: { tenant: { id: tenant } },
  };
}

const TEAM = "19:team0000000000000000000000000000@thread.tacv2";
const CHANNEL = "19:chan0000000000000000000000000000@thread.tacv2";

/** An @mention of the bot in a team channel: `<at>` text plus a mention entity. */
export function channelMention(text: string, o: Who & { root?: string }) {
  const { tenant, entities, ...c } = common(o);
  const root = o.root ?? c.id;
  const mention = `<at>${BOT_NAME}</at>`;
  return {
    ...c,
    type: "message",
    textFormat: "plain",
    text: `${mention}${text}`,
    attachments: [{ contentType: "text/html", content: `<div><div><span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">${BOT_NAME}</span>${text}</div></div>` }],
    entities: [{ type: "mention", text: mention, mentioned: { id: BOT_ID, name: BOT_NAME } }, ...entities],
    conversation: { isGroup: true, conversationType: "channel", tenantId: tenant, id: `${CHANNEL};messageid=${root}` },
    channelData: {
      teamsChannelId: CHANNEL,
      teamsTeamId: TEAM,
      channel: { id: CHANNEL },
      team: { id: TEAM },
      tenant: { id: tenant },
    },
  };
}

/** A message in a group chat that mentions the bot. */
export function groupMention(text: string, o: Who) {
  const m = channelMention(text, o);
  const { tenant } = common(o);
  return {
    ...m,
    conversation: { isGroup: true, conversationType: "groupChat", tenantId: tenant, id: "19:meeting_group0000@thread.v2" },
    channelData: { tenant: { id: tenant } },
  };
}

/** What Teams posts when someone presses an Action.Submit button: a message whose value is the data. */
export function submitAction(value: unknown, o: Who & { in?: "personal" | "channel"; replyToId?: string }) {
  const base = o.in === "channel" ? channelMention("", o) : personalMessage("", o);
  const { text: _text, textFormat: _tf, attachments: _a, ...rest } = base as Record<string, unknown>;
  const channelData = (base as { channelData: Record<string, unknown> }).channelData;
  return {
    ...rest,
    entities: (base as { entities: unknown[] }).entities.filter((e) => (e as { type: string }).type !== "mention"),
    replyToId: o.replyToId ?? "1700000000001",
    value,
    channelData: { ...channelData, source: { name: "message" }, legacy: { replyToId: o.replyToId ?? "1700000000001" } },
  };
}

/** An Action.Execute press: invoke adaptiveCard/action. `value` undefined leaves it out. */
export function cardInvoke(value: unknown, o: Who & { in?: "personal" | "channel" }) {
  const base = submitAction({}, o) as Record<string, unknown>;
  const { value: _v, replyToId: _r, ...rest } = base;
  return { ...rest, type: "invoke", name: "adaptiveCard/action", ...(value === undefined ? {} : { value }) };
}

export function executeValue(data: unknown, verb = "jama") {
  return { action: { type: "Action.Execute", id: "act1", verb, data }, trigger: "manual" };
}

/** The bot added to someone's personal scope. */
export function personalInstall(o: Who) {
  const { tenant, ...c } = common(o);
  return {
    ...c,
    type: "conversationUpdate",
    membersAdded: [{ id: BOT_ID }],
    conversation: personalConversation(o, tenant),
    channelData: { tenant: { id: tenant } },
  };
}

export async function postActivity(port: number, activity: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof activity === "string" ? activity : JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** Everything visible in the posted messages (text and card JSON), for "contains / leaks" checks. */
export function visible(call: ConnectorCall): string {
  return JSON.stringify({ text: call.body.text, attachments: call.body.attachments });
}

// ---- authenticated mode: keys, metadata, tokens ----------------------------------------------

export interface TokenIssuer {
  /** OpenID metadata URL for ToBotFromChannelOpenIdMetadataUrl. */
  metadataUrl: string;
  /** A channel token as Bot Framework sends it (claims overridable). */
  token(claims: Record<string, unknown>, o?: { kid?: string; key?: KeyObject; expiresIn?: number }): string;
  /** A key that is not in the JWKS (forged tokens). */
  foreignKey: KeyObject;
  close(): Promise<void>;
}

const b64url = (v: Buffer | string) => Buffer.from(v).toString("base64url");

export async function startTokenIssuer(endorsements = ["msteams"]): Promise<TokenIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const foreign = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const kid = `test-${randomUUID()}`;
  const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  let base = "";
  const server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/v1/.well-known/openidconfiguration")
      return void res.end(JSON.stringify({ issuer: "https://api.botframework.com", jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ["RS256"] }));
    if (req.url === "/v1/.well-known/keys")
      return void res.end(JSON.stringify({ keys: [{ kty: "RSA", use: "sig", kid, n: jwk.n, e: jwk.e, endorsements }] }));
    res.statusCode = 404;
    res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    metadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    foreignKey: foreign,
    token(claims, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: "RS256", typ: "JWT", kid: o.kid ?? kid };
      const payload = { iss: "https://api.botframework.com", nbf: now - 60, exp: now + (o.expiresIn ?? 3600), ...claims };
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
      const sig = createSign("RSA-SHA256").update(input).sign(o.key ?? privateKey);
      return `${input}.${b64url(sig)}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}


/**
 * installationUpdate as Teams posts it when the app is added or removed: in a personal scope, a
 * team (the conversation is the channel it was added from; channelData names the team) or a group chat.
 */
export function installationUpdate(action: "add" | "remove" | "add-upgrade" | "remove-upgrade", o: Who & { in?: "personal" | "team" | "groupChat" }) {
  const { tenant, ...c } = common(o);
  const where = o.in ?? "personal";
  const conversation =
    where === "personal"
      ? personalConversation(o, tenant)
      : where === "team"
        ? { isGroup: true, conversationType: "channel", tenantId: tenant, id: TEAM }
        : { isGroup: true, conversationType: "groupChat", tenantId: tenant, id: "19:meeting_group0000@thread.v2" };
  return {
    ...c,
    type: "installationUpdate",
    action,
    conversation,
    channelData:
      where === "team"
        ? { settings: { selectedChannel: { id: TEAM } }, channel: { id: TEAM }, team: { id: TEAM, name: "品質保証部", aadGroupId: "bbbbbbbb-0000-0000-0000-000000000001" }, tenant: { id: tenant }, source: { name: "message" } }
        : { tenant: { id: tenant }, source: { name: "message" } },
  };
}

/** conversationUpdate: the bot added to or removed from a team (teamMemberAdded / teamMemberRemoved). */
export function teamMembership(change: "added" | "removed", o: Who) {
  const { tenant, ...c } = common(o);
  return {
    ...c,
    type: "conversationUpdate",
    ...(change === "added" ? { membersAdded: [{ id: BOT_ID }] } : { membersRemoved: [{ id: BOT_ID }] }),
    conversation: { isGroup: true, conversationType: "channel", tenantId: tenant, id: TEAM },
    channelData: { team: { id: TEAM, name: "品質保証部", aadGroupId: "bbbbbbbb-0000-0000-0000-000000000001" }, eventType: change === "added" ? "teamMemberAdded" : "teamMemberRemoved", tenant: { id: tenant } },
  };
}

export const TEAM_ID = TEAM;
