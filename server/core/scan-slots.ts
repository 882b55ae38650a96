// How many layers are decompressed and hashed at once when a source can be read by more than one reader (a file
// or an OCI layout directory). Each running scan hashes and parses tar headers on its own worker thread
// (scan-worker/) and inflates on libuv's thread pool (node:zlib's async API).
import { availableParallelism } from 'node:os';

/** Layer scans at once: one per core. More only adds zlib windows and read buffers that wait for a core. */
export const PARALLEL_LAYER_SCANS = Math.max(1, availableParallelism());

/**
 * Members smaller than this (bytes) are scanned inline by the reader that found them: a second reader and a slot
 * cost more than the scan itself, and a tar of many small compressed files must not queue one scan per file.
 */
export const PARALLEL_MIN_MEMBER_BYTES = 4 * 1024 * 1024;

/** A counting semaphore over scans. `acquire` resolves with the function that gives the slot back. */
export class ScanSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  /** Callers waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  constructor(readonly size: number = PARALLEL_LAYER_SCANS) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`ScanSlots needs a positive whole size, not ${size}`);
    this.free = size;
  }

  /** Waits for a slot; an abort while waiting rejects with the signal's reason and takes no slot. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw abortError(signal);
    if (this.free > 0) this.free--;
    else {
      await new Promise<void>((resolve, reject) => {
        const waiter = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const at = this.waiting.indexOf(waiter);
          if (at !== -1) this.waiting.splice(at, 1);
          reject(abortError(signal));
        };
        this.waiting.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next waiter
      else this.free++;
    };
  }

  /** Runs `task` in a slot. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }
}

/** The signal's reason when it is an Error, else an Error that carries it. */
function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('the wait for a scan slot was aborted', { cause: reason });
}
