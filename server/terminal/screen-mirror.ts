// A server-side copy of one terminal's screen (@xterm/headless), so a reconnecting client can be given the
// screen as it is (DESIGN.md "Reattach").
//
// Off the hot path: the live stream never waits for the mirror. Bytes are queued and parsed later, in slices
// of MIRROR_SLICE_BYTES at most one per MIRROR_PARSE_INTERVAL_MS, so parsing takes a small, bounded share of
// the event loop (the pty is read on the same thread: every millisecond spent parsing is one the shell may
// spend blocked on a full pty). A waiting snapshot lifts the limit: then slices follow each other at once.
// If parsing falls behind by more than MIRROR_MAX_BACKLOG_BYTES (a flood), the oldest queued bytes are
// skipped: memory stays bounded, and the screen is rebuilt from the newest output. The hazard: after a skip,
// rows above the last MIRROR_KEEP_AFTER_SKIP_BYTES of output may differ from what the client showed.
//
// Started on first need: until a snapshot asks for a screen with output on it, or the backlog reaches
// MIRROR_MAX_BACKLOG_BYTES, bytes only queue, and @xterm/headless is neither loaded nor parsing. A session with
// one lesson open and a prompt on screen costs a few KB, not a headless terminal (DESIGN.md: idle server RSS).
//
// Sequence numbers count output bytes since the terminal started. `snapshot(n)` resolves with the screen at a
// position seq >= n, at a chunk boundary, so the caller can send the live stream from exactly seq on.
import { createRequire } from 'node:module';
import type xtermHeadless from '@xterm/headless';
import type xtermSerialize from '@xterm/addon-serialize';
import type { TerminalSize } from '../environment/index.ts';
import type { Disposable } from '../protocol/index.ts';

/** Lines of scrollback the mirror keeps and a snapshot carries: enough to scroll back through a lesson step. */
export const MIRROR_SCROLLBACK_LINES = 1000;
/** Unparsed bytes allowed before the mirror skips ahead (1 MiB). */
export const MIRROR_MAX_BACKLOG_BYTES = 1024 * 1024;
/** Bytes kept when it skips (256 KiB): more than a full screen of the newest output. */
export const MIRROR_KEEP_AFTER_SKIP_BYTES = 256 * 1024;
/**
 * Bytes handed to the parser per slice (16 KiB): well under a millisecond of parsing. The pty is read on this
 * thread and buffers only a few KiB, so a longer slice would leave the shell blocked on a full pty meanwhile.
 */
const MIRROR_SLICE_BYTES = 16 * 1024;
/** Per slice while a snapshot waits (64 KiB): catching up quickly matters more then. */
const MIRROR_CATCH_UP_SLICE_BYTES = 64 * 1024;
/**
 * Pause (ms) before each slice while no snapshot waits: caps parsing at 16 KiB per 5 ms (~3 MB/s, under a tenth
 * of a core), far above what a screen-drawing program writes; only a flood outruns it, and skips ahead.
 */
export const MIRROR_PARSE_INTERVAL_MS = 5;
/**
 * After a skip (a flood), no slice is parsed until output has been quiet this long (ms), unless a snapshot waits.
 * A slice parsed mid-flood is skipped over by the next skip anyway; a CPU profile of a 40 MB `cat` showed the
 * mirror taking about 13% of the server's flood time for such slices. Steady output that parsing keeps up with
 * never skips, so it is parsed as before.
 */
export const MIRROR_FLOOD_QUIET_MS = 50;

export interface ScreenSnapshot {
  data: string; // escape sequences that redraw the screen, scrollback and modes on a reset terminal
  seq: number;
  cols: number;
  rows: number;
}

type Item = { kind: 'data'; bytes: Uint8Array } | { kind: 'resize'; size: TerminalSize };
type HeadlessTerminal = InstanceType<typeof xtermHeadless.Terminal>;
type Serializer = InstanceType<typeof xtermSerialize.SerializeAddon>;

