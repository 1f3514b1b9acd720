// Many callers, one statement: the calls that arrive while the previous statement of the same kind
// is on its way are sent together as one. Alone, a call waits only for the current tick to end
// (setImmediate), so a quiet bot pays nothing; in a rush (thousands of companies pressing 予約 at
// the same moment) hundreds of turns share one round trip and one query plan instead of one each,
// the way the seat queue shares one transaction (src/booking/seat-queue.ts).
import { AsyncResource } from "node:async_hooks";
import { isTransientDbError } from "./transient.ts";

/** Statements sent at most together; more callers wait for the next one. */
const MAX_BATCH = 500;

interface Waiting<In, Out> {
  input: In;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

export class Batcher<In, Out> {
  private waiting: Waiting<In, Out>[] = [];
  private inFlight = 0;
  private scheduled = false;
  /**
   * The batch runs in the context the batcher was made in, never in the first caller's: that
   * caller's tenant walls or delivery mark (AsyncLocalStorage) must not apply to the others' rows.
   */
  private readonly scope = new AsyncResource("Batcher");

  /**
   * @param run answers the inputs in order, one output each, in one statement
   * @param parallel batches on their way at once (more callers wait and go together after)
   */
  constructor(
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly parallel = 2,
  ) {}

  call(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || !this.waiting.length || this.inFlight >= this.parallel) return;
    this.scheduled = true;
    setImmediate(() => this.scope.runInAsyncScope(() => this.flush()));
  }

  private flush(): void {
    this.scheduled = false;
    if (this.inFlight >= this.parallel) return;
    const batch = this.waiting.splice(0, MAX_BATCH);
    if (!batch.length) return;
    this.inFlight++;
    void this.answer(batch).finally(() => {
      this.inFlight--;
      this.schedule();
    });
    this.schedule();
  }

  private async answer(batch: Waiting<In, Out>[]): Promise<void> {
    try {
      const outs = await this.run(batch.map((w) => w.input));
      batch.forEach((w, i) => w.resolve(outs[i]));
    } catch (err) {
      // a transient error (the pool busy, a lost race) is each caller's to retry; any other error
      // might be one input's fault, so each is tried alone and only its own caller hears of it
      if (batch.length === 1 || isTransientDbError(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      await Promise.all(
        batch.map(async (w) => {
          try {
            w.resolve((await this.run([w.input]))[0]);
          } catch (e) {
            w.reject(e);
          }
        }),
      );
    }
  }
}
