// The batcher behind the rows every turn reads and writes (src/db/batcher.ts): calls that arrive
// together share one run, each caller gets its own answer, one bad input fails only its own caller,
// and a caller's context (tenant walls, delivery mark) never reaches the batch.
import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { Batcher } from "../../src/db/batcher.ts";

function recording<In, Out>(answer: (inputs: In[]) => Out[] | Promise<Out[]>) {
  const runs: In[][] = [];
  const batcher = new Batcher<In, Out>(async (inputs) => {
    runs.push(inputs);
    return answer(inputs);
  });
  return { runs, batcher };
}

describe("Batcher", () => {
  it("answers calls made together in one run, each with its own output in order", async () => {
    const { runs, batcher } = recording<number, number>((xs) => xs.map((x) => x * 10));
    const outs = await Promise.all([1, 2, 3, 4].map((x) => batcher.call(x)));
    expect(outs).toEqual([10, 20, 30, 40]);
    expect(runs).toEqual([[1, 2, 3, 4]]);
  });

  it("answers a lone call by itself", async () => {
    const { runs, batcher } = recording<string, string>((xs) => xs.map((x) => x.toUpperCase()));
    expect(await batcher.call("a")).toBe("A");
    expect(await batcher.call("b")).toBe("B");
    expect(runs).toEqual([["a"], ["b"]]);
  });

  it("keeps at most two runs on their way; callers arriving meanwhile go together in the next", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inFlight = 0;
    let most = 0;
    const runs: number[][] = [];
    const batcher = new Batcher<number, number>(async (xs) => {
      runs.push(xs);
      most = Math.max(most, ++inFlight);
      await gate;
      inFlight--;
      return xs;
    });
    const first = batcher.call(1);
    await new Promise((r) => setImmediate(r));
    const second = batcher.call(2);
    await new Promise((r) => setImmediate(r));
    const rest = [3, 4, 5].map((x) => batcher.call(x));
    await new Promise((r) => setImmediate(r));
    expect(runs).toEqual([[1], [2]]); // 3, 4 and 5 wait for one of the two to end
    release();
    expect(await Promise.all([first, second, ...rest])).toEqual([1, 2, 3, 4, 5]);
    expect(runs).toEqual([[1], [2], [3, 4, 5]]);
    expect(most).toBe(2);
  });

  it("tries each input alone when a run fails for another reason than a busy database, so only the bad one's caller hears of it", async () => {
    const { runs, batcher } = recording<number, number>((xs) => {
      if (xs.includes(13)) throw new Error("bad input 13");
      return xs;
    });
    const outs = await Promise.allSettled([12, 13, 14].map((x) => batcher.call(x)));
    expect(outs.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outs[1] as PromiseRejectedResult).reason.message).toBe("bad input 13");
    expect(runs[0]).toEqual([12, 13, 14]);
    expect(runs.slice(1).sort()).toEqual([[12], [13], [14]]);
  });

  it("hands a transient error (the pool busy) to every caller, each retrying its own turn, without trying one by one", async () => {
    const busy = Object.assign(new Error("Transaction API error: unable to start a transaction in the given time"), { code: "P2028" });
    const { runs, batcher } = recording<number, number>(() => {
      throw busy;
    });
    const outs = await Promise.allSettled([1, 2, 3].map((x) => batcher.call(x)));
    expect(outs.every((o) => o.status === "rejected" && o.reason === busy)).toBe(true);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it("runs outside the callers' context: one caller's walls or delivery mark never apply to the others' rows", async () => {
    const scope = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const batcher = new Batcher<number, number>(async (xs) => {
      seen.push(scope.getStore());
      return xs;
    });
    await Promise.all([scope.run("org A", () => batcher.call(1)), scope.run("org B", () => batcher.call(2))]);
    expect(seen).toEqual([undefined]);
  });
});
