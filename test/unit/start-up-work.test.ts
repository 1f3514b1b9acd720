// Work start-up leaves out or takes from a cache (issue 12): the knowledge YAML read from the
// build's parsed copy only while a file is unchanged, and the search index built on first use.
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readYamlFile, writeYamlCache } from "../../src/knowledge/yaml-file.ts";
import { LazySearchIndex, SearchIndex } from "../../src/knowledge/search.ts";
import { Knowledge } from "../../src/knowledge/knowledge.ts";
import { KNOWLEDGE_DIR, KnowledgeError, loadRawKnowledge, readValidatedCacheForTest, writeValidatedCache } from "../../src/knowledge/load.ts";

function project() {
  const root = mkdtempSync(join(tmpdir(), "jama-yaml-"));
  mkdirSync(join(root, "knowledge/sub"), { recursive: true });
  writeFileSync(join(root, "knowledge/a.yaml"), "- id: one\n  n: 1\n");
  writeFileSync(join(root, "knowledge/sub/b.yaml"), "title: B\nlist: [x, y]\n");
  writeFileSync(join(root, "knowledge/dated.yaml"), "when: 2026-04-01\n"); // JSON keeps this as text
  writeFileSync(join(root, "knowledge/broken.yaml"), "a: [\n");
  const opts = { root, dir: join(root, "knowledge"), cacheFile: join(root, "cache.json") };
  return { root, opts };
}