/** Both packages are CommonJS; require() keeps starting a mirror synchronous. Loaded once, on first need. */
let xterm: { headless: typeof xtermHeadless; serialize: typeof xtermSerialize } | null = null;
function loadXterm(): NonNullable<typeof xterm> {
  const require = createRequire(import.meta.url);
  xterm ??= {
    headless: require('@xterm/headless') as typeof xtermHeadless,
    serialize: require('@xterm/addon-serialize') as typeof xtermSerialize,
  };
  return xterm;
}

/** An empty screen at seq 0: what a snapshot is before any output, without starting a terminal. */
const EMPTY_SCREEN = '';

export class ScreenMirror implements Disposable {
  private screen: { terminal: HeadlessTerminal; serializer: Serializer } | null = null; // null until first need
  private size: TerminalSize; // the size the terminal starts at
  private readonly queue: Item[] = [];
  private backlogBytes = 0;
  private received = 0; // bytes given to write()
  private parsed = 0; // bytes parsed (or skipped): the mirror's position in the stream
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | null = null; // the next slice, while none is in flight
  private waiters: { seq: number; resolve: (s: ScreenSnapshot) => void; reject: (e: Error) => void }[] = [];
  private disposed = false;
  private flooding = false; // skipped ahead, and output has not yet been quiet for MIRROR_FLOOD_QUIET_MS
  private lastWriteAt = 0; // performance.now() of the latest write
  skippedBytes = 0;

  constructor(size: TerminalSize) {
    this.size = size;
  }

  /**
   * Every output byte since seq 0, when the mirror has not started (so nothing was parsed or skipped) and no
   * resize came between them; else null. A client that has never seen this terminal can take these as the live
   * stream it would have had from the start, and no headless terminal need start for it.
   */
  outputSinceStart(): Uint8Array[] | null {
    if (this.screen || this.disposed) return null;
    const out: Uint8Array[] = [];
    for (const item of this.queue) {
      if (item.kind !== 'data') return null;
      out.push(item.bytes);
    }
    return out;
  }

  /** Items (output chunks and resizes) waiting to be parsed: for tests of the queue's bound. */
  get queuedItems(): number {
    return this.queue.length;
  }

  /** Whether the headless terminal has been started (for tests and the idle-memory figure). */
  get started(): boolean {
    return this.screen !== null;
  }

  /** Bytes received so far: the seq of the next byte. */
  get seq(): number {
    return this.received;
  }

  write(bytes: Uint8Array): void {
    if (this.disposed || bytes.byteLength === 0) return;
    this.queue.push({ kind: 'data', bytes });
    this.lastWriteAt = performance.now();
    this.backlogBytes += bytes.byteLength;
    this.received += bytes.byteLength;
    if (this.backlogBytes > MIRROR_MAX_BACKLOG_BYTES) {
      this.start(); // nothing was skipped before it started: the screen is built from every byte kept
      this.skipAhead();
    }
    this.schedule();
  }

  /** Resizes at this point in the stream: output after it was drawn at the new size. */
  resize(size: TerminalSize): void {
    if (this.disposed) return;
    if (!this.screen && this.queue.length === 0) {
      this.size = size; // nothing drawn yet: start at the new size
      return;
    }
    this.pushResize(this.queue, size);
    this.schedule();
  }

