// One browser connection (WebSocket /ws) to one session (DESIGN.md "Wire protocol"). Text frames are JSON
// messages validated by server/protocol; binary frames carry keystrokes (byte 0 = terminal index).
// The first message must be `hello`: it creates a session or reattaches to the one named.
import type { WebSocket, RawData } from 'ws';
import type { Logger } from 'pino';
import {
  CLOSE_BAD_MESSAGE,
  decodeClientMessage,
  encodeServerMessage,
  type ClientMessage,
  type ServerMessageBody,
} from '../protocol/messages.ts';
import { decodeTerminalFrame } from '../protocol/frames.ts';
import { clampSize } from '../protocol/limits.ts';
import { DisposableStore, toDisposable } from '../terminal/lifecycle.ts';
import type { Session } from '../terminal/session.ts';
import type { SessionManager } from '../terminal/session-manager.ts';
import type { SessionClient } from '../terminal/session-client.ts';
import { SessionError, describeError } from '../terminal/errors.ts';
import type { LessonCatalog } from './lesson-catalog.ts';

/** Keepalive: a ping this often (ms); a peer that missed the previous pong is dropped. Under common 30-60 s proxy idle cuts. */
export const PING_INTERVAL_MS = 25_000;
/** The first message (`hello`) must come within this long (ms). */
export const HELLO_TIMEOUT_MS = 10_000;
/** Close code when the first message is not `hello` in time. */
export const CLOSE_NO_HELLO = 4408;
/** Close code when the session cannot be made (unknown lesson, too many sessions, environment failure). */
export const CLOSE_NO_SESSION = 4404;
/** WebSocket close reasons are at most 123 bytes. */
const MAX_CLOSE_REASON_BYTES = 123;

export interface ConnectionDeps {
  sessions: SessionManager;
  catalog: LessonCatalog;
  log: Logger;
}

export function serveConnection(ws: WebSocket, deps: ConnectionDeps): void {
  const store = new DisposableStore();
  let session: Session | null = null;
  let ready: Promise<Session | null> | null = null;
  let alive = true;

  const client: SessionClient = {
    send: (message: ServerMessageBody) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeServerMessage(message));
    },
    sendFrame: (frame: Uint8Array) => {
      if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
    },
    close: (code: number, reason: string) => closeWith(code, reason),
  };

  function closeWith(code: number, reason: string): void {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, truncateReason(reason));
  }

  function fail(e: unknown): void {
    const { code, message } = describeError(e);
    if (code === 'INTERNAL') deps.log.error({ err: e, session: session?.id }, 'request failed');
    client.send({ type: 'error', code, message });
  }

  store.timeout(() => {
    if (!ready) closeWith(CLOSE_NO_HELLO, 'expected hello');
  }, HELLO_TIMEOUT_MS);
  store.interval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, PING_INTERVAL_MS);
  ws.on('pong', () => {
    alive = true;
  });

  async function hello(message: Extract<ClientMessage, { type: 'hello' }>): Promise<Session | null> {
    const size = clampSize(message.cols, message.rows);
    let target = message.sessionId ? deps.sessions.get(message.sessionId) : undefined;
    if (target && target.lesson.id !== message.lessonId) target = undefined; // another lesson's session: start anew
    if (!target) {
      const lesson = deps.catalog.get(message.lessonId);
      if (!lesson) throw new SessionError('LESSON_NOT_FOUND', `no lesson "${message.lessonId}" here`);
      target = await deps.sessions.create(lesson, size);
    }
    if (ws.readyState !== ws.OPEN) {
      // The socket went while the environment was made: it waits out the grace period like any other.
      deps.sessions.detach(target, client);
      return null;
    }
    session = target;
    target.resize(0, size); // first, so T1's snapshot is drawn at the size the page shows
    await deps.sessions.attach(target, client);
    return target;
  }

  function handleText(text: string): void {
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) {
      closeWith(decoded.closeCode, decoded.reason);
      return;
    }
    const message = decoded.message;
    if (message.type === 'hello') {
      if (ready) {
        closeWith(CLOSE_BAD_MESSAGE, 'hello was already sent');
        return;
      }
      ready = hello(message).catch((e: unknown) => {
        fail(e);
        closeWith(CLOSE_NO_SESSION, describeError(e).message);
        return null;
      });
      return;
    }
    if (!ready) {
      closeWith(CLOSE_BAD_MESSAGE, 'the first message must be hello');
      return;
    }
    void ready.then((s) => (s ? dispatch(s, message) : undefined)).catch(fail);
  }

  function handleBinary(data: Buffer): void {
    const frame = decodeTerminalFrame(data);
    if (!frame || !ready) return; // input before hello has nowhere to go
    void ready.then((s) => s?.input(frame.term, Buffer.from(frame.payload)));
  }

  ws.on('message', (data: RawData, isBinary: boolean) => {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) handleBinary(buf);
    else handleText(buf.toString('utf8'));
  });

  ws.on('close', () => {
    store.dispose();
    if (session) deps.sessions.detach(session, client);
  });
  ws.on('error', (e) => deps.log.debug({ err: e }, 'websocket error'));
  store.add(toDisposable(() => ws.removeAllListeners('pong')));
}

async function dispatch(session: Session, message: Exclude<ClientMessage, { type: 'hello' }>): Promise<void> {
  switch (message.type) {
    case 'resize':
      session.resize(message.term, clampSize(message.cols, message.rows));
      return;
    case 'ack':
      session.ack(message.term, message.bytes);
      return;
    case 'run':
      await session.run(message.cellId);
      return;
    case 'writeFile':
      await session.writeFile(message.cellId);
      return;
    case 'interrupt':
      session.interrupt(message.term);
      return;
    case 'check':
      await session.check(message.stepId);
      return;
    case 'reset':
      await session.reset();
      return;
    case 'openTerminal':
      await session.openTerminal(message.term);
      return;
    case 'catchUp':
      await session.catchUp(message.stepId);
      return;
  }
}

function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason);
  if (bytes.length <= MAX_CLOSE_REASON_BYTES) return reason;
  return bytes.subarray(0, MAX_CLOSE_REASON_BYTES - 3).toString('utf8').replace(/\uFFFD+$/, '') + '...';
}
