// `npm run company:delete`: the CLI itself, on an embedded database. A Teams company's deletion
// takes its tenant's install records with it (TeamsInstallation), and a tenant that has only
// install records (the app added, nobody wrote) is something to delete, not "nothing".
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openMigratedDb } from "../../src/db/client.ts";

const root = new URL("../../", import.meta.url).pathname;

describe("company:delete", () => {
  it("deletes a Teams company with its tenant's install records, and only after --yes", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-company-delete-"));
    const installedAt = new Date("2026-01-01T00:00:00Z");
    const seed = await openMigratedDb({ dataDir });
    try {
      await seed.prisma.organization.create({ data: { externalKey: "teams:TENCLI", platform: "teams", name: "cli-co" } });
      for (const [conversationId, tenantId] of [
        ["a:1personal-cli1", "TENCLI"],
        ["19:clicli@thread.tacv2", "TENCLI"],
        ["a:1personal-only", "TENONLY"],
        ["a:1personal-other", "TENOTHER"],
      ])
        await seed.prisma.teamsInstallation.create({ data: { conversationId, tenantId, scope: "personal", installedAt } });
    } finally {
      await seed.close();
    }
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir };
    const tsx = join(root, "node_modules/.bin/tsx");
    const cli = (...args: string[]) => {
      const r = spawnSync(tsx, ["scripts/company-delete.ts", ...args], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };

    expect(cli("teams:TENCLI")).toContain("2 Teams install record(s)");
    expect(cli("teams:TENCLI", "--yes")).toContain("2 Teams install record(s) removed");
    // install records only: said, and deleted on --yes
    expect(cli("teams:TENONLY")).toContain("1 Teams install record(s)");
    expect(cli("teams:TENONLY", "--yes")).toContain("1 Teams install record(s) removed");
    expect(cli("teams:TENNONE")).toContain("nothing to delete");

    const after = await openMigratedDb({ dataDir });
    try {
      expect(await after.prisma.organization.count({ where: { externalKey: "teams:TENCLI" } })).toBe(0);
      expect((await after.prisma.teamsInstallation.findMany({ select: { tenantId: true } })).map((r) => r.tenantId)).toEqual(["TENOTHER"]);
    } finally {
      await after.close();
    }
  });
});
