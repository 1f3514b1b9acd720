// The terminal chat as a user runs it: `npm start` in a child process, driven through stdin.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { until } from "../helpers/wait.ts";
// @ts-expect-error: plain JavaScript (it runs with node alone), no type declarations
import { isFresh } from "../../scripts/build.mjs";

const root = new URL("../../", import.meta.url).pathname;
const tsx = join(root, "node_modules/.bin/tsx");

function run(args: string[], input: string, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "jama-console-"));
  const r = spawnSync(tsx, ["src/main.ts", ...args], {
    cwd: root,
    input,
    encoding: "utf8",
    // generous: a first start on a busy machine (CI runs two test files at once) can be slow
    timeout: 120_000,
    // a clean environment: no Slack, Teams or database settings from the machine
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ...env },
  });
  return { ...r, dataDir };
}

describe("terminal chat", { timeout: 150_000 }, () => {
  it("answers each piped line and exits at the end of input", () => {
    const r = run([], "ヘルプ\nNo.115\nNo.999\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("できること / What I can do");
    expect(r.stdout).toContain("No.115");
    expect(r.stdout).toContain("当方の解釈");
    expect(r.stdout).toContain("No.999 という項目はありません");
    expect(r.stdout).not.toContain("> "); // no prompt when not interactive
    // the embedded database lives under DATA_DIR
    expect(readdirSync(r.dataDir)).toContain("pglite");
  });

  it("`npm start` runs the compiled build (dist/, built first when the sources changed) and answers piped lines", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-console-"));
    const r = spawnSync("npm", ["start", "--silent"], {
      cwd: root,
      input: "No.1\n",
      encoding: "utf8",
      timeout: 240_000, // a build first, when a source was edited since the last one
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
    });
    expect(r.stderr).not.toContain("failed");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("No.1 セキュリティ基本方針の策定");
    // what ran is dist/ as built from the sources as they are now
    expect(existsSync(join(root, "dist/src/main.js"))).toBe(true);
    expect(isFresh(root)).toBe(true);
    // the data files (knowledge/, prisma/migrations) were found from dist/: the database is migrated
    expect(readdirSync(dataDir)).toContain("pglite");
  }, 300_000);

  it("picks a numbered choice when the user types its number", () => {
    const r = run([], "No.115\n2\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("No.116");
  });

  it("opens the terminal chat with --chat (npm run chat) even when Slack is configured", () => {
    const r = run(["--chat"], "No.148\n", { SLACK_BOT_TOKEN: "xoxb-unused", SLACK_SIGNING_SECRET: "unused" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("No.148");
  });

  it("names every invalid variable and exits 1 instead of starting", () => {
    const r = run([], "", { PORT: "abc", SLACK_BOT_TOKEN: "nope" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("PORT");
    expect(r.stderr).toContain("SLACK_BOT_TOKEN");
  });

  // `script` (util-linux) gives the child a real pseudo-terminal; without it this cannot be tried.
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript)("is interactive on a terminal: prompt, answers, /quit (skipped where `script` is missing)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-tty-"));
    // `script` gives the child a real pseudo-terminal, as a user's shell would
    const child = spawn("script", ["-qfec", `${tsx} src/main.ts`, "/dev/null"], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, TERM: "dumb" },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d.toString()));
    // a first start on a busy machine can take a while: wait for the text itself, generously
    const waitFor = (s: string) => until(() => out.includes(s), JSON.stringify(s), 90_000);
    await waitFor("/quit");
    await waitFor("> ");
    child.stdin.write("No.124\r");
    await waitFor("No.124");
    child.stdin.write("/quit\r");
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect(code).toBe(0);
  }, 180_000);
});
