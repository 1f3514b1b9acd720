// What Slack's Web API error codes mean for a send, in one list for every sender (the reply
// queue's classifier and the outbox): permanent ones will fail the same way every time (the bot may
// no longer write there, its token is gone, or the message itself is refused), so they are retired
// rather than retried; transient ones are worth another try.

/** The bot may not write there any more, its token is gone, or Slack refuses the message itself. */
export const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "user_not_found",
  "user_disabled",
  "account_inactive",
  "cannot_dm_bot",
  "user_not_visible",
  "team_access_not_granted",
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "missing_scope",
  "invalid_blocks",
  "msg_too_long",
  "no_text",
  "invalid_arguments",
]);

/** Slack's own trouble: try again later. */
export const TRANSIENT_SLACK_ERRORS: ReadonlySet<string> = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"]);
