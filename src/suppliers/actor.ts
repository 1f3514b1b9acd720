// Who changes the roll-out, from where and when: always the caller's own organisation (from the
// verified platform identity) and the turn's one clock.
import type { IntentContext } from "../core/intent.ts";
import type { Actor } from "./service.ts";

export function actorOf(ctx: IntentContext): Actor {
  return { userId: ctx.caller.userId, orgId: ctx.caller.orgId, channel: ctx.turn.platform, at: ctx.now };
}
