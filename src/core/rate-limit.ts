// A per-key budget over a sliding window, in memory (per instance). Used to bound what one user
// can spend of the optional LLM: past the budget they get the plain answers, which cost nothing.
export class SlidingWindowLimit {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Takes one unit for `key` at `now` (the turn's time) when the budget allows; false when it is spent. */
  take(key: string, now: Date): boolean {
    const t = now.getTime();
    const recent = (this.hits.get(key) ?? []).filter((h) => t - h < this.windowMs);
    if (recent.length >= this.max) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(t);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.sweep(t);
    return true;
  }

  private sweep(t: number): void {
    for (const [k, v] of this.hits) if (!v.some((h) => t - h < this.windowMs)) this.hits.delete(k);
  }
}
