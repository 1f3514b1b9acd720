// The launch-day line in front of seat transactions: per session one at a time and in order,
// a bounded number at once, a failure never blocks the people behind it, and bookings that wait
// for one session are answered together (group commit).
import { describe, expect, it } from "vitest";
import { Gate, SeatQueue, type Settled } from "../../src/booking/seat-queue.ts";

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

  it("gathers the requests that wait for a session into one flush, in arrival order, each with its own answer", async () => {
    const q = new SeatQueue({ concurrency: 4, maxBatch: 3 });
    const flushed: string[][] = [];
    const flush = async (reqs: string[]): Promise<Settled<string>[]> => {
      flushed.push(reqs);
      await tick();
      return reqs.map((r) => (r.startsWith("bad") ? { error: new Error(r) } : { value: r.toUpperCase() }));
    };
    // a batch runs while the next gathers; at most 3 in one
    const first = q.join(1, "a", flush);
    const rest = ["b", "bad1", "c", "d", "e"].map((r) => q.join(1, r, flush));
    const other = q.join(2, "x", flush);
    const settled = await Promise.allSettled([first, ...rest, other]);
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message))).toEqual(["A", "B", "bad1", "C", "D", "E", "X"]);
    // session 2's batch ran beside session 1's
    expect(flushed).toHaveLength(3);
    expect(flushed.filter((b) => b[0] !== "x")).toEqual([["a", "b", "bad1"], ["c", "d", "e"]]);
  });

  it("a transaction of its own closes the open batch: what comes after it waits behind it", async () => {
    const q = new SeatQueue({ concurrency: 1 });
    const log: string[] = [];
    const flush = async (reqs: string[]): Promise<Settled<string>[]> => {
      log.push(`book ${reqs.join(",")}`);
      return reqs.map((value) => ({ value }));
    };
    const jobs = [
      q.join(1, "a", flush),
      q.join(1, "b", flush),
      q.run(1, async () => void log.push("cancel")),
      q.join(1, "c", flush),
      q.join(1, "d", flush),
    ];
    await Promise.all(jobs);
    expect(log).toEqual(["book a,b", "cancel", "book c,d"]);
  });

  it("a flush that throws fails its own batch only", async () => {
    const q = new SeatQueue();
    let calls = 0;
    const flush = async (reqs: string[]): Promise<Settled<string>[]> => {
      if (calls++ === 0) throw new Error("database down");
      return reqs.map((value) => ({ value }));
    };
    const a = q.join(1, "a", flush);
    await expect(a).rejects.toThrow("database down");
    expect(await q.join(1, "b", flush)).toBe("b");
  });
});
