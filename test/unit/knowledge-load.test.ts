// The knowledge base is validated as a whole: kb:check and start-up fail, naming each problem.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KNOWLEDGE_DIR, KnowledgeError, loadRawKnowledge } from "../../src/knowledge/load.ts";
import { Knowledge } from "../../src/knowledge/knowledge.ts";

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), "kb-"));
  cpSync(KNOWLEDGE_DIR, dir, { recursive: true });
  return dir;
}

function edit(dir: string, rel: string, f: (s: string) => string) {
  const p = join(dir, rel);
  writeFileSync(p, f(readFileSync(p, "utf8")));
}

function problems(dir: string): string[] {
  try {
    loadRawKnowledge({ dir });
  } catch (e) {
    expect(e).toBeInstanceOf(KnowledgeError);
    return (e as KnowledgeError).problems;
  }
  return [];
}

describe("knowledge base", () => {
  const kb = Knowledge.load();

  it("has every item No.1 to No.153 of v2.3, 95 described and 58 honestly not", () => {
    expect(kb.items().map((i) => i.no)).toEqual(Array.from({ length: 153 }, (_, i) => i + 1));
    expect(kb.items().filter((i) => i.status === "known")).toHaveLength(95);
    for (const i of kb.items().filter((i) => i.status === "unknown")) {
      expect(i.level, `No.${i.no}`).toBeUndefined();
      expect(i.entry).toBeUndefined();
    }
  });

  it("marks what counts as achieved as our reading, in both languages", () => {
    for (const i of kb.items().filter((i) => i.entry)) {
      expect(i.entry!.achieved_when.ja.startsWith("当方の解釈"), `No.${i.no}`).toBe(true);
      expect(i.entry!.achieved_when.en.startsWith("Our reading"), `No.${i.no}`).toBe(true);
    }
  });

  it("has the levels' item counts, FAQ and a glossary of at least 40 terms", () => {
    expect(kb.meta.levels.map((l) => l.items)).toEqual([50, 74, 29]);
    expect(kb.faq.length).toBeGreaterThanOrEqual(20);
    expect(kb.glossary.length).toBeGreaterThanOrEqual(40);
  });

  it("the real knowledge base loads without problems", () => {
    expect(problems(KNOWLEDGE_DIR)).toEqual([]);
  });

  it("fails on a broken related-item reference, an unknown area, an unknown source", () => {
    const dir = copy();
    edit(dir, "guideline/2.3/items/121-153.yaml", (s) =>
      s.replace("related: [143, 53, 120, 145]", "related: [143, 999]").replace("area: backup-recovery", "area: no-such-area").replace('"meti-sc-2026-03"', '"no-such-source"'),
    );
    const p = problems(dir).join("\n");
    expect(p).toContain("related item No.999 does not exist");
    expect(p).toContain('unknown area "no-such-area"');
    expect(p).toContain('unknown source "no-such-source"');
  });

  it("fails on a duplicate number, a missing number and a bad level", () => {
    const dir = copy();
    edit(dir, "guideline/2.3/items/001-030.yaml", (s) => s.replace("- no: 2\n", "- no: 1\n"));
    edit(dir, "guideline/2.3/items/121-153.yaml", (s) => s.replace(/(- no: 124\n\s+status: known\n\s+)level: 1/, "$1level: 4"));
    const p = problems(dir).join("\n");
    expect(p).toContain("item No.1 appears 2 times");
    expect(p).toContain("item No.2 is missing");
    expect(p).toMatch(/level/);
  });

  it("fails on YAML that does not parse, naming the file", () => {
    const dir = copy();
    edit(dir, "faq.yaml", (s) => s + "\n  - : : broken: [\n");
    expect(problems(dir).join("\n")).toContain("faq.yaml");
  });
});
