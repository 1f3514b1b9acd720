// Bot Framework authentication for the Teams endpoint. With an app id every inbound activity must
// carry a valid channel JWT (issuer, audience = our app id, signature by an endorsed key,
// serviceurl claim = activity.serviceUrl); without one, botbuilder accepts anything, which is
// only acceptable for the Emulator and tests and is refused in production here as well as in
// config.ts.
import botbuilder from "botbuilder";

const { ConfigurationBotFrameworkAuthentication } = botbuilder;
// botframework-connector's types, reached through botbuilder (it is not a direct dependency).
type BotFrameworkAuthentication = InstanceType<typeof ConfigurationBotFrameworkAuthentication>;
type ServiceClientCredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;

export interface BotAuthenticationOptions {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  appType: string;
  authenticated: boolean;
  production: boolean;
  /**
   * Where the channel's signing keys are published. Default: Bot Framework's public cloud
   * (login.botframework.com). Tests point it at a local server with their own keys.
   */
  openIdMetadataUrl?: string;
  /**
   * Makes the credentials for outbound calls (replies, 1:1 chats, proactive messages). Default:
   * from the app id and password, with tokens from Entra ID. Tests pass a factory that signs with
   * a fixed token, because Entra ID cannot be reached from them.
   */
  credentialsFactory?: ServiceClientCredentialsFactory;
}

/**
 * Bot Framework's public-cloud endpoints (botframework-connector's AuthenticationConstants, which
 * botbuilder does not re-export). Needed when one of them is overridden: as soon as any endpoint
 * option is set, botbuilder stops filling in the others and takes the whole set as given.
 */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: "https://login.microsoftonline.com/botframework.com",
  ToChannelFromBotOAuthScope: "https://api.botframework.com",
  ToBotFromChannelTokenIssuer: "https://api.botframework.com",
  OAuthUrl: "https://api.botframework.com",
  ToBotFromChannelOpenIdMetadataUrl: "https://login.botframework.com/v1/.well-known/openidconfiguration",
  ToBotFromEmulatorOpenIdMetadataUrl: "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
  CallerId: "urn:botframework:azure",
  ValidateAuthority: true,
};

export class TeamsConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TeamsConfigurationError";
  }
}

export function createBotAuthentication(opts: BotAuthenticationOptions): BotFrameworkAuthentication {
  return withoutSdkRetries(createAuthentication(opts));
}

/**
 * The Bot Connector clients botbuilder makes retry on their own (@azure/core-rest-pipeline's
 * defaultRetryPolicy: 5xx, 429, network errors, up to 3 times), and a retried post the Bot
 * Connector had already taken arrives twice. botbuilder passes no retry option through
 * (botbuilder-stdlib's ServiceClientContext), so the policy is taken out of each client's
 * pipeline: the delivery queue (src/delivery) retries instead, paced, with Retry-After and a deadline.
 */
function withoutSdkRetries(auth: BotFrameworkAuthentication): BotFrameworkAuthentication {
  const createFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claims) => {
    const factory = createFactory(claims);
    const create = factory.create.bind(factory);
    factory.create = async (serviceUrl, audience) => {
      const client = await create(serviceUrl, audience);
      const pipeline = (client as unknown as { client?: { pipeline?: { removePolicy(o: { name: string }): unknown } } }).client?.pipeline;
      if (!pipeline) throw new Error("botbuilder's ConnectorClient has no pipeline to take its retries out of (botbuilder changed?)");
      pipeline.removePolicy({ name: SDK_RETRY_POLICY });
      return client;
    };
    return factory;
  };
  return auth;
}

/** @azure/core-rest-pipeline's name for the retry policy every client pipeline gets. */
const SDK_RETRY_POLICY = "defaultRetryPolicy";

function createAuthentication(opts: BotAuthenticationOptions): BotFrameworkAuthentication {
  if (!opts.authenticated || !opts.appId) {
    if (opts.production)
      throw new TeamsConfigurationError(
        "Teams without MICROSOFT_APP_ID would accept unauthenticated requests; set MICROSOFT_APP_ID (and its password/tenant) in production",
      );
    if (opts.authenticated) throw new TeamsConfigurationError("Teams authentication is on but MICROSOFT_APP_ID is empty");
    // No app id: botbuilder skips token validation (anonymous claims) and sends replies unsigned.
    return new ConfigurationBotFrameworkAuthentication({});
  }
  return new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: opts.appId,
      MicrosoftAppPassword: opts.appPassword,
      MicrosoftAppType: opts.appType,
      MicrosoftAppTenantId: opts.tenantId,
      ...(opts.openIdMetadataUrl ? { ...PUBLIC_CLOUD, ToBotFromChannelOpenIdMetadataUrl: opts.openIdMetadataUrl } : {}),
    },
    opts.credentialsFactory,
  );
}

/**
 * The HTTP status for a failed authentication. Token problems are 401 (the JWT library throws its
 * own errors for bad signatures and expiry, botbuilder throws errors with a statusCode for the
 * rest). Failing to load the signing keys is ours, not the caller's: 503, so Bot Service retries.
 */
export function authFailureStatus(err: unknown): { status: 401 | 503; reason: string } {
  const e = err as { name?: string; message?: string; statusCode?: number; code?: string };
  const message = String(e?.message ?? err);
  if (e?.name && ["JsonWebTokenError", "TokenExpiredError", "NotBeforeError"].includes(e.name)) return { status: 401, reason: message };
  if (e?.statusCode === 401 || e?.statusCode === 403) return { status: 401, reason: message };
  if (/Failed to load (openID config|Keys)/i.test(message) || e?.name === "FetchError" || e?.code === "ECONNREFUSED")
    return { status: 503, reason: message };
  return { status: 401, reason: message };
}
