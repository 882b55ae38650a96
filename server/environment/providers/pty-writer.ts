// Writes learner input into a pty master, synchronously: a keystroke reaches the shell within this call.
// node-pty's own write goes through libuv's thread pool (fs.write with a callback), which costs a thread
// wake-up and a context switch per keystroke: with 100 sessions on 2 cores, most of the echo latency.
//
// Invariants: bytes reach the pty in the order they were written. When the kernel's input buffer is full
// (EAGAIN: a big paste into a program that is not reading), the rest waits and is retried every
// PTY_WRITE_RETRY_MS, never by spinning. Once closed, nothing is written: the fd number may already belong to
// another file, so close() must be called no later than the fd is closed.
// Bounded, as a Node stream is: write() returns false once PTY_INPUT_QUEUE_MAX_BYTES wait, and the writer
// calls onDrain when the queue is empty again. The caller stops reading its source in between; a write past
// the bound is still taken (what the source had already delivered), so the queue exceeds the bound by at
// most what one read of the source gives.
import { writeSync } from 'node:fs';
import { PTY_INPUT_QUEUE_MAX_BYTES } from '../limits.ts';

/** Retry interval (ms) while the pty's input buffer is full: the shell reads when it is ready, no need to spin. */
export const PTY_WRITE_RETRY_MS = 5;

export class PtyWriter {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private needDrain = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly fd: number,
    private readonly onDrain: () => void = () => undefined,
  ) {}

  /** Bytes waiting for the pty. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Queues `data` and writes what the pty takes now. False: the queue is full; wait for onDrain. */
  write(data: Buffer): boolean {
    if (this.closed) return true; // nothing will ever drain: input has nowhere to go, so do not hold its source
    if (data.length > 0) {
      this.queue.push(data);
      this.queuedBytes += data.length;
      if (this.queue.length === 1) this.drain();
    }
    if (this.queuedBytes < PTY_INPUT_QUEUE_MAX_BYTES) return true;
    this.needDrain = true;
    return false;
  }

  /** Stops writing for good (the pty's fd is closing, or the shell is gone) and drops what waits. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.signalDrain(); // a source held back for this writer may read again (its input is dropped)
  }

  private drain(): void {
    this.retry = null;
    while (!this.closed && this.queue.length > 0) {
      const head = this.queue[0]!;
      let written: number;
      try {
        written = writeSync(this.fd, head);
      } catch (e: unknown) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          this.retry = setTimeout(() => this.drain(), PTY_WRITE_RETRY_MS);
          return;
        }
        // EIO: the shell's side of the pty is closed. Its exit is reported through onExit; input has nowhere to go.
        this.close();
        return;
      }
      this.queuedBytes -= written;
      if (written < head.length) this.queue[0] = head.subarray(written);
      else this.queue.shift();
    }
    if (!this.closed) this.signalDrain();
  }

  private signalDrain(): void {
    if (!this.needDrain) return;
    this.needDrain = false;
    this.onDrain();
  }
}