describe("the knowledge YAML cache", () => {
  it("gives what parsing gives, from the cache while a file is unchanged and from the file once it changed", () => {
    const { root, opts } = project();
    expect(writeYamlCache(opts)).toBe(3); // the broken file is left to the loader
    const read = (f: string) => readYamlFile(join(root, f), opts);
    expect(read("knowledge/a.yaml")).toEqual([{ id: "one", n: 1 }]);
    expect(read("knowledge/sub/b.yaml")).toEqual({ title: "B", list: ["x", "y"] });
    expect(read("knowledge/dated.yaml")).toEqual({ when: "2026-04-01" });
    // an edit (another size) is read from the file
    writeFileSync(join(root, "knowledge/a.yaml"), "- id: two\n  n: 22\n");
    expect(read("knowledge/a.yaml")).toEqual([{ id: "two", n: 22 }]);
    // the same size with another time too
    writeFileSync(join(root, "knowledge/a.yaml"), "- id: thr\n  n: 33\n");
    utimesSync(join(root, "knowledge/a.yaml"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(read("knowledge/a.yaml")).toEqual([{ id: "thr", n: 33 }]);
    // files not in the cache, and broken ones, behave as parsing does
    expect(() => read("knowledge/broken.yaml")).toThrow();
    writeFileSync(join(root, "knowledge/new.yaml"), "k: v\n");
    expect(read("knowledge/new.yaml")).toEqual({ k: "v" });
  });

  it("serves an unchanged file from the cache, and each reader gets its own copy", () => {
    const { root, opts } = project();
    const cacheFile = join(root, "planted.json");
    const s = statSync(join(root, "knowledge/a.yaml"));
    writeFileSync(cacheFile, JSON.stringify({ "knowledge/a.yaml": { size: s.size, mtimeMs: s.mtimeMs, json: JSON.stringify([{ id: "from-cache" }]) } }));
    const read = () => readYamlFile(join(root, "knowledge/a.yaml"), { ...opts, cacheFile }) as { id: string }[];
    const first = read();
    expect(first).toEqual([{ id: "from-cache" }]);
    first[0].id = "changed by a reader";
    expect(read()).toEqual([{ id: "from-cache" }]);
    // once the file changes, the cache no longer answers for it
    utimesSync(join(root, "knowledge/a.yaml"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(read()).toEqual([{ id: "one", n: 1 }]);
  });

  it("caches every file of the real knowledge base, each read back as parsing it gives", () => {
    const { root } = project();
    const cacheFile = join(root, "kb-cache.json");
    expect(writeYamlCache({ cacheFile })).toBeGreaterThanOrEqual(13);
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, unknown>;
    for (const key of Object.keys(cached)) {
      const file = join(new URL("../../", import.meta.url).pathname, key);
      expect(readYamlFile(file, { cacheFile }), key).toEqual(parse(readFileSync(file, "utf8")));
    }
    expect(Object.keys(cached)).toContain("knowledge/guideline/2.3/items/001-030.yaml");
  });
});

describe("the validated knowledge base kept by the build", () => {
  function copy() {
    const root = mkdtempSync(join(tmpdir(), "jama-kb-"));
    const dir = join(root, "knowledge");
    cpSync(KNOWLEDGE_DIR, dir, { recursive: true });
    return { dir, cacheFile: join(root, "validated.json") };
  }
  const items = (dir: string) => join(dir, "guideline/2.3/items");

  it("gives what validating gives while every file is unchanged, to the bundle that wrote it only", () => {
    const { dir, cacheFile } = copy();
    expect(writeValidatedCache({ dir, cacheFile, buildId: "build-1" })).toBe(true);
    const { official, ...validated } = loadRawKnowledge({ dir });
    expect(official.size).toBe(0);
    expect(readValidatedCacheForTest(dir, cacheFile, "build-1")).toEqual(validated);
    // another bundle (other schemas, perhaps) does not use it
    expect(readValidatedCacheForTest(dir, cacheFile, "build-2")).toBeUndefined();
    // without a build id (tsx, the tests) it is never written
    expect(writeValidatedCache({ dir, cacheFile: join(dir, "none.json") })).toBe(false);
    expect(existsSync(join(dir, "none.json"))).toBe(false);
  });

  it("is not used once a file changed (same size and time too), was added or removed", () => {
    const { dir, cacheFile } = copy();
    const file = join(items(dir), "001-030.yaml");
    const text = readFileSync(file, "utf8");
    expect(writeValidatedCache({ dir, cacheFile, buildId: "b" })).toBe(true);
    const s = statSync(file);
    writeFileSync(file, text.replace("No.", "NO."), "utf8"); // same length
    utimesSync(file, s.atime, s.mtime);
    expect(statSync(file).size).toBe(s.size);
    expect(readValidatedCacheForTest(dir, cacheFile, "b")).toBeUndefined();
    writeFileSync(file, text);
    expect(readValidatedCacheForTest(dir, cacheFile, "b")).toBeDefined();
    writeFileSync(join(items(dir), "999-extra.yaml"), "[]\n");
    expect(readValidatedCacheForTest(dir, cacheFile, "b")).toBeUndefined();
  });

  it("is not written for a knowledge base with problems (a start reports them), and an older one is removed", () => {
    const { dir, cacheFile } = copy();
    expect(writeValidatedCache({ dir, cacheFile, buildId: "b" })).toBe(true);
    appendFileSync(join(items(dir), "001-030.yaml"), "- no: 1\n  status: known\n");
    expect(() => loadRawKnowledge({ dir })).toThrow(KnowledgeError);
    expect(writeValidatedCache({ dir, cacheFile, buildId: "b" })).toBe(false);
    expect(existsSync(cacheFile)).toBe(false);
  });
});

describe("the search index on first use", () => {
  it("is built by the first search or by warm(), once, and answers as the index itself", () => {
    const kb = Knowledge.load();
    let builds = 0;
    const lazy = new LazySearchIndex(() => {
      builds++;
      return new SearchIndex(kb);
    });
    expect(lazy.built).toBe(false);
    expect(builds).toBe(0);
    const q = "バックアップはどのくらいの頻度で取ればいい?";
    expect(lazy.search(q)).toEqual(new SearchIndex(kb).search(q));
    expect(lazy.built).toBe(true);
    lazy.warm();
    lazy.search("パスワード");
    expect(builds).toBe(1);

    const warmed = new LazySearchIndex(() => {
      builds++;
      return new SearchIndex(kb);
    });
    warmed.warm();
    expect(warmed.built).toBe(true);
    warmed.search(q);
    expect(builds).toBe(2);
  });
});
