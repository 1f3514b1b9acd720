// The launch-day line in front of seat transactions: per session one at a time and in order,
// a bounded number at once, and a failure never blocks the people behind it.
import { describe, expect, it } from "vitest";
import { Gate, SeatQueue } from "../../src/booking/seat-queue.ts";

const tick = () => new Promise((r) => setImmediate(r));

describe("seat queue", () => {
  it("runs at most `limit` at once, first come first served", async () => {
    const gate = new Gate(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const jobs = Array.from({ length: 6 }, (_, i) =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise<void>((r) => releases.push(r));
        running--;
      }),
    );
    await tick();
    expect(order).toEqual([0, 1]);
    expect(gate.queued).toBe(4);
    while (releases.length) {
      releases.shift()!();
      await tick();
      await tick();
    }
    await Promise.all(jobs);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("serialises one session, runs sessions side by side, and lets a failure pass", async () => {
    const q = new SeatQueue({ concurrency: 4 });
    const log: string[] = [];
    const job = (key: number, name: string, fail = false) =>
      q.run(key, async () => {
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const a1 = job(1, "a1", true);
    const a2 = job(1, "a2");
    const b1 = job(2, "b1");
    await expect(a1).rejects.toThrow("a1");
    expect(await a2).toBe("a2");
    expect(await b1).toBe("b1");
    // a2 starts only after a1 ended; b1 ran beside a1
    expect(log.indexOf("start a2")).toBeGreaterThan(log.indexOf("end a1"));
    expect(log.indexOf("start b1")).toBeLessThan(log.indexOf("end a1"));
  });
});
