// The two kinds of socket a class bench speaks: a learner's (hello for a lesson, T1's output watched for the
// prompt, cells run and steps checked) and the instructor's (hello {role: 'instructor'}, classUpdate collected).
// Every arrival is stamped with performance.now() (ms) as it is decoded, so latencies come from one clock.
import WebSocket from 'ws';
import {
  ACK_EVERY_BYTES,
  decodeServerMessage,
  decodeTerminalFrame,
  encodeClientMessage,
  encodeInstructorHello,
  encodeTerminalFrame,
  type ClassUpdate,
  type ServerMessage,
} from '../../server/protocol/index.ts';

/** T1's output kept for marker searches (characters): more than a prompt with its markers and a short answer. */
const TAIL_CHARS = 8_192;
/** The end of a prompt (OSC 133;B), written by the shell integration's PS1. */
const PROMPT_MARK = '\x1b]133;B';

type Stamped<T> = { at: number; value: T };

/** A socket that collects stamped server messages and wakes waiters on each arrival. */
class StampedSocket {
  readonly messages: Stamped<ServerMessage>[] = [];
  protected readonly waiters = new Set<() => void>();
  closed: string | null = null;

  protected constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const at = performance.now();
      if (isBinary) this.onFrame(data, at);
      else {
        const decoded = decodeServerMessage(data.toString('utf8'));
        if (!decoded.ok) throw new Error(`the server sent a bad message: ${decoded.reason}`);
        this.messages.push({ at, value: decoded.message });
      }
      for (const wake of [...this.waiters]) wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = `${code} ${reason.toString()}`;
      for (const wake of [...this.waiters]) wake();
    });
  }

  protected static open(url: string, origin: string, cookie: string): Promise<WebSocket> {
    const ws = new WebSocket(url, { headers: { Origin: origin, Cookie: cookie }, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  protected onFrame(_data: Buffer, _at: number): void {}

  /** Resolves with test()'s first non-undefined answer, re-tested on every arrival; rejects on close or timeout. */
  waitUntil<T>(what: string, test: () => T | undefined, timeoutMs: number): Promise<T> {
    const first = test();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const finish = (err: Error | null, value?: T) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        if (err) reject(err);
        else resolve(value as T);
      };
      // Called from the socket's event handlers: a throw here must reject this wait, never escape to them.
      const wake = () => {
        try {
          const v = test();
          if (v !== undefined) finish(null, v);
          else if (this.closed !== null) finish(new Error(`socket closed (${this.closed}) waiting for ${what}`));
        } catch (err: unknown) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      };
      const timer = setTimeout(() => finish(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.add(wake);
    });
  }

  /** The first message from index `from` on that passes `test`, with its arrival time. */
  nextMessage(what: string, test: (m: ServerMessage) => boolean, from: number, timeoutMs: number) {
    return this.waitUntil(
      what,
      () => {
        for (let i = from; i < this.messages.length; i++) {
          const m = this.messages[i];
          if (m && test(m.value)) return m;
        }
        const error = this.messages.slice(from).find((m) => m.value.type === 'error')?.value;
        if (error?.type === 'error') throw new Error(`server error ${error.code}: ${error.message}`);
        return undefined;
      },
      timeoutMs,
    );
  }

  close(): void {
    this.ws.close();
  }
}

export class LearnerSocket extends StampedSocket {
  private tail = '';
  private unacked = 0;
  /** performance.now() of the first prompt mark on T1, once seen. */
  firstPromptAt: number | null = null;

  static async connect(url: string, origin: string, cookie: string): Promise<LearnerSocket> {
    return new LearnerSocket(await StampedSocket.open(url, origin, cookie));
  }

  protected override onFrame(data: Buffer, at: number): void {
    const frame = decodeTerminalFrame(data);
    if (!frame || frame.term !== 0) return;
    this.tail = (this.tail + Buffer.from(frame.payload).toString('latin1')).slice(-TAIL_CHARS);
    if (this.firstPromptAt === null && this.tail.includes(PROMPT_MARK)) this.firstPromptAt = at;
    // Ack like the browser, so flow control never holds output back.
    this.unacked += frame.payload.byteLength;
    if (this.unacked >= ACK_EVERY_BYTES / 2) {
      this.ws.send(encodeClientMessage({ type: 'ack', term: 0, bytes: this.unacked }));
      this.unacked = 0;
    }
  }

  send(body: Parameters<typeof encodeClientMessage>[0]): number {
    const from = this.messages.length;
    this.ws.send(encodeClientMessage(body));
    return from;
  }

  /** Says hello for `lessonId` and waits for the welcome; resolves with its arrival (ms, performance.now()). */
  async hello(lessonId: string, timeoutMs: number): Promise<number> {
    const from = this.send({ type: 'hello', lessonId, cols: 120, rows: 40 });
    return (await this.nextMessage('welcome', (m) => m.type === 'welcome', from, timeoutMs)).at;
  }

  /** When T1 first showed a prompt (ms, performance.now()). */
  prompt(timeoutMs: number): Promise<number> {
    return this.waitUntil('a prompt on T1', () => this.firstPromptAt ?? undefined, timeoutMs);
  }

  /** Runs a cell and resolves with its exit code once its runResult arrives. */
  async run(cellId: string, timeoutMs: number): Promise<number | null> {
    const from = this.send({ type: 'run', cellId });
    const m = await this.nextMessage(
      `runResult of ${cellId}`,
      (x) => x.type === 'runResult' && x.cellId === cellId,
      from,
      timeoutMs,
    );
    return m.value.type === 'runResult' ? m.value.exitCode : null;
  }

  /** Checks a step: whether it passed and when the checkResult arrived. */
  async check(stepId: string, timeoutMs: number): Promise<{ passed: boolean; at: number }> {
    const from = this.send({ type: 'check', stepId });
    const m = await this.nextMessage(
      `checkResult of ${stepId}`,
      (x) => x.type === 'checkResult' && x.stepId === stepId,
      from,
      timeoutMs,
    );
    return { passed: m.value.type === 'checkResult' && m.value.passed, at: m.at };
  }

  /** Types a command into T1 and waits until its output matches `answer`. */
  async typeAndWait(command: string, answer: RegExp, timeoutMs: number): Promise<number> {
    this.tail = '';
    this.ws.send(encodeTerminalFrame(0, Buffer.from(`${command}\r`)));
    return this.waitUntil(
      `${answer.source} after "${command}"`,
      () => (answer.test(this.tail) ? performance.now() : undefined),
      timeoutMs,
    );
  }
}

export class InstructorSocket extends StampedSocket {
  static async connect(url: string, origin: string, cookie: string, timeoutMs: number): Promise<InstructorSocket> {
    const socket = new InstructorSocket(await StampedSocket.open(url, origin, cookie));
    socket.ws.send(encodeInstructorHello());
    await socket.nextMessage('classState', (m) => m.type === 'classState', 0, timeoutMs);
    return socket;
  }

  /** When a classUpdate first showed `learnerId`'s `stepId` of `lessonId` passed (ms, performance.now()). */
  passedAt(learnerId: string, lessonId: string, stepId: string, timeoutMs: number): Promise<number> {
    const passed = (u: ClassUpdate): boolean =>
      u.kind === 'learner' &&
      u.learner.id === learnerId &&
      (u.learner.lessons[lessonId]?.steps ?? []).some((s) => s.id === stepId && s.status === 'passed');
    return this.nextMessage(
      `classUpdate with ${stepId} passed`,
      (m) => m.type === 'classUpdate' && passed(m.update),
      0,
      timeoutMs,
    ).then((m) => m.at);
  }
}
