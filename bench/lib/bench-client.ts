// A benchmark client: one WebSocket session speaking stepwise's protocol, acking output like the browser does
// (optionally late, to act as a slow client). Counts and timestamps output bytes of T1.
import WebSocket from 'ws';
import { decodeTerminalFrame, encodeTerminalFrame } from '../../server/protocol/frames.ts';
import { decodeServerMessage, encodeClientMessage, type ServerMessage } from '../../server/protocol/messages.ts';
import { ACK_EVERY_BYTES } from '../../server/protocol/limits.ts';

/** Output kept for marker searches (bytes): more than a prompt with its markers. */
const TAIL_CHARS = 4096;

export interface ClientOptions {
  /** Delay (ms) before each ack: 0 acks at once; more makes a slow client. */
  ackDelayMs?: number;
}

export class BenchClient {
  bytes = 0; // output bytes of T1 received so far
  lastByteAt = 0; // performance.now() of the latest output
  private unacked = 0;
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  private tail = ''; // the last TAIL_CHARS bytes of output (latin1), for marker searches
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly opts: ClientOptions,
  ) {}

  static async connect(baseUrl: string, lessonId: string, opts: ClientOptions = {}): Promise<BenchClient> {
    const origin = baseUrl.replace(/\/$/, '');
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`, {
      headers: { Origin: origin },
      perMessageDeflate: false,
    });
    const client = new BenchClient(ws, opts);
    const welcomed = new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return client.onFrame(data);
        const decoded = decodeServerMessage(data.toString('utf8'));
        if (!decoded.ok) return reject(new Error(`bad server message: ${decoded.reason}`));
        client.onMessage(decoded.message);
        if (decoded.message.type === 'welcome') resolve();
        if (decoded.message.type === 'error') reject(new Error(`${decoded.message.code}: ${decoded.message.message}`));
      });
      ws.once('close', (code, reason) => reject(new Error(`socket closed ${code} ${reason.toString()}`)));
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(encodeClientMessage({ type: 'hello', lessonId, cols: 120, rows: 40 }));
    await welcomed;
    return client;
  }

  private onMessage(_message: ServerMessage): void {}

  private onFrame(data: Buffer): void {
    const frame = decodeTerminalFrame(data);
    if (!frame || frame.term !== 0) return;
    const n = frame.payload.byteLength;
    this.bytes += n;
    this.lastByteAt = performance.now();
    // Only the payload's last TAIL_CHARS bytes can reach the tail: decode just those (a view, no copy of the frame).
    const p = frame.payload;
    const end = Buffer.from(p.buffer, p.byteOffset + Math.max(0, n - TAIL_CHARS), Math.min(n, TAIL_CHARS)).toString(
      'latin1',
    );
    this.tail = n >= TAIL_CHARS ? end : (this.tail + end).slice(-TAIL_CHARS);
    this.unacked += n;
    if (this.unacked >= ACK_EVERY_BYTES || (this.opts.ackDelayMs ?? 0) > 0) this.ack();
    for (const w of [...this.waiters]) {
      if (w.test()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  private ack(): void {
    const bytes = this.unacked;
    this.unacked = 0;
    const send = () => {
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeClientMessage({ type: 'ack', term: 0, bytes }));
    };
    const delay = this.opts.ackDelayMs ?? 0;
    if (delay === 0) return send();
    const t = setTimeout(() => {
      this.timers.delete(t);
      send();
    }, delay);
    this.timers.add(t);
  }

  /** Acks whatever is pending now (a fast client calls this when idle). */
  flushAcks(): void {
    if (this.unacked > 0) this.ack();
  }

  type(text: string): void {
    this.ws.send(encodeTerminalFrame(0, Buffer.from(text)));
  }

  /** Resolves when the output tail (latin1) matches, or when `bytes` reaches a count. */
  waitFor(test: (tail: string, bytes: number) => boolean, timeoutMs: number): Promise<void> {
    if (test(this.tail, this.bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms; tail: ${JSON.stringify(this.tail.slice(-200))}`)),
        timeoutMs,
      );
      this.waiters.push({
        test: () => test(this.tail, this.bytes),
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
      });
    });
  }

  /** The shell is at a prompt: the last OSC 133;B marker came after the last D. */
  waitPrompt(timeoutMs = 10_000): Promise<void> {
    return this.waitFor((tail) => tail.lastIndexOf('\x1b]133;B') > tail.lastIndexOf('\x1b]133;C'), timeoutMs);
  }

  private syncCount = 0;

  /** Waits until the shell has run a marker command and is back at its prompt: a known quiet state. */
  async sync(timeoutMs = 20_000): Promise<void> {
    const marker = `bench-sync-${++this.syncCount}`;
    this.type(`echo ${marker}\r`);
    await this.waitFor((tail) => {
      const at = tail.lastIndexOf(`${marker}\r\n`);
      return at >= 0 && tail.indexOf('\x1b]133;B', at) >= 0;
    }, timeoutMs);
  }

  clearTail(): void {
    this.tail = '';
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ws.close();
  }
}
