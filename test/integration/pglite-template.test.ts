// A new embedded database starts as a copy of the build's migrated template (issue 12: a first
// start without PGlite's initdb), only from a template of the installed PGlite, never over an
// existing database. (Migrations added after the template was made are applied at start-up as on
// any existing database: migrations.test.ts.)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { beforeAll, describe, expect, it } from "vitest";
import { wrapPglite, writePgliteTemplate } from "../../src/db/client.ts";
import { copyTemplate, templateCurrent, usableTemplate } from "../../src/db/pglite-template.ts";
import { migrationsUpToDate } from "../../src/db/migration-state.ts";

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `jama-template-${name}-`));

describe("the template new embedded databases start from", { timeout: 180_000 }, () => {
  let template: string;
  beforeAll(async () => {
    template = join(tmp("made"), "pglite-template");
    await writePgliteTemplate(template);
  }, 240_000);

  it("is a database with every migration applied, and a copy of it opens as one", async () => {
    expect(usableTemplate(template)).toBe(join(template, "pgdata"));
    expect(templateCurrent(template)).toBe(true);
    const target = join(tmp("copy"), "pglite");
    expect(copyTemplate(target, template)).toBe(true);
    // whole: no partial copy left beside it
    expect(readdirSync(join(target, "..")).filter((f) => f.includes("copying"))).toEqual([]);
    const db = wrapPglite(await PGlite.create({ dataDir: target }));
    try {
      expect(await migrationsUpToDate(db.prisma)).toBe(true);
      expect(await db.prisma.organization.count()).toBe(0);
      await db.prisma.organization.create({ data: { externalKey: "console:local", platform: "console" } });
      expect(await db.prisma.organization.count()).toBe(1);
    } finally {
      await db.close();
    }
    // the template itself is left as it was: a second copy is empty again
    const second = join(tmp("second"), "pglite");
    expect(copyTemplate(second, template)).toBe(true);
    const db2 = wrapPglite(await PGlite.create({ dataDir: second }));
    expect(await db2.prisma.organization.count()).toBe(0);
    await db2.close();
  });

  it("is not used by another PGlite version, and never over an existing database", () => {
    const stampFile = join(template, "template-stamp.json");
    const stamp = readFileSync(stampFile, "utf8");
    try {
      writeFileSync(stampFile, JSON.stringify({ ...JSON.parse(stamp), pglite: "0.0.1" }));
      expect(usableTemplate(template)).toBeUndefined();
      expect(copyTemplate(join(tmp("other-version"), "pglite"), template)).toBe(false);
    } finally {
      writeFileSync(stampFile, stamp);
    }
    const existing = join(tmp("existing"), "pglite");
    mkdirSync(existing);
    writeFileSync(join(existing, "PG_VERSION"), "17\n");
    expect(copyTemplate(existing, template)).toBe(false);
    expect(readdirSync(existing)).toEqual(["PG_VERSION"]);
    expect(readdirSync(join(existing, ".."))).toEqual(["pglite"]);
  });
});
