import { describe, expect, it } from "vitest";
import { SlidingWindowLimit } from "../../src/core/rate-limit.ts";

describe("SlidingWindowLimit", () => {
  it("allows `max` per window and per key, then again once the window has passed", () => {
    let t = 0;
    const limit = new SlidingWindowLimit(3, 1000, () => t);
    expect([limit.take("a"), limit.take("a"), limit.take("a"), limit.take("a")]).toEqual([true, true, true, false]);
    expect(limit.take("b")).toBe(true);
    t = 999;
    expect(limit.take("a")).toBe(false);
    t = 1000;
    expect(limit.take("a")).toBe(true);
  });
});
