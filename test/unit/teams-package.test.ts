// The Teams app package: three files at the archive root, placeholders filled, valid icons.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { buildTeamsPackage, fillManifest, PackageError } from "../../scripts/teams-package.ts";

const APP_ID = "5b0c7a4e-1d2f-4c3b-9a8e-7f6d5c4b3a21";
const config = (env: Record<string, string>) => loadConfig({ NODE_ENV: "test", ...env });
const configured = () =>
  config({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: "pw", MICROSOFT_APP_TENANT_ID: "t", PUBLIC_BASE_URL: "https://bot.example.co.jp/" });

function pngSize(buf: Buffer): [number, number] {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

describe("Teams app package", () => {
  it("zips manifest.json and the two icons at the root with the app id filled in", async () => {
    const out = await buildTeamsPackage(configured(), { out: join(mkdtempSync(join(tmpdir(), "teams-pkg-")), "app.zip") });
    const zip = await JSZip.loadAsync(readFileSync(out));
    expect(Object.keys(zip.files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const text = await zip.file("manifest.json")!.async("string");
    expect(text).not.toContain("${{");
    const manifest = JSON.parse(text);
    expect(manifest.manifestVersion).toBe("1.17");
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0].botId).toBe(APP_ID);
    expect(manifest.bots[0].scopes).toEqual(["personal", "team", "groupChat"]);
    expect(manifest.bots[0].commandLists[0].commands.length).toBeGreaterThan(2);
    expect(manifest.validDomains).toEqual(["bot.example.co.jp"]);
    expect(manifest.developer.privacyUrl).toBe("https://bot.example.co.jp");
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pngSize(await zip.file("color.png")!.async("nodebuffer"))).toEqual([192, 192]);
    expect(pngSize(await zip.file("outline.png")!.async("nodebuffer"))).toEqual([32, 32]);
  });

  it("keeps the manifest within Teams' field limits", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../appPackage/manifest.json", import.meta.url), "utf8"));
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.name.full.length).toBeLessThanOrEqual(100);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    for (const c of manifest.bots[0].commandLists[0].commands) {
      expect(c.title.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(128);
    }
    // v1.17 schema: at most 3 command lists of at most 10 commands, scopes among the bot's own;
    // files need the personal scope; required fields present
    const bot = manifest.bots[0];
    expect(bot.commandLists.length).toBeLessThanOrEqual(3);
    for (const list of bot.commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const scope of list.scopes) expect(bot.scopes).toContain(scope);
    }
    if (bot.supportsFiles) expect(bot.scopes).toContain("personal");
    for (const field of ["manifestVersion", "version", "id", "developer", "name", "description", "icons", "accentColor"]) expect(manifest).toHaveProperty([field]);
    expect(manifest.accentColor).toMatch(/^#[0-9a-fA-F]{6}$/);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
    expect(manifest.validDomains.length).toBeLessThanOrEqual(16);
  });

  it("names every missing setting instead of building a broken package", () => {
    const template = readFileSync(new URL("../../appPackage/manifest.json", import.meta.url), "utf8");
    expect(() => fillManifest(template, config({}), "1.0.0")).toThrow(PackageError);
    expect(() => fillManifest(template, config({}), "1.0.0")).toThrow(/MICROSOFT_APP_ID[\s\S]*PUBLIC_BASE_URL/);
    expect(() =>
      fillManifest(template, config({ MICROSOFT_APP_ID: "not-a-guid", MICROSOFT_APP_PASSWORD: "pw", MICROSOFT_APP_TENANT_ID: "t", PUBLIC_BASE_URL: "http://x.example" }), "1.0.0"),
    ).toThrow(/GUID[\s\S]*https/);
    expect(() => fillManifest('{"a":"${{SOMETHING_ELSE}}"}', configured(), "1.0.0")).toThrow(/unknown placeholder/);
  });
});
