// A server-side copy of one terminal's screen (@xterm/headless), so a reconnecting client can be given the
// screen as it is (DESIGN.md "Reattach").
//
// Off the hot path: the live stream never waits for the mirror. Bytes are queued and parsed one chunk per
// event-loop turn. If parsing falls behind by more than MIRROR_MAX_BACKLOG_BYTES (a flood), the oldest queued
// bytes are skipped: memory stays bounded, and the screen is rebuilt from the newest output. The hazard: after
// a skip, rows above the last MIRROR_KEEP_AFTER_SKIP_BYTES of output may differ from what the client showed.
//
// Sequence numbers count output bytes since the terminal started. `snapshot(n)` resolves with the screen at a
// position seq >= n, at a chunk boundary, so the caller can send the live stream from exactly seq on.
import xtermHeadless from '@xterm/headless';
import xtermSerialize from '@xterm/addon-serialize';
import type { TerminalSize } from './backend.ts';
import type { Disposable } from './lifecycle.ts';

/** Lines of scrollback the mirror keeps and a snapshot carries: enough to scroll back through a lesson step. */
export const MIRROR_SCROLLBACK_LINES = 1000;
/** Unparsed bytes allowed before the mirror skips ahead (1 MiB). */
export const MIRROR_MAX_BACKLOG_BYTES = 1024 * 1024;
/** Bytes kept when it skips (256 KiB): more than a full screen of the newest output. */
export const MIRROR_KEEP_AFTER_SKIP_BYTES = 256 * 1024;
/** Bytes handed to the parser per turn (64 KiB): about a millisecond of work, so the event loop stays free. */
const MIRROR_CHUNK_BYTES = 64 * 1024;

export interface ScreenSnapshot {
  data: string; // escape sequences that redraw the screen, scrollback and modes on a reset terminal
  seq: number;
  cols: number;
  rows: number;
}

type Item = { kind: 'data'; bytes: Uint8Array } | { kind: 'resize'; size: TerminalSize };

export class ScreenMirror implements Disposable {
  private readonly terminal: InstanceType<typeof xtermHeadless.Terminal>;
  private readonly serializer = new xtermSerialize.SerializeAddon();
  private readonly queue: Item[] = [];
  private backlogBytes = 0;
  private received = 0; // bytes given to write()
  private parsed = 0; // bytes parsed (or skipped): the mirror's position in the stream
  private inFlight = false;
  private waiters: { seq: number; resolve: (s: ScreenSnapshot) => void; reject: (e: Error) => void }[] = [];
  private disposed = false;
  skippedBytes = 0;

  constructor(size: TerminalSize) {
    this.terminal = new xtermHeadless.Terminal({
      cols: size.cols,
      rows: size.rows,
      scrollback: MIRROR_SCROLLBACK_LINES,
      allowProposedApi: true,
    });
    this.terminal.loadAddon(this.serializer);
  }

  /** Bytes received so far: the seq of the next byte. */
  get seq(): number {
    return this.received;
  }

  write(bytes: Uint8Array): void {
    if (this.disposed || bytes.byteLength === 0) return;
    this.queue.push({ kind: 'data', bytes });
    this.backlogBytes += bytes.byteLength;
    this.received += bytes.byteLength;
    if (this.backlogBytes > MIRROR_MAX_BACKLOG_BYTES) this.skipAhead();
    this.feed();
  }

  /** Resizes at this point in the stream: output after it was drawn at the new size. */
  resize(size: TerminalSize): void {
    if (this.disposed) return;
    this.queue.push({ kind: 'resize', size });
    this.feed();
  }

  snapshot(atLeastSeq: number = this.received): Promise<ScreenSnapshot> {
    if (this.disposed) return Promise.reject(new Error('screen mirror is closed'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq: atLeastSeq, resolve, reject });
      this.answerWaiters();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.length = 0;
    for (const w of this.waiters.splice(0)) w.reject(new Error('screen mirror is closed'));
    this.terminal.dispose();
  }

  private feed(): void {
    if (this.inFlight || this.disposed) return;
    while (this.queue[0]?.kind === 'resize') {
      const { size } = this.queue.shift() as Extract<Item, { kind: 'resize' }>;
      this.terminal.resize(size.cols, size.rows);
    }
    const parts: Uint8Array[] = [];
    let bytes = 0;
    while (this.queue[0]?.kind === 'data' && bytes < MIRROR_CHUNK_BYTES) {
      const item = this.queue.shift() as Extract<Item, { kind: 'data' }>;
      parts.push(item.bytes);
      bytes += item.bytes.byteLength;
    }
    if (bytes === 0) {
      this.answerWaiters();
      return;
    }
    this.backlogBytes -= bytes;
    this.inFlight = true;
    const chunk = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    // xterm parses asynchronously and calls back once this chunk is parsed: then the screen is exactly at `parsed`.
    this.terminal.write(chunk, () => {
      this.inFlight = false;
      this.parsed += bytes;
      this.answerWaiters();
      this.feed();
    });
  }

  /** Serializes for every waiter whose seq is reached. Only called when no chunk is in flight. */
  private answerWaiters(): void {
    if (this.inFlight || this.disposed || this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.seq <= this.parsed);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.seq > this.parsed);
    const snapshot: ScreenSnapshot = {
      data: this.serializer.serialize({ scrollback: MIRROR_SCROLLBACK_LINES }),
      seq: this.parsed,
      cols: this.terminal.cols,
      rows: this.terminal.rows,
    };
    for (const w of ready) w.resolve(snapshot);
  }

  private skipAhead(): void {
    let drop = this.backlogBytes - MIRROR_KEEP_AFTER_SKIP_BYTES;
    const kept: Item[] = [];
    for (const item of this.queue) {
      if (item.kind === 'data' && drop > 0 && item.bytes.byteLength <= drop) {
        drop -= item.bytes.byteLength;
        this.backlogBytes -= item.bytes.byteLength;
        this.parsed += item.bytes.byteLength;
        this.skippedBytes += item.bytes.byteLength;
      } else {
        kept.push(item); // resizes are kept, in order, so the screen ends at the right size
      }
    }
    this.queue.splice(0, this.queue.length, ...kept);
  }
}
