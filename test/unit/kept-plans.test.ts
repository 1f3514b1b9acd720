// Statements whose plan PostgreSQL keeps (db/client.ts): named by their marker, and each name used
// by one statement only (pg refuses a name prepared for another text on the same connection).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keptPlanName } from "../../src/db/client.ts";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "generated" ? [] : sources(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

describe("kept plans", () => {
  it("names a statement by the marker it begins with, and no other", () => {
    expect(keptPlanName({ sql: "\n  /* kept plan: progress_statuses */ SELECT 1" })).toBe("progress_statuses");
    expect(keptPlanName({ sql: "SELECT 1 /* kept plan: progress_statuses */" })).toBe("");
    expect(keptPlanName({ sql: 'SELECT "id" FROM "Answer" WHERE "id" = $1' })).toBe("");
  });

  it("gives each kept statement a name of its own", () => {
    const names = ["src", "intents"].flatMap((d) => sources(d)).flatMap((f) => [...readFileSync(f, "utf8").matchAll(/\/\* kept plan: ([a-z_]+) \*\//g)].map((m) => m[1]));
    expect(names).toContain("progress_statuses");
    expect(new Set(names).size).toBe(names.length);
  });
});
