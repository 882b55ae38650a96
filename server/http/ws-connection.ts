// One browser connection (WebSocket /ws) to one session (DESIGN.md "Wire protocol"). Text frames are JSON
// messages validated by server/protocol; binary frames carry keystrokes (byte 0 = terminal index).
// The first message must be `hello`: it creates a session or reattaches to the one named.
// Backpressure: when a terminal's input queue is full the socket is paused (not read) until it drains, so a
// client that floods a shell which never reads costs the kernel's socket buffers, not the server's memory.
import type { WebSocket, RawData } from 'ws';
import type { Logger } from 'pino';
import {
  CLOSE_BAD_MESSAGE,
  CLOSE_NO_HELLO,
  CLOSE_NO_SESSION,
  CLOSE_FORBIDDEN,
  decodeClientMessage,
  decodeInstructorHello,
  decodeInstructorMessage,
  encodeServerMessage,
  type ClientMessage,
  type ServerMessageBody,
} from '../protocol/index.ts';
import { decodeTerminalFrame } from '../protocol/index.ts';
import { clampSize } from '../protocol/index.ts';
import { DisposableStore, toDisposable } from '../protocol/index.ts';
import { PTY_INPUT_QUEUE_MAX_BYTES } from '../environment/index.ts';
import type { Session } from '../terminal/index.ts';
import { SessionWatch } from '../terminal/index.ts';
import type { SessionManager, SessionOwner } from '../terminal/index.ts';
import type { SessionClient } from '../terminal/index.ts';
import { SessionError, describeError } from '../terminal/index.ts';
import type { LessonCatalog } from './lesson-catalog.ts';
import type { ClassUpdate, ClassView } from '../protocol/index.ts';

/** Keepalive: a ping this often (ms); a peer that missed the previous pong is dropped. Under common 30-60 s proxy idle cuts. */
export const PING_INTERVAL_MS = 25_000;
/** The first message (`hello`) must come within this long (ms). */
export const HELLO_TIMEOUT_MS = 10_000;
/**
 * Bytes waiting in our socket buffers toward one client above which it is dropped (16 MiB). Terminal output is
 * bounded by flow control (an ack counts only bytes the socket took) to its high watermark plus a chunk; what else
 * goes out (snapshots, run results of at most 64 KiB) is many times below this. Only a client that stopped reading
 * its socket while asking for more (`run` in a loop) gets here, and it would otherwise grow the server's memory.
 */
export const MAX_SOCKET_BUFFERED_BYTES = 16 * 1024 * 1024;
/**
 * Messages toward one client that its socket has not taken yet, above which it is dropped. Tiny replies cost far
 * more memory than their bytes (each write is held with its callback), so bytes alone do not bound them. An honest
 * client has a few in flight; even output cut into 100-byte frames within flow control's window is ~5000.
 */
export const MAX_PENDING_SENDS = 16_384;
/**
 * What one message or frame waiting for hello's session counts for, beyond its payload (bytes): its promise
 * chain and closure cost about this much, so empty frames and small messages cannot queue without bound.
 */
export const EARLY_ITEM_COST_BYTES = 256;
/** WebSocket close reasons are at most 123 bytes. */
const MAX_CLOSE_REASON_BYTES = 123;

export interface ConnectionDeps {
  sessions: SessionManager;
  catalog: LessonCatalog;
  log: Logger;
  /** A class learner's connection: it may attach only to this owner's sessions, and makes sessions for them. */
  owner?: SessionOwner;
  /** The instructor's connection in a class: `hello {role: 'instructor'}` subscribes it to the class's changes. */
  classFeed?: ClassFeed;
}

/** What the instructor's socket streams: the class once, then each change; and a learner's terminals, watched. */
export interface ClassFeed {
  view(): ClassView;
  onUpdate: (listener: (update: ClassUpdate) => void) => { dispose(): void };
  /** Whether this id is a learner of the class (not removed): only they may be watched. */
  isLearner(learnerId: string): boolean;
}

