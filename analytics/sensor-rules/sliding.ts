/** Sliding-window minimum and maximum in amortised O(1) (monotonic deques). */

/** Minimum or maximum of the values pushed within a time window. */
export class SlidingExtreme {
  private items: Array<{ t: number; v: number }> = [];
  private head = 0;

  /** `kind` min or max. */
  constructor(private readonly kind: 'min' | 'max') {}

  /** Adds a value at time `t` (non-decreasing). */
  push(t: number, v: number): void {
    const worse = this.kind === 'min' ? (a: number) => a >= v : (a: number) => a <= v;
    while (this.items.length > this.head && worse(this.items[this.items.length - 1]!.v)) this.items.pop();
    this.items.push({ t, v });
  }

  /** Drops values older than `since`. */
  evict(since: number): void {
    while (this.head < this.items.length && this.items[this.head]!.t < since) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The extreme of the window, or undefined when empty. */
  get value(): number | undefined {
    return this.items[this.head]?.v;
  }
}
