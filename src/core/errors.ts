// Errors that carry a polite message for the user. Anything else is a bug: logged in full,
// and the user gets a short apology (never a stack trace).
export class UserFacingError extends Error {
  constructor(
    /** Shown to the user as is (Japanese first, English too). */
    public readonly userMessage: string,
    public readonly code = "user_error",
  ) {
    super(userMessage);
    this.name = "UserFacingError";
  }
}

export const APOLOGY =
  "申し訳ありません、処理中に問題が発生しました。少し時間をおいてもう一度お試しください。\n" +
  "Sorry, something went wrong on our side. Please try again in a moment.";

/**
 * Told once to a person whose message the inbox gave up on after its last attempt (src/inbox):
 * better than silence, since the platform will not send it again.
 */
export const NOT_PROCESSED =
  "申し訳ありません。システムの問題により、お送りいただいたメッセージを処理できませんでした。お手数ですが、もう一度送信してください。\n" +
  "Sorry, a problem on our side meant your message could not be processed. Please send it again.";
