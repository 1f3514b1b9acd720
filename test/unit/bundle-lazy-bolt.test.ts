// The bundle loads Slack's Socket Mode (and its undici) only when Socket Mode is used (issue 12):
// Bolt bundled with the build's plugin (scripts/bundle.mjs), with @slack/socket-mode left as a
// package so that Node's module cache shows whether it was loaded.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript without types
import { BOLT_EDITS, lazySocketMode } from "../../scripts/bundle.mjs";

const root = new URL("../../", import.meta.url).pathname;
// inside the project, so that the bundle's require() finds node_modules
const dir = mkdtempSync(join(root, "dist/.test-lazy-bolt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const socketModeLoaded = () => Object.keys(createRequire(join(root, "package.json")).cache).some((k) => /[\\/]@slack[\\/]socket-mode[\\/]/.test(k));

describe("Bolt in the bundle", () => {
  it("loads Socket Mode on first use of its receiver, not with the App or the HTTP receiver", async () => {
    const esbuild = await import("esbuild");
    writeFileSync(
      join(dir, "entry.ts"),
      `import { App, ExpressReceiver } from "@slack/bolt";
       import * as bolt from "@slack/bolt";
       export const receivers = { App, ExpressReceiver };
       export const socketMode = () => bolt.SocketModeReceiver;`,
    );
    const applied: string[] = [];
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: [join(dir, "entry.ts")],
      outfile: join(dir, "out.mjs"),
      bundle: true,
      format: "esm",
      platform: "node",
      external: ["@slack/socket-mode"],
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      plugins: [lazySocketMode(applied)],
      logLevel: "silent",
    });
    expect(applied.sort()).toEqual(BOLT_EDITS.map((e: { file: string }) => e.file).sort());
    expect(socketModeLoaded()).toBe(false);
    const mod = await import(pathToFileURL(join(dir, "out.mjs")).href);
    expect(typeof mod.receivers.App).toBe("function");
    expect(typeof mod.receivers.ExpressReceiver).toBe("function");
    expect(socketModeLoaded()).toBe(false);
    // once asked for, it is Bolt's receiver as before
    expect(mod.socketMode().name).toMatch(/^SocketModeReceiver/); // (esbuild may number the name)
    expect(socketModeLoaded()).toBe(true);
  });
});
