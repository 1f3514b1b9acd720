// `npm start` runs the compiled build only when it was built from the sources as they are now
// (scripts/build.mjs): an edit, a new or a deleted file, a changed tsconfig make it build first.
// Tried on a small project in a temporary directory, with a stand-in compiler that counts its runs.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript (it runs with node alone), no type declarations
import { ensureBuilt, isFresh, staleParts } from "../../scripts/build.mjs";

function project() {
  const root = mkdtempSync(join(tmpdir(), "jama-build-"));
  mkdirSync(join(root, "src/core"), { recursive: true });
  mkdirSync(join(root, "intents"));
  writeFileSync(join(root, "src/main.ts"), "export {};\n");
  writeFileSync(join(root, "src/core/a.ts"), "export const a = 1;\n");
  writeFileSync(join(root, "intents/x.ts"), "export const x = 1;\n");
  writeFileSync(join(root, "tsconfig.build.json"), "{}\n");
  mkdirSync(join(root, "knowledge"));
  writeFileSync(join(root, "knowledge/faq.yaml"), "[]\n");
  mkdirSync(join(root, "prisma/migrations/0001_init"), { recursive: true });
  writeFileSync(join(root, "prisma/migrations/0001_init/migration.sql"), "CREATE TABLE t (id int);\n");
  // stand-ins for the compiler, the knowledge cache and the template, counting their runs
  const runs = { n: 0, ok: true, parts: [] as string[] };
  const builder = (part: string) => async () => {
    runs.parts.push(part);
    if (part === "code") runs.n++;
    return part === "code" ? runs.ok : true;
  };
  const builders = { code: builder("code"), knowledge: builder("knowledge"), template: builder("template") };
  const build = () => ensureBuilt({ root, quiet: true, builders });
  return { root, runs, build, builders };
}

describe("the compiled build", () => {
  it("builds when there is none, then not again while the sources stay the same", async () => {
    const { root, runs, build } = project();
    expect(isFresh(root)).toBe(false);
    expect(await build()).toBe("built");
    expect(isFresh(root)).toBe(true);
    expect(await build()).toBe("fresh");
    expect(runs.n).toBe(1);
  });

  it("builds again after an edit, a new file, a deleted file or a changed tsconfig", async () => {
    const { root, runs, build } = project();
    await build();
    const changes: [string, () => void][] = [
      ["an edit", () => writeFileSync(join(root, "src/core/a.ts"), "export const a = 2;\n")],
      // the same size with an older time, as a checkout of an older version can leave it
      ["an edit dated earlier", () => utimesSync(join(root, "src/core/a.ts"), new Date(2020, 0, 1), new Date(2020, 0, 1))],
      ["a new file", () => writeFileSync(join(root, "intents/y.tsx"), "export const y = 1;\n")],
      ["a deleted file", () => rmSync(join(root, "intents/x.ts"))],
      ["a changed tsconfig", () => writeFileSync(join(root, "tsconfig.build.json"), '{"compilerOptions":{}}\n')],
    ];
    for (const [what, change] of changes) {
      change();
      expect(isFresh(root), what).toBe(false);
      expect(await build(), what).toBe("built");
      expect(isFresh(root), what).toBe(true);
    }
    expect(runs.n).toBe(1 + changes.length);
    // files other than TypeScript sources do not count
    writeFileSync(join(root, "src/notes.md"), "x\n");
    expect(await build()).toBe("fresh");
  });

  it("rebuilds only the part whose inputs changed: the knowledge cache after a YAML edit, the template after a new migration", async () => {
    const { root, runs, build } = project();
    await build();
    expect(runs.parts).toEqual(["code", "knowledge", "template"]);
    runs.parts = [];
    writeFileSync(join(root, "knowledge/faq.yaml"), "[] # edited\n");
    expect(staleParts(root)).toEqual(["knowledge"]);
    expect(await build()).toBe("built");
    expect(runs.parts).toEqual(["knowledge"]);
    runs.parts = [];
    mkdirSync(join(root, "prisma/migrations/0002_more"));
    writeFileSync(join(root, "prisma/migrations/0002_more/migration.sql"), "ALTER TABLE t ADD x int;\n");
    expect(await build()).toBe("built");
    expect(runs.parts).toEqual(["template"]);
    runs.parts = [];
    // new code: compiled, and the knowledge cache made again by it
    writeFileSync(join(root, "src/main.ts"), "export const v = 2;\n");
    expect(await build()).toBe("built");
    expect(runs.parts).toEqual(["code", "knowledge"]);
    expect(isFresh(root)).toBe(true);
  });

  it("a failed build is never taken for a fresh one", async () => {
    const { root, runs, build } = project();
    await build();
    writeFileSync(join(root, "src/main.ts"), "export const broken: number = 'x';\n");
    runs.ok = false;
    await expect(build()).rejects.toThrow(/build failed/);
    expect(isFresh(root)).toBe(false);
    await expect(build()).rejects.toThrow(/build failed/);
    expect(runs.n).toBe(3);
    runs.ok = true;
    expect(await build()).toBe("built");
  });

  it("two starts at once build once: the second waits for the first's build and finds it fresh", async () => {
    const { root, runs, build } = project();
    // another process builds, with a compiler that takes a while
    const script = `
      import { ensureBuilt } from ${JSON.stringify(new URL("../../scripts/build.mjs", import.meta.url).href)};
      const slow = async () => { const t = Date.now() + 1500; while (Date.now() < t); return true; };
      await ensureBuilt({ root: ${JSON.stringify(root)}, quiet: true, builders: { code: slow, knowledge: slow, template: slow } });
    `;
    const other = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "inherit" });
    const otherDone = new Promise<number | null>((r) => other.on("exit", r));
    for (let i = 0; i < 200 && !existsSync(join(root, "dist/.build.lock")); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(join(root, "dist/.build.lock")), "the other process holds the build lock").toBe(true);
    expect(await build()).toBe("fresh");
    expect(runs.n).toBe(0);
    expect(await otherDone).toBe(0);
  });

  it("takes over the lock left by a build that crashed", async () => {
    const { root, build } = project();
    mkdirSync(join(root, "dist"), { recursive: true });
    writeFileSync(join(root, "dist/.build.lock"), "999999999"); // no such process
    expect(await build()).toBe("built");
  });
});
