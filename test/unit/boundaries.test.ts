// The layering rules of DESIGN.md, enforced by reading the sources: intents and domain modules
// never import a platform SDK, adapters never import Prisma, only src/config.ts reads process.env.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;

function files(dir: string): string[] {
  const abs = join(root, dir);
  return readdirSync(abs).flatMap((f) => {
    const p = join(abs, f);
    if (f === "generated" || f === "node_modules") return [];
    return statSync(p).isDirectory() ? files(relative(root, p)) : p.endsWith(".ts") ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, "utf8");
  return [...src.matchAll(/(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
}

const PLATFORM_SDK = /^(@slack\/|botbuilder|botframework-)/;
const DOMAIN = ["intents", "src/core", "src/nlu", "src/knowledge", "src/assessment", "src/booking"];

describe("architecture boundaries", () => {
  it("intents and domain modules do not import Slack or Bot Framework SDKs", () => {
    const offenders = DOMAIN.flatMap((d) => safeFiles(d)).flatMap((f) =>
      imports(f).filter((i) => PLATFORM_SDK.test(i)).map((i) => `${relative(root, f)} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("channel adapters do not import Prisma or the database layer", () => {
    const offenders = safeFiles("src/channels").flatMap((f) =>
      imports(f).filter((i) => /prisma|\/db\//.test(i)).map((i) => `${relative(root, f)} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("only src/config.ts reads process.env", () => {
    const offenders = [...safeFiles("src"), ...safeFiles("intents")].filter(
      (f) => !f.endsWith("src/config.ts") && /process\.env/.test(readFileSync(f, "utf8")),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it("the checks above really find an offending import", () => {
    expect(imports(join(root, "src/channels/slack/slack-channel.ts")).some((i) => PLATFORM_SDK.test(i))).toBe(true);
  });
});

function safeFiles(dir: string): string[] {
  try {
    return files(dir);
  } catch {
    return [];
  }
}
