// Flow control between a pty and one slow reader (DESIGN.md "Wire protocol"), after butlerx/wetty's
// FlowControlServer. Bytes are counted when the pty emits them and uncounted when the client acks them
// (from xterm's write callback), so `unacked` = bytes the client has not yet finished processing.
//
// Invariant: the pty is paused exactly while `unacked` has risen above `high` and not yet fallen below `low`.
// So the bytes in flight never exceed `high` plus the one pty chunk that crossed it.
//
// Hazard: it blocks forever if the reader acks less than it received. The client acks at least every
// ACK_EVERY_BYTES, so that must stay below `low` (checked in the constructor), or a remainder of unacked
// bytes could hold `unacked` above `low` with nothing left to ack.
import { ACK_EVERY_BYTES, FLOW_HIGH_WATERMARK, FLOW_LOW_WATERMARK } from '../protocol/index.ts';

export interface Pausable {
  pause(): void;
  resume(): void;
}

export class FlowControl {
  private unackedBytes = 0;
  private paused = false;

  constructor(
    private readonly target: Pausable,
    private readonly high: number = FLOW_HIGH_WATERMARK,
    private readonly low: number = FLOW_LOW_WATERMARK,
  ) {
    if (!(low > 0 && low < high)) throw new RangeError(`flow control needs 0 < low (${low}) < high (${high})`);
    if (ACK_EVERY_BYTES >= low) throw new RangeError(`ACK_EVERY_BYTES (${ACK_EVERY_BYTES}) must be below low (${low})`);
  }

  get unacked(): number {
    return this.unackedBytes;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** The pty emitted `bytes`. */
  account(bytes: number): void {
    this.unackedBytes += bytes;
    if (!this.paused && this.unackedBytes > this.high) {
      this.paused = true;
      this.target.pause();
    }
  }

  /** The client finished `bytes`. An ack beyond what was sent is clamped: it cannot bank credit. */
  commit(bytes: number): void {
    this.unackedBytes = Math.max(0, this.unackedBytes - bytes);
    if (this.paused && this.unackedBytes < this.low) {
      this.paused = false;
      this.target.resume();
    }
  }

  /** A new reader starts from a snapshot that covers everything so far: nothing is owed. */
  reset(): void {
    this.commit(this.unackedBytes);
  }
}
