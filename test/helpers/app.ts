// A real App (pipeline, recogniser, intents, knowledge base) on a test database.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { createApp, type App, type AppOptions } from "../../src/app.ts";
import { Knowledge } from "../../src/knowledge/knowledge.ts";
import { createLogger, type Logger } from "../../src/core/logger.ts";
import type { Turn } from "../../src/core/turn.ts";
import { openTestDb, type DbKind } from "./db.ts";

let kb: Knowledge | undefined;
/** The real knowledge base, loaded once per test file. */
export function realKnowledge(): Knowledge {
  kb ??= Knowledge.load();
  return kb;
}

export interface TestApp extends App {
  logs: string[];
}

export async function createTestApp(
  env: Record<string, string> = {},
  opts: AppOptions & { dbKind?: DbKind } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "jama-test-"));
  // The demo sessions are on by default: most booking tests book the seeded 2027 series, Slack and
  // Teams ones too. Tests of a deployment pass SESSIONS_DEMO: "" (derived from the rest) or "0".
  const config = loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, KB_OVERLAY_FILE: join(dataDir, "none.yaml"), SESSIONS_DEMO: "1", ...env });
  const logs: string[] = [];
  const log: Logger = opts.log ?? createLogger("debug", {}, (line) => logs.push(line));
  const db = opts.db ?? (await openTestDb(opts.dbKind ?? "pglite"));
  const app = await createApp(config, { ...opts, log, db, kb: opts.kb ?? realKnowledge() });
  return {
    ...app,
    logs,
    close: async () => {
      await app.close();
      if (!opts.db) await db.close();
    },
  };
}

let seq = 0;
/** A console-like text turn from a given user of a given organisation. */
export function textTurn(text: string, who: { org?: string; user?: string; conversation?: string; platform?: Turn["platform"] } = {}): Turn {
  return {
    platform: who.platform ?? "console",
    deliveryId: `test-${process.pid}-${++seq}`,
    org: { externalKey: who.org ?? "console:test-org" },
    user: { platformUserId: who.user ?? "alice" },
    conversation: { key: who.conversation ?? `console:${who.user ?? "alice"}`, kind: "personal" },
    input: { kind: "text", text },
    // as the Teams adapter says of its channel
    ...(who.platform === "teams" ? { filesAsLinks: true } : {}),
    receivedAt: new Date(),
  };
}

export function actionTurn(intent: string, params: Record<string, unknown>, who: Parameters<typeof textTurn>[1] = {}): Turn {
  return { ...textTurn("", who), input: { kind: "action", action: { intent, params } } };
}
