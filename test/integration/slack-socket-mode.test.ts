// Slack Socket Mode against a local stand-in for Slack's WebSocket endpoint: the bot asks
// apps.connections.open for the URL, connects, acknowledges envelopes (once their delivery is
// stored, never before), answers once per event even when an envelope is redelivered, and
// reconnects when Slack asks it to.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import { BOT_TOKEN, dmEvent, startFakeSlack, type FakeSlack } from "../helpers/slack.ts";
import { logLines, until } from "../helpers/wait.ts";

describe("Slack Socket Mode", () => {
  let slack: FakeSlack;
  let wss: WebSocketServer;
  let app: TestApp;
  let server: RunningServer;
  const sockets: WebSocket[] = [];
  const acks: string[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((r) => wss.once("listening", r));
    slack.socketUrl = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/link`;
    wss.on("connection", (ws) => {
      sockets.push(ws);
      ws.on("message", (m) => {
        const msg = JSON.parse(m.toString()) as { envelope_id?: string };
        if (msg.envelope_id) acks.push(msg.envelope_id);
      });
      ws.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake", approximate_connection_time: 3600 }, connection_info: { app_id: "A1" } }));
    });
    app = await createTestApp({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: "xapp-1-test", SLACK_API_URL: slack.url });
    server = await startServer(app, { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    for (const s of sockets) s.terminate();
    await new Promise((r) => wss?.close(r));
    await slack?.close();
  });

  const latest = () => sockets[sockets.length - 1];
  const envelope = (id: string, event: unknown, retry = 0) =>
    JSON.stringify({ envelope_id: id, payload: event, type: "events_api", accepts_response_payload: false, retry_attempt: retry, retry_reason: retry ? "timeout" : "" });

  it("connects with the URL from apps.connections.open, acknowledges and answers an event", async () => {
    await until(() => sockets.length === 1, "the socket connection");
    expect(slack.calls.some((c) => c.method === "apps.connections.open")).toBe(true);
    latest().send(envelope("env-1", dmEvent("No.115", { user: "USOCK" })));
    await until(() => acks.includes("env-1"));
    const [post] = await slack.waitFor("chat.postMessage");
    expect(post.args.channel).toBe("DUSOCK");
    expect(String(post.args.text)).toContain("No.115");
  });

  it("answers once when Slack redelivers the same event in a new envelope", async () => {
    const ev = dmEvent("No.124", { user: "UREDEL" });
    latest().send(envelope("env-2", ev));
    latest().send(envelope("env-3", ev, 1));
    await until(() => acks.includes("env-2") && acks.includes("env-3"));
    // done when the second copy was dropped and the first answered
    await until(() => logLines(app.logs, "duplicate delivery dropped", ev.event.ts).length === 1 && slack.calls.some((c) => c.method === "chat.postMessage" && c.args.channel === "DUREDEL"));
    expect(slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === "DUREDEL")).toHaveLength(1);
  });

  it("acknowledges an envelope only once its delivery is stored (a slow store comes first all the same)", async () => {
    const order: string[] = [];
    const accept = app.inbox.accept.bind(app.inbox);
    app.inbox.accept = async (turn, destination) => {
      await new Promise((r) => setTimeout(r, 300)); // a slow database: Bolt's own ack would go first
      const entry = await accept(turn, destination);
      order.push(`stored:${turn.deliveryId}`);
      return entry;
    };
    const seen = acks.length;
    const ev = dmEvent("No.116", { user: "UORDER" });
    latest().send(envelope("env-order", ev));
    await until(() => acks.includes("env-order"), "the acknowledgement");
    order.push(...acks.slice(seen).map((a) => `ack:${a}`));
    app.inbox.accept = accept;
    expect(order).toHaveLength(2);
    expect(order[0]).toMatch(/^stored:/);
    expect(order[1]).toBe("ack:env-order");
    await until(() => slack.calls.some((c) => c.method === "chat.postMessage" && c.args.channel === "DUORDER"), "the answer");
  });

  it("does not acknowledge a delivery it could not store; Slack's redelivery is acknowledged and answered once", async () => {
    const accept = app.inbox.accept.bind(app.inbox);
    let refused = 0;
    app.inbox.accept = async (turn, destination) => {
      if (refused++ === 0) throw new Error("the database is unreachable");
      return accept(turn, destination);
    };
    const ev = dmEvent("No.118", { user: "UNOACK" });
    latest().send(envelope("env-refused", ev));
    await until(() => logLines(app.logs, "delivery not stored: not acknowledged, for Slack to send it again").length > 0, "the refusal");
    expect(acks).not.toContain("env-refused");
    latest().send(envelope("env-again", ev, 1));
    await until(() => acks.includes("env-again"), "the acknowledgement of the redelivery");
    await until(() => slack.calls.some((c) => c.method === "chat.postMessage" && c.args.channel === "DUNOACK"), "the answer");
    await new Promise((r) => setTimeout(r, 500)); // a copy would arrive within this
    expect(slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === "DUNOACK")).toHaveLength(1);
    expect(acks).not.toContain("env-refused");
    app.inbox.accept = accept;
  });

  it("reconnects when Slack sends a disconnect, and keeps answering", async () => {
    const before = sockets.length;
    latest().send(JSON.stringify({ type: "disconnect", reason: "refresh_requested", debug_info: { host: "fake" } }));
    await until(() => sockets.length === before + 1, "the new connection");
    latest().send(envelope("env-4", dmEvent("No.148", { user: "UAFTER" })));
    await until(() => slack.calls.some((c) => c.method === "chat.postMessage" && c.args.channel === "DUAFTER"), "the answer after reconnecting");
  });
});
