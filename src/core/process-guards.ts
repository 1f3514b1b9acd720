// A promise rejected with nobody listening (a library's background call, a fire-and-forget
// send) must not end the process and every other turn with it: Node's default is to crash. It is
// logged as an error instead; the turn it belonged to is retried from the inbox or outbox.
import type { Logger } from "./logger.ts";

export function installProcessGuards(log: Logger): () => void {
  const onRejection = (reason: unknown) => {
    log.error("unhandled rejection (logged, not fatal)", { err: reason instanceof Error ? reason : new Error(String(reason)) });
  };
  process.on("unhandledRejection", onRejection);
  return () => void process.off("unhandledRejection", onRejection);
}
