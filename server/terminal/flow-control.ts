// Flow control between a pty and one slow reader (DESIGN.md "Wire protocol"), after butlerx/wetty's
// FlowControlServer. Three running totals, in bytes of this terminal's output:
//   emitted  what the pty gave us;
//   sent     what has been written out to the client's socket (the socket took it: not waiting in our buffers);
//   claimed  what the client says it has processed (its acks, from xterm's write callback).
// An ack can only acknowledge bytes that were sent, so `acked = min(claimed, sent)` and
// `unacked = emitted - acked` = bytes still in our buffers, in the socket, or unprocessed by the client.
// A client that lies in its acks (acks far more than it got, and never reads its socket) gains nothing: what
// it has not read is never `sent`, so `unacked` still grows and the pty still pauses. The socket's own send
// buffer is bounded by the same rule.
//
// Invariant: the pty is paused exactly while `unacked` has risen above `high` and not yet fallen below `low`.
// So the bytes in flight never exceed `high` plus the one pty chunk that crossed it.
//
// Hazard: it blocks forever if the reader acks less than it received. The client acks at least every
// ACK_EVERY_BYTES, so that must stay below `low` (checked in the constructor), or a remainder of unacked
// bytes could hold `unacked` above `low` with nothing left to ack. An honest ack may arrive before our socket
// reports the same bytes written; `claimed` keeps it (up to `emitted`), so no honest credit is ever lost.
import { ACK_EVERY_BYTES, FLOW_HIGH_WATERMARK, FLOW_LOW_WATERMARK } from '../protocol/index.ts';

export interface Pausable {
  pause(): void;
  resume(): void;
}

export class FlowControl {
  private emitted = 0;
  private sentBytes = 0;
  private claimed = 0;
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
    return this.emitted - Math.min(this.claimed, this.sentBytes);
  }

  /** Bytes emitted but not yet written out to the socket (in our buffers or the socket's). */
  get unsent(): number {
    return this.emitted - this.sentBytes;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** The pty emitted `bytes`. */
  account(bytes: number): void {
    this.emitted += bytes;
    this.update();
  }

  /** `bytes` more were written out to the client's socket. */
  sent(bytes: number): void {
    this.sentBytes = Math.min(this.emitted, this.sentBytes + bytes);
    this.update();
  }

  /**
   * The client finished `bytes`. Returns how many of them it could not have received (beyond everything the
   * pty emitted): 0 from an honest client. They are dropped, never banked as credit.
   */
  commit(bytes: number): number {
    const over = Math.max(0, this.claimed + bytes - this.emitted);
    this.claimed = Math.min(this.emitted, this.claimed + bytes);
    this.update();
    return over;
  }

  /** `bytes` emitted that will never be sent (a snapshot already shows them): they count as sent and acked. */
  discard(bytes: number): void {
    this.sentBytes = Math.min(this.emitted, this.sentBytes + bytes);
    this.claimed = Math.min(this.emitted, Math.max(this.claimed, this.sentBytes));
    this.update();
  }

  /** A new reader starts from a snapshot that covers everything so far: nothing is owed. */
  reset(): void {
    this.sentBytes = this.emitted;
    this.claimed = this.emitted;
    this.update();
  }

  private update(): void {
    const unacked = this.unacked;
    if (!this.paused && unacked > this.high) {
      this.paused = true;
      this.target.pause();
    } else if (this.paused && unacked < this.low) {
      this.paused = false;
      this.target.resume();
    }
  }
}