export function serveConnection(ws: WebSocket, deps: ConnectionDeps): void {
  const store = new DisposableStore();
  let session: Session | null = null;
  let ready: Promise<Session | null> | null = null;
  let alive = true;
  /** Set (in ready's first callback) once hello's session is attached: input then goes straight to it. */
  let attached: Session | null = null;
  /** What waits for hello's session to be made: input bytes plus EARLY_ITEM_COST_BYTES per message or frame. */
  let earlyBytes = 0;
  /** Backpressure waits in progress; the socket is paused while there is one. */
  let inputWaits = 0;
  let overAckWarned = false;
  /** Messages and frames handed to ws whose send callback has not come yet. */
  let pendingSends = 0;
  /** Set on the instructor's socket (after `hello {role: 'instructor'}`): it has no session and never types. */
  let instructorFeed: ClassFeed | null = null;
  /** What the instructor's socket watches now, if anything. */
  let watch: SessionWatch | null = null;
  let inputOnWatchWarned = false;

  /** False (and the socket is dropped) when the client has stopped reading what it is sent. */
  function roomToSend(): boolean {
    if (ws.readyState !== ws.OPEN) return false;
    if (ws.bufferedAmount <= MAX_SOCKET_BUFFERED_BYTES && pendingSends < MAX_PENDING_SENDS) return true;
    deps.log.warn(
      { session: session?.id, buffered: ws.bufferedAmount, pendingSends },
      'client stopped reading its socket; dropped',
    );
    ws.terminate();
    return false;
  }

  const client: SessionClient = {
    send: (message: ServerMessageBody, written?: () => void) => {
      if (!roomToSend()) return;
      pendingSends++;
      ws.send(encodeServerMessage(message), (err) => {
        pendingSends--;
        if (!err) written?.();
      });
    },
    sendFrame: (frame: Uint8Array, written?: () => void) => {
      if (!roomToSend()) return;
      pendingSends++;
      ws.send(frame, { binary: true }, (err) => {
        pendingSends--;
        if (!err) written?.(); // the socket took it; an error means it never will
      });
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
    // A socket paused for backpressure cannot read its pong; it is kept (the shell's drain or the session's end
    // resumes it), so a long paste into a busy program does not cost the learner the connection.
    if (!alive && inputWaits === 0) {
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
    // Someone else's session is treated as unknown (no hint that it exists): this connection gets its own.
    if (target && target.owner !== (deps.owner?.id ?? null)) target = undefined;
    if (!target) {
      const lesson = deps.catalog.get(message.lessonId);
      if (!lesson) throw new SessionError('LESSON_NOT_FOUND', `no lesson "${message.lessonId}" here`);
      target = await deps.sessions.create(lesson, size, deps.owner);
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

  /** The instructor's feed: no session; input and lesson messages on this socket go nowhere. */
  function followClass(): void {
    const feed = deps.classFeed;
    if (!feed) {
      closeWith(CLOSE_FORBIDDEN, "only the class's instructor may follow the class");
      return;
    }
    ready = Promise.resolve(null);
    instructorFeed = feed;
    store.add(feed.onUpdate((update) => client.send({ type: 'classUpdate', update })));
    store.add(toDisposable(() => watch?.dispose()));
    client.send({ type: 'classState', view: feed.view() });
  }

  /** `watch` and `unwatch` from the instructor: one learner's terminals in one lesson at a time, read-only. */
  function handleInstructorText(text: string, feed: ClassFeed): void {
    const decoded = decodeInstructorMessage(text);
    if (!decoded.ok) {
      closeWith(decoded.closeCode, decoded.reason);
      return;
    }
    const message = decoded.message;
    watch?.dispose();
    watch = null;
    if (message.type === 'unwatch') return;
    if (!feed.isLearner(message.learnerId)) {
      client.send({
        type: 'error',
        code: 'LEARNER_NOT_FOUND',
        message: `no learner ${message.learnerId} in this class`,
      });
      return;
    }
    if (!deps.catalog.get(message.lessonId)) {
      client.send({ type: 'error', code: 'LESSON_NOT_FOUND', message: `no lesson "${message.lessonId}" here` });
      return;
    }
    watch = new SessionWatch(deps.sessions, { learnerId: message.learnerId, lessonId: message.lessonId }, client);
  }

  function handleText(text: string): void {
    if (!ready && decodeInstructorHello(text)) {
      followClass();
      return;
    }
    if (instructorFeed) {
      handleInstructorText(text, instructorFeed);
      return;
    }
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
      // First callback on `ready`: it runs before the input queued on `ready` below, and any later frame
      // arrives after all of them, so input keeps its order when it starts going straight to the session.
      void ready.then((s) => {
        attached = s;
      });
      return;
    }
    if (!ready) {
      closeWith(CLOSE_BAD_MESSAGE, 'the first message must be hello');
      return;
    }
    // Once attached, messages and frames go straight to the session, in the order they came: a frame typed
    // right after `openTerminal` must find the terminal already opening.
    if (attached) {
      if (message.type === 'ack') ack(attached, message.term, message.bytes);
      else dispatch(attached, message).catch(fail);
      return;
    }
    if (message.type === 'ack') {
      const pending = ready.then((s) => (s ? ack(s, message.term, message.bytes) : undefined));
      holdEarly(EARLY_ITEM_COST_BYTES, pending);
      return;
    }
    const pending = ready.then((s) => (s ? dispatch(s, message) : undefined)).catch(fail);
    holdEarly(EARLY_ITEM_COST_BYTES, pending);
  }

  /** Counts what waits for hello's session until `pending` settles; past the bound the socket stops being read. */
  function holdEarly(cost: number, pending: Promise<void>): void {
    earlyBytes += cost;
    const settled = pending
      .catch(() => undefined)
      .then(() => {
        earlyBytes -= cost;
      });
    if (earlyBytes >= PTY_INPUT_QUEUE_MAX_BYTES) holdInput(settled);
  }

  function handleBinary(data: Buffer): void {
    if (instructorFeed) {
      // Watching is read-only: keys typed in the watch view are dropped here and never reach a pty.
      if (!inputOnWatchWarned) {
        inputOnWatchWarned = true;
        deps.log.info('input on the instructor socket dropped (watching is read-only)');
      }
      return;
    }
    const frame = decodeTerminalFrame(data);
    if (!frame || !ready) return; // input before hello has nowhere to go
    const payload = Buffer.from(frame.payload);
    if (attached) {
      const wait = attached.input(frame.term, payload);
      if (wait) holdInput(wait);
      return;
    }
    // hello is still making the session: keys wait for it, and past the bound so does the socket.
    const typed = ready.then((s) => s?.input(frame.term, payload) ?? undefined);
    holdEarly(payload.length + EARLY_ITEM_COST_BYTES, typed);
  }

  /** Stops reading the socket until `wait` settles (and every other wait too). */
  function holdInput(wait: Promise<void>): void {
    if (inputWaits++ === 0) ws.pause();
    void wait
      .catch(() => undefined)
      .then(() => {
        if (--inputWaits === 0) ws.resume();
      });
  }

  function ack(s: Session, term: number, bytes: number): void {
    const over = s.ack(term, bytes);
    if (over === 0 || overAckWarned) return;
    // Clamped, not fatal: the ack's credit is dropped either way, and closing would gain nothing. Once per socket.
    overAckWarned = true;
    deps.log.warn({ session: s.id, term, over }, 'client acked more output than it was sent; the excess is ignored');
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

async function dispatch(session: Session, message: Exclude<ClientMessage, { type: 'hello' | 'ack' }>): Promise<void> {
  switch (message.type) {
    case 'resize':
      session.resize(message.term, clampSize(message.cols, message.rows));
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
  return (
    bytes
      .subarray(0, MAX_CLOSE_REASON_BYTES - 3)
      .toString('utf8')
      .replace(/\uFFFD+$/, '') + '...'
  );
}
