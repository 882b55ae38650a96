// Counts bytes xterm has finished parsing, and says when to ack them to the server.
// Invariant: every byte handed to xterm is acked exactly once per connection. An ack goes out as soon as
// ACK_EVERY_BYTES have built up; a smaller remainder goes out when the caller's idle flush fires, so the server's
// unacked count always drains to zero and it can never sit paused above its low watermark waiting for us.
// A new connection starts a new generation: callbacks from writes made for an older socket are ignored, because
// that server-side counter is gone. Pure: unit-tested under node.
import { ACK_EVERY_BYTES } from '../../server/protocol/index.ts';

export class AckCounter {
  private pending = 0;
  private gen = 0;

  /** Starts counting for a new connection; returns the generation to pass to `written`. */
  reset(): number {
    this.pending = 0;
    return ++this.gen;
  }

  get generation(): number {
    return this.gen;
  }

  /** Records `bytes` parsed by xterm. Returns the byte count to ack now, or 0 to wait for more or for a flush. */
  written(generation: number, bytes: number): number {
    if (generation !== this.gen) return 0;
    this.pending += bytes;
    return this.pending >= ACK_EVERY_BYTES ? this.take() : 0;
  }

  /** The remainder to ack on an idle flush (0 if nothing is pending). */
  flush(): number {
    return this.take();
  }

  get unacked(): number {
    return this.pending;
  }

  private take(): number {
    const n = this.pending;
    this.pending = 0;
    return n;
  }
}
