// The one WebSocket of a lesson session. Binary frames carry terminal bytes (byte 0 = terminal index), text frames
// carry the JSON messages of server/protocol, validated on receipt. When the socket drops, it reconnects quietly
// with backoff and says `hello` with the same session id, so the server reattaches the same shells and sends a
// `snapshot` of each screen. The session id lives in sessionStorage: a reload in the same tab reattaches, a new
// tab gets its own session.
import {
  CLOSE_BAD_VERSION,
  CLOSE_NO_SESSION,
  CLOSE_REPLACED,
  decodeServerMessage,
  decodeTerminalFrame,
  encodeClientMessage,
  encodeTerminalFrame,
  type ClientMessageBody,
  type ServerMessage,
} from '../../server/protocol/index.ts';
import { Emitter, type Disposable } from '../lifecycle.ts';
import { storageGet, storageSet } from '../storage.ts';
import { reconnectDelay } from './backoff.ts';

export type ConnectionStatus =
  | 'connecting' // first try
  | 'online'
  | 'reconnecting' // dropped; trying again with backoff
  | 'replaced' // this session was opened in another tab; we stop
  | 'incompatible' // the server speaks another protocol version; we stop
  | 'failed'; // the server could not make a session (its `error` said why); we stop until `retry()`

/** After this many failed tries in a row the status line says the server is unreachable (it keeps trying). */
export const UNREACHABLE_AFTER_TRIES = 4;

export interface ConnectionOptions {
  lessonId: string;
  /** The size of T1 for `hello`, read when the socket opens. */
  initialSize: () => { cols: number; rows: number };
}

export class Connection implements Disposable {
  private ws: WebSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private disposed = false;
  private currentStatus: ConnectionStatus = 'connecting';

  private readonly _onMessage = new Emitter<ServerMessage>();
  readonly onMessage = this._onMessage.event;
  private readonly _onOutput = new Emitter<{ term: number; payload: Uint8Array }>();
  readonly onOutput = this._onOutput.event;
  private readonly _onStatus = new Emitter<{ status: ConnectionStatus; failedTries: number }>();
  readonly onStatus = this._onStatus.event;
  /** A message the server sent that failed validation: logged for authors, never shown raw. */
  private readonly _onProtocolProblem = new Emitter<string>();
  readonly onProtocolProblem = this._onProtocolProblem.event;

  constructor(private readonly opts: ConnectionOptions) {}

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  get sessionId(): string | null {
    return storageGet('session', storageKey(this.opts.lessonId));
  }

  /** Forget the session so the next connect starts a fresh one (not used by Reset, which the server handles). */
  forgetSession(): void {
    storageSet('session', storageKey(this.opts.lessonId), null);
  }

  connect(): void {
    if (this.disposed) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      const { cols, rows } = this.opts.initialSize();
      const sessionId = this.sessionId ?? undefined;
      ws.send(encodeClientMessage({ type: 'hello', lessonId: this.opts.lessonId, sessionId, cols, rows }));
    };
    ws.onmessage = (ev: MessageEvent<unknown>) => this.receive(ev.data);
    ws.onclose = (ev: CloseEvent) => this.closed(ws, ev.code);
  }

  /** Tries again after 'failed' (the learner pressed Try again). */
  retry(): void {
    if (this.ws !== null || this.disposed) return;
    this.attempt = 0;
    this.setStatus('connecting');
    this.connect();
  }

  /** Sends a control message. Returns false when the socket is not open (the caller tells the learner). */
  send(body: ClientMessageBody): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN || this.currentStatus !== 'online') return false;
    this.ws.send(encodeClientMessage(body));
    return true;
  }

  /** Sends keystrokes or pasted text to terminal `term` (0 = T1) as one binary frame. */
  sendInput(term: number, bytes: Uint8Array): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN || this.currentStatus !== 'online') return false;
    this.ws.send(encodeTerminalFrame(term, bytes));
    return true;
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close(1000, 'page closed');
    }
    this._onMessage.dispose();
    this._onOutput.dispose();
    this._onStatus.dispose();
    this._onProtocolProblem.dispose();
  }

  private receive(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      const frame = decodeTerminalFrame(new Uint8Array(data));
      if (frame) this._onOutput.fire(frame);
      return;
    }
    if (typeof data !== 'string') return;
    const decoded = decodeServerMessage(data);
    if (!decoded.ok) {
      this._onProtocolProblem.fire(decoded.reason);
      return;
    }
    const msg = decoded.message;
    if (msg.type === 'welcome') {
      storageSet('session', storageKey(this.opts.lessonId), msg.sessionId);
      this.attempt = 0;
      this.setStatus('online');
    }
    this._onMessage.fire(msg);
  }

  private closed(ws: WebSocket, code: number): void {
    if (ws !== this.ws || this.disposed) return;
    this.ws = null;
    if (code === CLOSE_REPLACED) return this.setStatus('replaced');
    if (code === CLOSE_BAD_VERSION) return this.setStatus('incompatible');
    if (code === CLOSE_NO_SESSION) return this.setStatus('failed');
    const delay = reconnectDelay(this.attempt, Math.random());
    this.attempt++;
    this.setStatus('reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private setStatus(status: ConnectionStatus): void {
    this.currentStatus = status;
    this._onStatus.fire({ status, failedTries: this.attempt });
  }
}

function storageKey(lessonId: string): string {
  return `stepwise.session.${lessonId}`;
}