  snapshot(atLeastSeq: number = this.received): Promise<ScreenSnapshot> {
    if (this.disposed) return Promise.reject(new Error('screen mirror is closed'));
    if (!this.screen && this.received === 0)
      return Promise.resolve({ data: EMPTY_SCREEN, seq: 0, cols: this.size.cols, rows: this.size.rows });
    this.start();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq: atLeastSeq, resolve, reject });
      this.answerWaiters();
      if (this.waiters.length > 0) this.schedule(); // now at full speed
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
    for (const w of this.waiters.splice(0)) w.reject(new Error('screen mirror is closed'));
    this.screen?.terminal.dispose();
    this.screen = null;
  }

  /** Starts the headless terminal, at the size the first queued output was drawn at. */
  private start(): void {
    if (this.screen || this.disposed) return;
    const { headless, serialize } = loadXterm();
    const terminal = new headless.Terminal({
      cols: this.size.cols,
      rows: this.size.rows,
      scrollback: MIRROR_SCROLLBACK_LINES,
      allowProposedApi: true,
    });
    const serializer = new serialize.SerializeAddon();
    terminal.loadAddon(serializer);
    this.screen = { terminal, serializer };
  }

  /** Parses the next slice: at once if a snapshot waits, else after MIRROR_PARSE_INTERVAL_MS. Not before start. */
  private schedule(): void {
    if (this.inFlight || this.disposed || !this.screen) return;
    if (this.waiters.length > 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.feed();
    } else {
      this.timer ??= setTimeout(
        () => {
          this.timer = null;
          if (this.flooding) {
            if (performance.now() - this.lastWriteAt < MIRROR_FLOOD_QUIET_MS) return this.schedule();
            this.flooding = false;
          }
          this.feed();
        },
        this.flooding ? MIRROR_FLOOD_QUIET_MS : MIRROR_PARSE_INTERVAL_MS,
      );
    }
  }

  private feed(): void {
    const screen = this.screen;
    if (this.inFlight || this.disposed || !screen) return;
    this.applyLeadingResizes(screen.terminal);
    const parts: Uint8Array[] = [];
    let bytes = 0;
    const sliceBytes = this.waiters.length > 0 ? MIRROR_CATCH_UP_SLICE_BYTES : MIRROR_SLICE_BYTES;
    while (this.queue[0]?.kind === 'data' && bytes < sliceBytes) {
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
    screen.terminal.write(chunk, () => {
      this.inFlight = false;
      this.parsed += bytes;
      this.answerWaiters();
      if (this.queue.length > 0) this.schedule();
    });
  }

  /** Serializes for every waiter whose seq is reached. Only called when no chunk is in flight. */
  private answerWaiters(): void {
    const screen = this.screen;
    if (this.inFlight || this.disposed || !screen || this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.seq <= this.parsed);
    if (ready.length === 0) return;
    this.applyLeadingResizes(screen.terminal); // a resize right at `parsed` belongs to the screen at `parsed`
    this.waiters = this.waiters.filter((w) => w.seq > this.parsed);
    const snapshot: ScreenSnapshot = {
      data: screen.serializer.serialize({ scrollback: MIRROR_SCROLLBACK_LINES }),
      seq: this.parsed,
      cols: screen.terminal.cols,
      rows: screen.terminal.rows,
    };
    for (const w of ready) w.resolve(snapshot);
  }

  private applyLeadingResizes(terminal: HeadlessTerminal): void {
    while (this.queue[0]?.kind === 'resize') {
      const { size } = this.queue.shift() as Extract<Item, { kind: 'resize' }>;
      terminal.resize(size.cols, size.rows);
    }
  }

  private skipAhead(): void {
    this.flooding = true;
    let drop = this.backlogBytes - MIRROR_KEEP_AFTER_SKIP_BYTES;
    const kept: Item[] = [];
    for (const item of this.queue) {
      if (item.kind === 'data' && drop > 0 && item.bytes.byteLength <= drop) {
        drop -= item.bytes.byteLength;
        this.backlogBytes -= item.bytes.byteLength;
        this.parsed += item.bytes.byteLength;
        this.skippedBytes += item.bytes.byteLength;
      } else if (item.kind === 'resize') {
        this.pushResize(kept, item.size); // kept, in order, so the screen ends at the right size
      } else {
        kept.push(item);
      }
    }
    this.queue.splice(0, this.queue.length, ...kept);
  }

  /**
   * Invariant: the queue never holds two resizes in a row (the later one alone gives the same screen), so its
   * length is bounded by the data it holds, whatever a client sends: resizes alone cannot grow it.
   */
  private pushResize(queue: Item[], size: TerminalSize): void {
    const last = queue.at(-1);
    if (last?.kind === 'resize') last.size = size;
    else queue.push({ kind: 'resize', size });
  }
}
