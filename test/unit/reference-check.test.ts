// kb:check against knowledge/reference/items-known.json: numbers, levels and METI criteria of our
// items must agree with the reference, and inline [src:id] citations must name a known source.
import { describe, expect, it } from "vitest";
import { loadRawKnowledge } from "../../src/knowledge/load.ts";
import { checkAgainstReference, citedSourceIds, loadItemsKnown } from "../../src/knowledge/reference-check.ts";
import type { KnownItemEntry } from "../../src/knowledge/schema.ts";

const kb = loadRawKnowledge();
const ref = loadItemsKnown();

describe("knowledge base against the reference data", () => {
  it("agrees as shipped", () => {
    expect(checkAgainstReference(kb, ref)).toEqual([]);
  });

  it("fails on a wrong level, wrong METI criteria, or an unknown number", () => {
    const items = kb.items.map((i) => ({ ...i })) as typeof kb.items;
    const i1 = items.find((i) => i.no === 1) as KnownItemEntry;
    i1.level = 3;
    const i2 = items.find((i) => i.no === 2) as KnownItemEntry;
    i2.meti = ["9-9-9-9"];
    const problems = checkAgainstReference({ ...kb, items }, ref);
    expect(problems.some((p) => p.startsWith("item No.1: Level 3"))).toBe(true);
    expect(problems.some((p) => p.startsWith("item No.2: METI criteria [9-9-9-9]"))).toBe(true);
    const noRef = { ...ref, items: ref.items.filter((r) => r.no !== 1) };
    expect(checkAgainstReference(kb, noRef)).toContain("item No.1: described, but the reference does not know this number");
  });

  it("fails on a text citing a source that does not exist", () => {
    const cited = citedSourceIds([{ where: "faq x", text: "3,240社 [src:jama-fy2024-briefing] と [src:no-such-source]" }]);
    expect(checkAgainstReference(kb, ref, cited)).toEqual(['faq x: cites source "no-such-source", which sources.yaml does not have']);
  });
});
