// The operator's import as run from a shell: `npm run sheet:import -- <org key> <file> --yes`
// against the same embedded database the terminal chat uses, then the chat shows the imported
// answers and their audit trail.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const tsx = join(root, "node_modules/.bin/tsx");

function run(args: string[], input: string, dataDir: string) {
  return spawnSync(tsx, args, {
    cwd: root,
    input,
    encoding: "utf8",
    timeout: 90_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
  });
}

describe("npm run sheet:import", () => {
  it("previews, applies with --yes as import events, and refuses an unknown organisation", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-sheet-import-"));
    const chat1 = run(["src/main.ts"], "No.1は未達成\n", dataDir);
    expect(chat1.status).toBe(0);
    const file = join(dataDir, "filled.csv");
    writeFileSync(file, "\uFEFFNo.,回答,メモ\r\n1,○,規程あり\r\n2,×,\r\n3,たぶん,\r\n");

    const unknown = run(["scripts/sheet-import.ts", "slack:TNOPE", file, "--yes"], "", dataDir);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No organisation "slack:TNOPE"');

    const r = run(["scripts/sheet-import.ts", "console:local", file, "--yes"], "", dataDir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("2件を更新します: 達成 1, 未達成 1(うち今年度の回答を上書き 1件)");
    expect(r.stdout).toContain("4行目: 回答「たぶん」が読み取れません(取り込みません)");
    expect(r.stdout).toContain("2件を取り込みました");

    // without --yes and without a "y", nothing is applied
    writeFileSync(file, "No.,回答\n5,達成\n");
    const no = run(["scripts/sheet-import.ts", "console:local", file], "n\n", dataDir);
    expect(no.stdout).toContain("何も変更していません");

    const chat2 = run(["src/main.ts"], "No.1の履歴\nNo.5\n", dataDir);
    expect(chat2.stdout).toMatch(/\(運用者\): 未達成 → 達成 \/ メモ: 規程あり — インポート \/ Script/);
    expect(chat2.stdout).not.toContain("貴社の回答");
  }, 240_000);
});
