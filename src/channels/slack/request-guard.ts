// Checks a request to /slack/events can be Slack's before its body is read: a request timestamp
// within five minutes of now either way (Bolt refuses only old ones; one dated in the future could
// be replayed until that time comes), and a body no larger than any event Slack sends. An unsigned
// flood of large posts is refused on its headers, so it cannot fill the memory before the 401s.
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "../../core/logger.ts";

/** Slack's events, commands and interactions are a few kilobytes; 256 KB leaves ample room. */
export const MAX_SLACK_BODY_BYTES = 256 * 1024;
/** Slack's own rule: a request is valid for five minutes around its timestamp. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export function slackRequestGuard(log: Logger, clock: () => number = () => Date.now()) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > MAX_SLACK_BODY_BYTES) {
      log.warn("slack request refused: body too large", { bytes: length });
      res.status(413).end();
      req.resume();
      return;
    }
    const ts = Number(req.headers["x-slack-request-timestamp"]);
    const skew = Number.isFinite(ts) ? Math.abs(Math.floor(clock() / 1000) - ts) : Infinity;
    if (skew > MAX_CLOCK_SKEW_SECONDS) {
      log.warn("slack request refused: timestamp missing or more than 5 minutes away", { skew: Number.isFinite(skew) ? skew : undefined });
      res.status(401).end();
      req.resume();
      return;
    }
    next();
  };
}
