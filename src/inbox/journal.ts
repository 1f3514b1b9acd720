// Delivery steps recorded in the inbox entry: a step already done is not sent again after a
// restart, and one that was started but not recorded as done (the process died while sending it)
// is checked first where the platform lets us (ConversationQueue's `check`).
import type { DeliveryStep } from "../delivery/conversation-queue.ts";
import type { StepJournal } from "./types.ts";

export function journaled(steps: DeliveryStep[], journal: StepJournal): DeliveryStep[] {
  return steps
    .filter((s) => journal.state(s.id) !== "done")
    .map((s) => ({
      ...s,
      uncertain: s.uncertain || journal.state(s.id) === "started",
      run: async () => {
        if (journal.state(s.id) !== "started") await journal.started(s.id);
        await s.run();
        await journal.done(s.id);
      },
    }));
}
