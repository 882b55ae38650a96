// One terminal's recording as an asciicast v2 file (server/protocol/asciicast.ts), written as it happens through
// an append stream: the cast is never held whole in memory. Output bytes are decoded as UTF-8 by a StringDecoder,
// which keeps a multi-byte character split across pty chunks whole in the next event. Chunks within coalesceMs of
// the event's first chunk join it, so a flood becomes few, large lines.
//
// Bounds (limits.ts): the file never exceeds maxBytes; the event that would cross it ends the cast with a marker
// and a visible line saying it was cut. The stream's queue never exceeds maxQueuedBytes plus one event: while the
// disk is behind, output is dropped, counted, and the gap is marked once the queue has room again.
// Hazard: a `wx` open refuses an existing path (and a planted symlink), so a writer only ever creates its file.
import { createWriteStream, type WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { CastEventCode, CastHeader } from '../../protocol/index.ts';
import { CAST_END_RESERVE_BYTES, DEFAULT_CAST_LIMITS, type CastLimits } from './limits.ts';

export type CastEnd = 'complete' | 'cut' | 'interrupted';

export interface CastWriterOptions {
  path: string;
  width: number;
  height: number;
  title: string;
  /** When recording started (Unix ms): the header's timestamp. */
  startedAt: number;
  limits?: Partial<CastLimits>;
  /** A monotonic clock in ms; event times are measured on it from the writer's creation. */
  clock?: () => number;
  /** The file could not be written: the recording stops as 'interrupted'. */
  onError?: (e: Error) => void;
}

/** The shell the recorded terminals run; a player may use it to pick a font or a theme. */
const CAST_ENV = { TERM: 'xterm-256color', SHELL: '/bin/bash' };
const MIB = 1024 * 1024;

export class CastWriter {
  private readonly stream: WriteStream;
  private readonly decoder = new StringDecoder('utf8');
  private readonly limits: CastLimits;
  private readonly clock: () => number;
  private readonly t0: number;
  private readonly closed: Promise<void>;
  private pending = '';
  private pendingAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastTime = 0;
  /** Bytes handed to the stream (the cap counts these). */
  private queuedTotal = 0;
  /** Bytes the stream has written: always a whole number of lines. */
  private flushed = 0;
  /** Output bytes dropped while the disk was behind, not yet marked in the cast. */
  private dropped = 0;
  /** The last size change dropped while the disk was behind ("COLSxROWS"), written with the gap's mark. */
  private droppedSize: string | null = null;
  private stateValue: 'recording' | CastEnd = 'recording';

  constructor(opts: CastWriterOptions) {
    this.limits = { ...DEFAULT_CAST_LIMITS, ...opts.limits };
    if (this.limits.maxBytes <= CAST_END_RESERVE_BYTES * 2)
      throw new RangeError(`maxBytes must be over ${CAST_END_RESERVE_BYTES * 2} bytes`);
    this.clock = opts.clock ?? (() => performance.now());
    this.t0 = this.clock();
    this.stream = createWriteStream(opts.path, { flags: 'wx', mode: 0o600 });
    this.closed = new Promise((resolve) => this.stream.once('close', () => resolve()));
    this.stream.on('error', (e) => {
      // Even after finish() or a cut: a cast whose bytes did not all reach the disk is not complete.
      this.stop('interrupted');
      this.stateValue = 'interrupted';
      opts.onError?.(e);
    });
    const header: CastHeader = {
      version: 2,
      width: opts.width,
      height: opts.height,
      timestamp: Math.floor(opts.startedAt / 1000),
      title: opts.title,
      env: CAST_ENV,
    };
    this.write(`${JSON.stringify(header)}\n`);
  }

  get state(): 'recording' | CastEnd {
    return this.stateValue;
  }

  /** Bytes on disk so far, ending at a line boundary: what a reader may serve of a cast still being written. */
  get bytesWritten(): number {
    return this.flushed;
  }

  output(chunk: Buffer): void {
    if (this.stateValue !== 'recording') return;
    this.append(this.decoder.write(chunk));
  }

  resize(cols: number, rows: number): void {
    if (this.stateValue !== 'recording') return;
    this.flushPending();
    this.event(this.clock(), 'r', `${cols}x${rows}`);
  }

  /** Writes what is pending and closes the file; resolves once it is closed. Idempotent. */
  finish(): Promise<void> {
    if (this.stateValue === 'recording') {
      this.append(this.decoder.end()); // a character cut off by the end: one U+FFFD
      this.flushPending();
      if (this.stateValue === 'recording' && (this.dropped > 0 || this.droppedSize !== null))
        this.markGap(this.clock());
      this.stop('complete');
    }
    return this.closed;
  }

  private append(text: string): void {
    if (text === '') return;
    const now = this.clock();
    if (this.pending !== '' && now - this.pendingAt > this.limits.coalesceMs) this.flushPending();
    if (this.pending === '') {
      this.pendingAt = now;
      this.timer = setTimeout(() => this.flushPending(), this.limits.coalesceMs);
    }
    this.pending += text;
    if (this.pending.length >= this.limits.maxEventChars) this.flushPending();
  }

  private flushPending(): void {
    this.clearTimer();
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.event(this.pendingAt, 'o', text);
  }

  private event(atMs: number, code: CastEventCode, data: string): void {
    if (this.stateValue !== 'recording') return;
    const time = this.timeOf(atMs);
    const line = `${JSON.stringify([time, code, data])}\n`;
    const bytes = Buffer.byteLength(line);
    // An empty queue always takes one event, however large (an event of control bytes escaped as \u00XX can be
    // six times its characters): the queue stays under maxQueuedBytes plus one event.
    const queued = this.stream.writableLength;
    if (queued > 0 && queued + bytes > this.limits.maxQueuedBytes) {
      if (code === 'o') this.dropped += Buffer.byteLength(data);
      else if (code === 'r') this.droppedSize = data;
      return;
    }
    if ((this.dropped > 0 || this.droppedSize !== null) && !this.markGap(atMs)) return;
    if (!this.fits(bytes)) {
      this.cut(time);
      return;
    }
    this.write(line);
  }

  /** Marks the output dropped while the disk was behind; false if that cut the cast. */
  private markGap(atMs: number): boolean {
    const time = this.timeOf(atMs);
    const lost = this.dropped;
    const size = this.droppedSize;
    this.dropped = 0;
    this.droppedSize = null;
    const lines = [
      `${JSON.stringify([time, 'm', `stepwise: ${lost} bytes of output were not recorded (the disk fell behind)`])}\n`,
      `${JSON.stringify([time, 'o', `\r\n\x1b[7m[recording gap: ${lost} bytes not recorded]\x1b[0m\r\n`])}\n`,
      ...(size === null ? [] : [`${JSON.stringify([time, 'r', size])}\n`]),
    ];
    if (!this.fits(Buffer.byteLength(lines.join('')))) {
      this.cut(time);
      return false;
    }
    for (const line of lines) this.write(line);
    return true;
  }

  private cut(time: number): void {
    const cap = this.limits.maxBytes;
    const size = cap % MIB === 0 ? `${cap / MIB} MiB` : `${cap} bytes`;
    // Both lines fit in CAST_END_RESERVE_BYTES, which fits() kept free.
    this.write(`${JSON.stringify([time, 'm', `stepwise: recording cut at its size limit of ${size}`])}\n`);
    this.write(
      `${JSON.stringify([time, 'o', `\r\n\x1b[7m[the recording stops here: it reached ${size}]\x1b[0m\r\n`])}\n`,
    );
    this.stop('cut');
  }

  private fits(bytes: number): boolean {
    return this.queuedTotal + bytes <= this.limits.maxBytes - CAST_END_RESERVE_BYTES;
  }

  private timeOf(atMs: number): number {
    // Microseconds, as asciinema writes them; never earlier than the event before.
    const time = Math.max(this.lastTime, Math.round((atMs - this.t0) * 1000) / 1e6);
    this.lastTime = time;
    return time;
  }

  private write(line: string): void {
    const bytes = Buffer.byteLength(line);
    this.queuedTotal += bytes;
    this.stream.write(line, (e) => {
      if (!e) this.flushed += bytes;
    });
  }

  private stop(end: CastEnd): void {
    if (this.stateValue !== 'recording') return;
    this.stateValue = end;
    this.clearTimer();
    this.pending = '';
    if (end === 'interrupted') this.stream.destroy();
    else this.stream.end();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
