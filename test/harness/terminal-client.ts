// A real WebSocket client of the stepwise protocol for tests: it says hello, collects messages and terminal
// bytes, and acks output the way the browser does (automatically, or by hand to play a slow client).
import WebSocket from 'ws';
import {
  decodeServerMessage,
  encodeClientMessage,
  encodeTerminalFrame,
  decodeTerminalFrame,
  type ClientMessageBody,
  type ServerMessage,
} from '../../server/protocol/index.ts';

/** Every wait in these suites is bounded, generously: the machine is shared and slow; no assertion is on time. */
export const WAIT_MS = 120_000;
/** How often `until` re-tests a condition that no message announces (ms). */
const POLL_MS = 50;

export interface ClientOptions {
  cookie?: string;
  origin?: string;
  /** Ack every output frame as it arrives (default), or leave acks to the test. */
  autoAck?: boolean;
  headers?: Record<string, string>;
}

type Predicate = (m: ServerMessage) => boolean;

export class TestClient {
  readonly messages: ServerMessage[] = [];
  /** Raw output bytes per terminal since connecting (snapshots not included). */
  readonly output = new Map<number, Buffer[]>();
  readonly received = new Map<number, number>();
  readonly acked = new Map<number, number>();
  closed: { code: number; reason: string } | null = null;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(
    readonly ws: WebSocket,
    private readonly autoAck: boolean,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        const frame = decodeTerminalFrame(data);
        if (!frame) return;
        const chunks = this.output.get(frame.term) ?? [];
        chunks.push(Buffer.from(frame.payload));
        this.output.set(frame.term, chunks);
        this.received.set(frame.term, (this.received.get(frame.term) ?? 0) + frame.payload.byteLength);
        if (this.autoAck) this.ack(frame.term, frame.payload.byteLength);
      } else {
        const decoded = decodeServerMessage(data.toString('utf8'));
        if (!decoded.ok) throw new Error(`server sent an invalid message: ${decoded.reason}`);
        this.messages.push(decoded.message);
      }
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Opens the socket; rejects with the HTTP status if the upgrade is refused. */
  static connect(url: string, opts: ClientOptions = {}): Promise<TestClient> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.cookie) headers.Cookie = opts.cookie;
    if (opts.origin) headers.Origin = opts.origin;
    const ws = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws, opts.autoAck ?? true)));
      ws.once('unexpected-response', (_req, res) => {
        reject(new UpgradeRefused(res.statusCode ?? 0));
        res.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  send(body: ClientMessageBody): void {
    this.ws.send(encodeClientMessage(body));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  type(term: number, text: string): void {
    this.ws.send(encodeTerminalFrame(term, Buffer.from(text)), { binary: true });
  }

  ack(term: number, bytes: number): void {
    if (bytes <= 0 || this.ws.readyState !== WebSocket.OPEN) return;
    this.acked.set(term, (this.acked.get(term) ?? 0) + bytes);
    this.send({ type: 'ack', term, bytes });
  }

  /** hello → welcome (and the snapshot of each terminal). */
  async hello(
    lessonId: string,
    sessionId?: string,
    size = { cols: 100, rows: 30 },
  ): Promise<Extract<ServerMessage, { type: 'welcome' }>> {
    this.send({ type: 'hello', lessonId, ...(sessionId ? { sessionId } : {}), ...size });
    const welcome = await this.next((m) => m.type === 'welcome' || m.type === 'error');
    if (welcome.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(welcome)}`);
    for (const term of welcome.terminals) await this.next((m) => m.type === 'snapshot' && m.term === term);
    return welcome;
  }

  /** Runs a cell and waits for its result. */
  async run(cellId: string): Promise<Extract<ServerMessage, { type: 'runResult' }>> {
    const from = this.messages.length;
    this.send({ type: 'run', cellId });
    return this.next((m) => m.type === 'runResult' && m.cellId === cellId, from) as Promise<
      Extract<ServerMessage, { type: 'runResult' }>
    >;
  }

  /** The first message matching, looking from index `from` (default: any so far). */
  async next(predicate: Predicate, from = 0, timeoutMs = WAIT_MS): Promise<ServerMessage> {
    let found: ServerMessage | undefined;
    await this.until(
      () => {
        found = this.messages.slice(from).find(predicate);
        return found !== undefined;
      },
      timeoutMs,
      `a message matching ${predicate.toString()}`,
    );
    return found!;
  }

  text(term = 0): string {
    return Buffer.concat(this.output.get(term) ?? []).toString('utf8');
  }

  async waitForText(term: number, pattern: RegExp, timeoutMs = WAIT_MS): Promise<void> {
    await this.until(() => pattern.test(this.text(term)), timeoutMs, `output matching ${pattern}`);
  }

  async waitClosed(timeoutMs = WAIT_MS): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== null, timeoutMs, 'the socket to close');
    return this.closed!;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.ws.close();
    await this.waitClosed();
  }

  /**
   * Resolves when `check` holds, re-testing on every message and every POLL_MS (for state outside the socket);
   * fails after `timeoutMs` naming what it waited for.
   */
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; last messages: ${JSON.stringify(this.messages.slice(-3))}`,
          ),
        );
      }, timeoutMs);
      const poll = setInterval(() => {
        if (check()) waiter.resolve();
      }, POLL_MS);
      const waiter = {
        check,
        resolve: () => {
          done();
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve();
      }
    }
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}
