// Too many failed joins from one address get 429 (DESIGN.md "Classes"): the class code has about 8.5e11 values,
// and this keeps a guesser to a handful of tries a minute. Memory is bounded: at most MAX_TRACKED_ADDRESSES
// entries, the oldest dropped first. A flood of addresses can push an address out early, which only gives it a
// fresh allowance, never blocks anyone else. Successful joins are never limited: a whole class shares one NAT
// address.

/** Failed joins allowed per address in one window: room for a classroom behind one NAT mistyping the code. */
export const MAX_FAILED_JOINS_PER_WINDOW = 20;
/** The window (ms) over which failures are counted. */
export const FAILED_JOIN_WINDOW_MS = 60_000;
/** Addresses remembered at once (about 100 bytes each, so about 1 MB at most). */
export const MAX_TRACKED_ADDRESSES = 10_000;

interface Window {
  startedAt: number; // ms
  failures: number;
}

export class FailureLimiter {
  private readonly windows = new Map<string, Window>(); // insertion order = oldest first

  constructor(
    private readonly limits = {
      maxFailures: MAX_FAILED_JOINS_PER_WINDOW,
      windowMs: FAILED_JOIN_WINDOW_MS,
      maxTracked: MAX_TRACKED_ADDRESSES,
    },
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.windows.size;
  }

  /** True when `address` has used up its failures in the current window. */
  blocked(address: string): boolean {
    const w = this.current(address);
    return w !== undefined && w.failures >= this.limits.maxFailures;
  }

  fail(address: string): void {
    const w = this.current(address);
    if (w) {
      w.failures++;
      return;
    }
    while (this.windows.size >= this.limits.maxTracked) {
      const oldest = this.windows.keys().next();
      if (oldest.done) break;
      this.windows.delete(oldest.value);
    }
    this.windows.set(address, { startedAt: this.now(), failures: 1 });
  }

  private current(address: string): Window | undefined {
    const w = this.windows.get(address);
    if (w && this.now() - w.startedAt >= this.limits.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return w;
  }
}
