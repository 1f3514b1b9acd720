// Turn latency through the Slack HTTP path: a signed Events API request into the real server,
// until the reply reaches the local Web API stand-in. A real intent and the echo baseline run on
// the same stack in the same process, interleaved, so machine noise hits both alike.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/core/logger.ts";
import { startServer } from "../src/server.ts";
import { BOT_TOKEN, SIGNING_SECRET, dmEvent, sign, startFakeSlack } from "../test/helpers/slack.ts";
import { echo } from "./echo-intent.ts";
import { percentile, round } from "./stats.ts";

export interface TurnFigures {
  n: number;
  real: { intent: string; p50_ms: number; p99_ms: number };
  echo: { p50_ms: number; p99_ms: number };
  ratio_p50: number;
  ratio_p99: number;
}

export async function measureSlackTurns(n = 200, realText = "No.115", realIntent = "show_item"): Promise<TurnFigures> {
  const slack = await startFakeSlack();
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: mkdtempSync(join(tmpdir(), "jama-bench-")),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
  });
  const app = await createApp(config, { log: createLogger("error"), extraIntents: [echo] });
  const server = await startServer(app, { port: 0 });
  const url = `http://127.0.0.1:${server.port}/slack/events`;
  const one = async (text: string, user: string) => {
    const before = slack.calls.filter((c) => c.method === "chat.postMessage").length;
    const body = JSON.stringify(dmEvent(text, { user }));
    const started = performance.now();
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...sign(body) }, body });
    await res.arrayBuffer();
    await slack.waitFor("chat.postMessage", before + 1, 30_000);
    return performance.now() - started;
  };
  try {
    // warm-up: first contact creates the organisation and users, JIT settles
    for (let i = 0; i < 10; i++) {
      await one(realText, "UBENCHR");
      await one("echo warm", "UBENCHE");
    }
    const real: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < n; i++) {
      real.push(await one(realText, "UBENCHR"));
      base.push(await one(`echo ${i}`, "UBENCHE"));
    }
    const r50 = percentile(real, 50), r99 = percentile(real, 99), e50 = percentile(base, 50), e99 = percentile(base, 99);
    return {
      n,
      real: { intent: realIntent, p50_ms: round(r50), p99_ms: round(r99) },
      echo: { p50_ms: round(e50), p99_ms: round(e99) },
      ratio_p50: round(r50 / e50),
      ratio_p99: round(r99 / e99),
    };
  } finally {
    await server.close();
    await app.close();
    await slack.close();
  }
}
