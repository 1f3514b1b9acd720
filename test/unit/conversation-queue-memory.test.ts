// The send queue lives as long as the process: what it keeps per conversation must go once the
// conversation has nothing queued and its pacing time has passed (issue 12: memory over many turns).
import { describe, expect, it } from "vitest";
import { ConversationQueue } from "../../src/delivery/conversation-queue.ts";
import { createLogger } from "../../src/core/logger.ts";

describe("the conversation send queue", () => {
  it("keeps nothing for conversations that are done and whose pacing has passed", async () => {
    const queue = new ConversationQueue({ log: createLogger("silent"), minIntervalMs: 0, classify: () => ({ kind: "permanent" }) });
    const sent: string[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 1_500 }, (_, i) => queue.deliver(`c${i}`, [{ id: `d${i}:text`, run: async () => void sent.push(`c${i}`) }])),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(sent).toHaveLength(1_500);
    await queue.idle();
    await new Promise((r) => setTimeout(r, 0)); // the tails' clean-up runs after they settle
    const kept = queue as unknown as { tails: Map<string, unknown>; nextAt: Map<string, number> };
    expect(kept.tails.size).toBe(0);
    expect(kept.nextAt.size).toBe(0);
  });
});
