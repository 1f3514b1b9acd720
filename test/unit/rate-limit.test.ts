import { describe, expect, it } from "vitest";
import { SlidingWindowLimit } from "../../src/core/rate-limit.ts";

describe("SlidingWindowLimit", () => {
  it("allows `max` per window and per key, then again once the window has passed", () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 11, 1) + ms);
    const limit = new SlidingWindowLimit(3, 1000);
    expect([limit.take("a", at(0)), limit.take("a", at(0)), limit.take("a", at(0)), limit.take("a", at(0))]).toEqual([true, true, true, false]);
    expect(limit.take("b", at(0))).toBe(true);
    expect(limit.take("a", at(999))).toBe(false);
    expect(limit.take("a", at(1000))).toBe(true);
  });
});
