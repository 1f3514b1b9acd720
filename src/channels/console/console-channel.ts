// The terminal chat: interactive with a prompt when stdin is a terminal, or one answer per input
// line when it is not (so `printf 'ヘルプ\nNo.115\n' | npm start --silent` works in scripts).
import { createInterface } from "node:readline";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import type { Readable, Writable } from "node:stream";
import type { ActionRef, Turn } from "../../core/turn.ts";
import { conversationKey } from "../../core/turn.ts";
import type { Reply } from "../../core/reply.ts";
import { renderText } from "./render-text.ts";

export interface ConsoleChannelOptions {
  handle: (turn: Turn) => Promise<{ reply: Reply } | null>;
  input: Readable & { isTTY?: boolean };
  output: Writable;
  /** where files (exports, calendar invites) are written */
  filesDir: string;
  user?: string;
}

const WELCOME =
  "自工会/部工会ガイドライン チェックシート アシスタント(ターミナル版)。「ヘルプ」で使い方、/quit で終了。\n" +
  "JAMA/JAPIA check-sheet assistant (terminal). Type \"help\" for what I can do, /quit to leave.";

export async function runConsole(opts: ConsoleChannelOptions): Promise<void> {
  const interactive = Boolean(opts.input.isTTY);
  const user = opts.user ?? safeUserName();
  let choices: ActionRef[] = [];
  let seq = 0;
  const sitting = randomUUID();
  const write = (s: string) => opts.output.write(s.endsWith("\n") ? s : s + "\n");

  const turnFor = (input: Turn["input"]): Turn => ({
    platform: "console",
    deliveryId: undefined,
    org: { externalKey: "console:local", name: "ローカル / Local" },
    user: { platformUserId: user, name: user },
    conversation: {
      key: conversationKey("console", "local"),
      kind: "personal",
      // each run of the chat is a sitting: a question left open by the last run is not a trap
      session: sitting,
      // where reminders and waitlist promotions reach this user later (see consoleSender)
      reference: { key: `console:${user}`, data: { user } },
    },
    input,
    receivedAt: new Date(),
  });

  const answer = async (line: string) => {
    const trimmed = line.trim();
    if (!trimmed) return;
    const n = /^\d{1,2}$/.test(trimmed) && choices.length ? Number(trimmed) : NaN;
    // A bare number picks a numbered choice when there are choices on screen; "115" is still an
    // item number when the last reply offered fewer choices.
    const input: Turn["input"] =
      n >= 1 && n <= choices.length ? { kind: "action", action: choices[n - 1] } : { kind: "text", text: trimmed };
    const turn = turnFor(input);
    const result = await opts.handle(turn);
    if (!result) return;
    const rendered = renderText(result.reply);
    choices = rendered.choices;
    const out = [rendered.text];
    for (const f of rendered.files) {
      mkdirSync(opts.filesDir, { recursive: true });
      const path = join(opts.filesDir, `${turn.receivedAt.getTime()}-${++seq}-${f.name}`);
      writeFileSync(path, f.data);
      out.push(`📎 ${path}`);
    }
    write(out.join("\n") + (interactive ? "\n" : ""));
  };

  const rl = createInterface({ input: opts.input, output: interactive ? opts.output : undefined, terminal: interactive });
  if (interactive) {
    write(WELCOME + "\n");
    rl.setPrompt("> ");
    rl.prompt();
  }
  // Lines are answered strictly in order, even when they arrive faster than the answers.
  let queue = Promise.resolve();
  let closed = false;
  await new Promise<void>((resolve) => {
    rl.on("line", (line) => {
      if (/^\/(quit|exit|q)$/i.test(line.trim())) {
        rl.close();
        return;
      }
      queue = queue.then(() => answer(line)).then(() => {
        // a prompt after /quit (typed while this line was being answered) would resume reading
        // the terminal and keep the process from ending
        if (interactive && !closed) rl.prompt();
      });
    });
    rl.on("close", () => (closed = true));
    rl.on("close", () => queue.then(() => resolve()));
  });
}

/**
 * Proactive messages (reminders, waitlist promotion) in the terminal: printed where the chat is,
 * files saved like those of ordinary answers. There is one local user, so the reference is not needed.
 */
export function consoleSender(output: Writable, filesDir: string): (ref: unknown, reply: Reply) => Promise<void> {
  // a notice has no turn to take a time from: a run id keeps its files apart from other runs'
  const run = randomUUID().slice(0, 8);
  let seq = 0;
  return async (_ref, reply) => {
    const rendered = renderText(reply);
    const out = [`🔔 ${rendered.text}`];
    for (const f of rendered.files) {
      mkdirSync(filesDir, { recursive: true });
      const path = join(filesDir, `notice-${run}-${++seq}-${f.name}`);
      writeFileSync(path, f.data);
      out.push(`📎 ${path}`);
    }
    output.write("\n" + out.join("\n") + "\n");
  };
}

function safeUserName(): string {
  try {
    return userInfo().username || "local-user";
  } catch {
    return "local-user";
  }
}
