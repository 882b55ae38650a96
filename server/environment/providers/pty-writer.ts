// Writes learner input into a pty master, synchronously: a keystroke reaches the shell within this call.
// node-pty's own write goes through libuv's thread pool (fs.write with a callback), which costs a thread
// wake-up and a context switch per keystroke: with 100 sessions on 2 cores, most of the echo latency.
//
// Invariants: bytes reach the pty in the order they were written. When the kernel's input buffer is full
// (EAGAIN: a big paste into a program that is not reading), the rest waits and is retried every
// PTY_WRITE_RETRY_MS, never by spinning. Once closed, nothing is written: the fd number may already belong to
// another file, so close() must be called no later than the fd is closed.
import { writeSync } from 'node:fs';

/** Retry interval (ms) while the pty's input buffer is full: the shell reads when it is ready, no need to spin. */
export const PTY_WRITE_RETRY_MS = 5;

export class PtyWriter {
  private readonly queue: Buffer[] = [];
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly fd: number) {}

  write(data: Buffer): void {
    if (this.closed || data.length === 0) return;
    this.queue.push(data);
    if (this.queue.length === 1) this.drain();
  }

  /** Stops writing for good (the pty's fd is closing, or the shell is gone) and drops what waits. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
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
      if (written < head.length) this.queue[0] = head.subarray(written);
      else this.queue.shift();
    }
  }
}
