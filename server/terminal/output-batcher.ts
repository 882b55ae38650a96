// Batching of terminal output into WebSocket frames (DESIGN.md "Wire protocol"): right after the learner
// types, output goes out at once so echo feels local; otherwise it is gathered briefly so a flood becomes a
// few large frames instead of thousands of tiny ones.
import type { Disposable } from '../protocol/index.ts';

/** After an input frame, output is sent unbatched for this long (ms): typing echo must not wait. */
export const INPUT_ECHO_WINDOW_MS = 20;
/** Otherwise output waits at most this long (ms) for more to join its frame. */
export const BATCH_WINDOW_MS = 5;
/** ...or until this many bytes are waiting (64 KiB): one frame, and the unit of "one batch" in flow bounds. */
export const BATCH_MAX_BYTES = 64 * 1024;

export interface BatchClock {
  now(): number; // ms
  schedule(fn: () => void, ms: number): Disposable;
}

export const realClock: BatchClock = {
  now: () => performance.now(),
  schedule: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(handle) };
  },
};

/** Gathers chunks and hands each batch to `send` in order. Invariant: bytes leave in the order they came. */
export class OutputBatcher implements Disposable {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private timer: Disposable | null = null;
  private lastInputAt = Number.NEGATIVE_INFINITY;
  private disposed = false;

  constructor(
    private readonly send: (parts: readonly Uint8Array[], bytes: number) => void,
    private readonly clock: BatchClock = realClock,
  ) {}

  /** The learner typed: echo and the reply to it go out at once for the next INPUT_ECHO_WINDOW_MS. */
  noteInput(): void {
    this.lastInputAt = this.clock.now();
  }

  push(chunk: Uint8Array): void {
    if (this.disposed || chunk.byteLength === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes >= BATCH_MAX_BYTES || this.clock.now() - this.lastInputAt < INPUT_ECHO_WINDOW_MS) {
      this.flush();
    } else {
      this.timer ??= this.clock.schedule(() => {
        this.timer = null;
        this.flush();
      }, BATCH_WINDOW_MS);
    }
  }

  flush(): void {
    this.timer?.dispose();
    this.timer = null;
    if (this.pendingBytes === 0) return;
    const parts = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.send(parts, bytes);
  }

  /** Drops what is pending: the reader is gone, and a new one starts from a snapshot. */
  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
