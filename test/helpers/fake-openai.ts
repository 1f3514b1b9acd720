// An OpenAI-compatible endpoint on localhost: the real `openai` client talks to it over HTTP.
// Each test decides how the "model" answers; every request is recorded.
import { createServer, type Server } from "node:http";

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  tools?: { function: { name: string; parameters: unknown } }[];
}

export type Behaviour =
  | { kind: "text"; text: string | ((req: ChatRequest) => string) }
  | { kind: "tool"; name: string; args: Record<string, unknown> }
  | { kind: "status"; status: number; headers?: Record<string, string> }
  | { kind: "hang"; ms: number };

export interface FakeOpenAI {
  baseUrl: string;
  requests: ChatRequest[];
  /** How the next calls are answered: answers to tool-picking calls and to answer-writing calls can differ. */
  behave(b: { pick?: Behaviour; answer?: Behaviour }): void;
  close(): Promise<void>;
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: ChatRequest[] = [];
  let pick: Behaviour = { kind: "text", text: "" };
  let answer: Behaviour = { kind: "text", text: "" };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", async () => {
      const body = JSON.parse(raw || "{}") as ChatRequest;
      requests.push(body);
      const b = body.tools?.length ? pick : answer;
      if (b.kind === "hang") {
        await new Promise((r) => setTimeout(r, b.ms));
        if (!res.writableEnded) res.end();
        return;
      }
      if (b.kind === "status") {
        res.writeHead(b.status, { "content-type": "application/json", ...(b.headers ?? {}) });
        res.end(JSON.stringify({ error: { message: "fake failure", type: "server_error" } }));
        return;
      }
      const message =
        b.kind === "tool"
          ? {
              role: "assistant",
              content: null,
              tool_calls: [{ id: "call_1", type: "function", function: { name: b.name, arguments: JSON.stringify(b.args) } }],
            }
          : { role: "assistant", content: typeof b.text === "function" ? b.text(body) : b.text };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message, finish_reason: b.kind === "tool" ? "tool_calls" : "stop" }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    behave(b) {
      if (b.pick) pick = b.pick;
      if (b.answer) answer = b.answer;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}
