// A session: one learner working through one lesson (DESIGN.md "Terminals and sessions"). It owns the
// learner's environment (provisioned by server/environment), its terminals, the lesson's background and
// foreground scripts, the queue of runs, the last run's result (for
// `output` checks), checks, Reset and Catch up. It outlives its client for a grace period; closing it is
// one dispose(), which also destroys the environment.
import type { Logger } from 'pino';
import {
  createLessonEnvironment,
  PTY_INPUT_QUEUE_MAX_BYTES,
  writeFileCell,
  runScripts,
  runSetup,
  SCRIPT_TIMEOUT_MS,
  type Environment,
  type Provider,
  type TerminalSize,
} from '../environment/index.ts';
import type { Cell, Lesson, Script, Step } from '../lesson/index.ts';
import type { LastRun } from '../checks/index.ts';
import { CLOSE_GOING_AWAY, CLOSE_REPLACED } from '../protocol/index.ts';
import type { ServerMessageBody } from '../protocol/index.ts';
import { DisposableStore, Emitter, toDisposable, type Disposable } from '../protocol/index.ts';
import { LiveTerminal } from './live-terminal.ts';
import { ShellTerminal, type CellRunResult } from './shell-terminal.ts';
import { SessionError, TerminalError, describeError } from './errors.ts';
import {
  CATCH_UP_CELL_TIMEOUT_MS,
  MAX_CONCURRENT_CHECKS,
  MAX_CONCURRENT_FILE_WRITES,
  MAX_QUEUED_RUNS,
  type SessionLimits,
} from './limits.ts';
import type { SessionClient } from './session-client.ts';
import type { StepChecker } from './step-checks.ts';

import {
  findFileCell,
  findRunnableCell,
  findStep,
  replayableCellsBefore,
  stepOfCell,
} from './session/lesson-lookup.ts';

/** A terminal of a session, just opened: its index, its size, and its output and size events. */
export interface TerminalOpened {
  term: number;
  size: TerminalSize;
  /** What it printed before it was handed out (its first prompt): onOutput has everything after. */
  startup: Buffer;
  onOutput: LiveTerminal['onOutput'];
  onResize: LiveTerminal['onResize'];
}

/** Where completed steps are remembered (server/http/progress-store.ts implements it). */
export interface ProgressTracker {
  completedSteps(lessonId: string): string[];
  markComplete(lessonId: string, stepId: string): Promise<string[]>;
  /** A check of the step failed, for `reason` (a class records attempts and the last reason). */
  markFailed?(lessonId: string, stepId: string, reason: string): Promise<void>;
}

export interface SessionDeps {
  provider: Provider;
  progress: ProgressTracker;
  limits: SessionLimits;
  checkStep: StepChecker;
  log: Logger;
  /** Called once the session exists, before its first terminal opens: whoever follows onTerminalOpened (a
   *  recording) subscribes here, or it would miss T1. */
  starting?: (session: Session) => void;
}

export class Session implements Disposable {
  private readonly store = new DisposableStore();
  private terminalStore = this.store.add(new DisposableStore()); // replaced on Reset
  private readonly terminals = new Map<number, LiveTerminal>();
  private readonly opening = new Map<number, Promise<LiveTerminal>>();
  private client: SessionClient | null = null;
  private lastRun: LastRun | undefined;
  /** Each page's scripts (`intro`, `step:ID`), started once per environment; they never reject. */
  private scriptRuns = new Map<string, Promise<void>>();
  private operation: 'reset' | 'catchUp' | null = null;
  private generation = 0;
  /** Checks running now (each may run commands in the environment); at most MAX_CONCURRENT_CHECKS. */
  private checksRunning = 0;
  private fileWritesRunning = 0;
  /** Input bytes waiting for a terminal that is still opening (see input()). */
  private openingInputBytes = 0;
  private size: TerminalSize;
  private destroyed: Promise<void> | null = null;
  /** Until its first client is welcomed, the environment is fresh: nothing ran in it. */
  private fresh = true;
  readonly createdAt = Date.now();
  lastActivity = Date.now();
  /** Read-only readers of every terminal (see watch()), each with its hold on each open terminal. */
  private readonly watchers = new Map<SessionClient, Map<number, Disposable>>();
  private readonly _onTerminalOpened = this.store.add(new Emitter<TerminalOpened>());
  /** A terminal opened (T1 at start, T2... on demand, all of them again after Reset): recordings follow it. */
  readonly onTerminalOpened = this._onTerminalOpened.event;

  private constructor(
    readonly id: string,
    private lessonValue: Lesson,
    private env: Environment,
    private readonly deps: SessionDeps,
    size: TerminalSize,
    readonly owner: string | null,
  ) {
    this.size = size;
  }

  /**
   * Makes the environment (assets copied in), opens T1 and starts the intro's scripts (runs and checks wait for
   * them). `owner` is who may attach to it: a class learner's id, or null for the server's one user.
   */
  static async create(
    id: string,
    lesson: Lesson,
    size: TerminalSize,
    deps: SessionDeps,
    owner: string | null = null,
  ): Promise<Session> {
    const env = await createLessonEnvironment(deps.provider, id, lesson);
    const session = new Session(id, lesson, env, deps, size, owner);
    try {
      deps.starting?.(session);
      await session.terminal(0);
    } catch (e: unknown) {
      session.dispose();
      await session.closed();
      throw e;
    }
    void session.scriptsBefore(null);
    return session;
  }

  get lesson(): Lesson {
    return this.lessonValue;
  }

  get environment(): Environment {
    return this.env;
  }

  get attached(): boolean {
    return this.client !== null;
  }

  get isClosed(): boolean {
    return this.store.isDisposed;
  }

  terminalInfo(term: number): LiveTerminal | undefined {
    return this.terminals.get(term);
  }

  /** The lesson's files changed (--watch): later runs and checks use the new version, and the page reloads it. */
  replaceLesson(lesson: Lesson): void {
    this.lessonValue = lesson;
    this.send({ type: 'lessonChanged', lessonId: lesson.id });
  }

  /** A short message for the learner's page (an instructor's broadcast). */
  announce(message: string): void {
    this.send({ type: 'broadcast', message });
  }

  /** Makes `client` this session's client (closing a previous one), welcomes it and sends each screen. */
  async attach(client: SessionClient): Promise<void> {
    if (this.isClosed) throw new SessionError('SESSION_CLOSED', `session ${this.id} has ended`);
    const previous = this.client;
    this.client = client;
    this.touch();
    if (previous && previous !== client)
      previous.close(CLOSE_REPLACED, 'this session was opened in another connection');
    client.send({
      type: 'welcome',
      sessionId: this.id,
      fresh: this.fresh,
      terminals: this.terminalIndexes,
      completedSteps: this.deps.progress.completedSteps(this.lesson.id),
    });
    this.fresh = false;
    await Promise.all([...this.terminals.values()].map((t) => t.attach(client)));
  }

  /**
   * Adds a read-only reader of every terminal, now and later (DESIGN.md "Instructor live view"): each terminal's
   * snapshot then its live output, and `exited`. It never types, acks or pauses anything. Disposing ends it.
   */
  watch(client: SessionClient): Disposable {
    if (this.isClosed || this.watchers.has(client)) return toDisposable(() => undefined);
    const holds = new Map<number, Disposable>();
    this.watchers.set(client, holds);
    for (const [term, live] of this.terminals) holds.set(term, live.watch(client));
    return toDisposable(() => {
      if (this.watchers.get(client) !== holds) return;
      this.watchers.delete(client);
      for (const hold of holds.values()) hold.dispose();
    });
  }

  /** The open terminals' indexes, in order. */
  get terminalIndexes(): number[] {
    return [...this.terminals.keys()].sort((a, b) => a - b);
  }

  detach(client: SessionClient): void {
    if (this.client !== client) return;
    this.client = null;
    for (const t of this.terminals.values()) t.detach(client);
  }

  /**
   * Learner input for T<term+1>. Returns null, or a promise: the terminal's input queue is full, so the caller
   * reads nothing more from its client until it settles (backpressure; see LiveTerminal.write).
   */
  input(term: number, data: Buffer): Promise<void> | null {
    this.touch();
    const opening = this.opening.get(term);
    if (opening) {
      // Keys typed while T<n> opens or restarts belong to the new shell, in order (a restart's `.then`s run in
      // the order they were added, before any later message). If the opening fails there is no shell to type to.
      // What waits here is bounded like a pty's input queue: past the bound, the caller waits for the opening.
      this.openingInputBytes += data.length;
      const typed = opening.then(
        (live) => {
          this.openingInputBytes -= data.length;
          return live.write(data) ?? undefined;
        },
        () => {
          this.openingInputBytes -= data.length;
        },
      );
      return this.openingInputBytes >= PTY_INPUT_QUEUE_MAX_BYTES ? typed : null;
    }
    return this.terminals.get(term)?.write(data) ?? null;
  }

  /** The client processed `bytes` of T<term+1>. Returns how many it could not have received (0 when honest). */
  ack(term: number, bytes: number): number {
    return this.terminals.get(term)?.ack(bytes) ?? 0;
  }

  resize(term: number, size: TerminalSize): void {
    this.touch();
    if (term === 0) this.size = size;
    this.terminals.get(term)?.resize(size);
  }

  interrupt(term: number): void {
    this.touch();
    this.terminals.get(term)?.shell.interrupt();
  }

  /** Opens terminal `term`, or restarts its shell if it exited. Runs sent meanwhile wait for it. */
  async openTerminal(term: number): Promise<void> {
    this.touch();
    this.refuseDuringReset();
    const live = this.terminals.get(term);
    if (!live || this.opening.has(term)) {
      await this.terminal(term);
      return;
    }
    if (!live.shell.exited) return;
    await this.track(term, async () => {
      const shell = await ShellTerminal.open(this.env, this.size, { term });
      if (this.terminals.get(term) !== live) {
        shell.dispose();
        throw new TerminalError('DISPOSED', `T${term + 1} was closed while it restarted`);
      }
      live.restart(shell);
      this.watchShell(shell);
      return live;
    });
  }

  /** Runs a lesson cell in its terminal and reports runQueued / runStarted / runResult. */
  async run(cellId: string): Promise<CellRunResult | null> {
    this.touch();
    this.refuseDuringReset();
    const cell = findRunnableCell(this.lesson, cellId);
    return this.runCell(cell);
  }

  /** Writes a file cell's text into the environment at its path; reports runStarted / runResult like a run. */
  async writeFile(cellId: string): Promise<void> {
    this.touch();
    this.refuseDuringReset();
    const cell = findFileCell(this.lesson, cellId);
    await this.scriptsBefore(stepOfCell(this.lesson, cell)); // as Run and `stepwise check` do
    await this.runFileCell(cell);
  }

  async check(stepId: string): Promise<void> {
    this.touch();
    this.refuseDuringReset();
    const step = findStep(this.lesson, stepId);
    if (this.checksRunning >= MAX_CONCURRENT_CHECKS) {
      throw new SessionError(
        'CHECKS_BUSY',
        `${MAX_CONCURRENT_CHECKS} checks are already running; wait for their results`,
      );
    }
    let verdict: Awaited<ReturnType<StepChecker>>;
    // Counted before the first await: checks that arrive together must each see the others.
    this.checksRunning++;
    try {
      await this.scriptsBefore(step);
      verdict = await this.deps.checkStep(step, {
        environment: this.env,
        lessonDir: this.lesson.dir,
        ...(this.lastRun ? { lastRun: this.lastRun } : {}),
      });
    } catch (e: unknown) {
      this.deps.log.error({ err: e, session: this.id, step: stepId }, 'checks failed to run');
      const { message } = describeError(e);
      throw new SessionError('CHECKS_FAILED_TO_RUN', `the checks of step "${step.title}" could not run: ${message}`);
    } finally {
      this.checksRunning--;
    }
    this.send({ type: 'checkResult', stepId, passed: verdict.passed, results: verdict.results });
    if (verdict.passed) {
      const completedSteps = await this.deps.progress.markComplete(this.lesson.id, step.id);
      this.send({ type: 'progress', completedSteps });
    } else {
      await this.deps.progress.markFailed?.(this.lesson.id, step.id, failureReason(verdict.results));
    }
  }

  /** A fresh environment: destroy this one, make a new one, run the lesson's setup, reopen the terminals, start
   *  the intro's scripts. */
  async reset(): Promise<void> {
    this.touch();
    await this.exclusive(
      'reset',
      async () => {
        const open = [...this.terminals.keys()];
        this.closeTerminals();
        await this.env.dispose();
        this.scriptRuns = new Map();
        this.generation++;
        this.env = await createLessonEnvironment(this.deps.provider, `${this.id}-${this.generation}`, this.lesson, {
          setupFollows: true,
        });
        this.lastRun = undefined;
        const setupError = await runSetup(this.env, this.lesson);
        if (setupError !== null) this.deps.log.warn({ session: this.id, why: setupError }, 'lesson setup failed');
        for (const term of open.length > 0 ? open : [0]) await this.terminal(term);
        this.send(setupError ? { type: 'resetDone', ok: false, message: setupError } : { type: 'resetDone', ok: true });
        if (setupError === null) void this.scriptsBefore(null);
      },
      'resetDone',
    );
  }

  /** Replays the runnable cells of the steps before `stepId`, stopping at the first unexpected exit status. */
  async catchUp(stepId: string): Promise<void> {
    this.touch();
    const target = findStep(this.lesson, stepId);
    await this.exclusive(
      'catchUp',
      async () => {
        for (const cell of replayableCellsBefore(this.lesson, target)) {
          const result = await this.runCell(cell, CATCH_UP_CELL_TIMEOUT_MS);
          if (!result || result.exitCode !== cell.expectExit) {
            const seen = result ? `exit status ${result.exitCode ?? 'unknown'}` : 'no result';
            this.send({
              type: 'catchUpDone',
              ok: false,
              message: `stopped at ${cell.id} (${cell.command.split('\n')[0]}): ${seen}, expected ${cell.expectExit}`,
            });
            return;
          }
        }
        this.send({ type: 'catchUpDone', ok: true });
      },
      'catchUpDone',
    );
  }

  /** Closes the terminals and destroys the environment. Idempotent; `closed()` resolves when it is gone. */
  dispose(): void {
    if (this.store.isDisposed) return;
    const client = this.client;
    this.client = null;
    this.watchers.clear(); // closing the terminals ends their watchers
    this.closeTerminals();
    this.store.dispose();
    if (client) client.close(CLOSE_GOING_AWAY, 'the session ended');
    this.destroyed = this.env.dispose().catch((e: unknown) => {
      this.deps.log.error({ err: e, session: this.id }, 'destroying the environment failed');
    });
  }

  closed(): Promise<void> {
    return this.destroyed ?? Promise.resolve();
  }

  /**
   * The Katacoda background and foreground scripts due before `step` (the intro's, then the step's), as
   * `stepwise check` runs them: started once per environment, in order, and awaited by runs and checks so the
   * step starts in the state the scripts leave. A failing script is told to the client; the learner goes on.
   */
  private scriptsBefore(step: Step | null): Promise<void> {
    const pages: { key: string; scripts: readonly Script[] }[] = [
      { key: 'intro', scripts: this.lesson.intro?.scripts ?? [] },
    ];
    if (step) pages.push({ key: `step:${step.id}`, scripts: step.scripts });
    let chain = Promise.resolve();
    for (const page of pages) {
      let run = this.scriptRuns.get(page.key);
      if (run === undefined) {
        const env = this.env;
        run = chain.then(() => this.runPageScripts(env, page.scripts));
        this.scriptRuns.set(page.key, run);
      }
      chain = run;
    }
    return chain;
  }

  private async runPageScripts(env: Environment, scripts: readonly Script[]): Promise<void> {
    if (scripts.every((s) => s.kind === 'verify')) return;
    try {
      const failure = await runScripts(env, scripts, {
        timeoutMs: SCRIPT_TIMEOUT_MS,
        foreground: async (command, timeoutMs) => (await this.terminal(0)).shell.run(command, { timeoutMs }),
      });
      if (failure !== null && env === this.env) {
        this.deps.log.warn({ session: this.id, why: failure }, 'a lesson script failed');
        this.send({ type: 'error', code: 'SCRIPT_FAILED', message: failure });
      }
    } catch (e: unknown) {
      if (env !== this.env || this.isClosed) return; // the environment was reset or closed under the script
      this.deps.log.error({ err: e, session: this.id }, 'a lesson script could not run');
      this.send({ type: 'error', ...describeError(e) });
    }
  }

  private async runCell(cell: Cell, timeoutMs?: number): Promise<CellRunResult | null> {
    await this.scriptsBefore(stepOfCell(this.lesson, cell)); // Run and Catch up alike
    const live = await this.terminal(cell.terminal - 1);
    // Keys, Ctrl-C and no-newline cells are typed, not run: they end at once, with no status to report.
    const typed = () =>
      this.send({ type: 'runResult', cellId: cell.id, exitCode: null, output: '', durationMs: 0, truncated: false });
    if (live.shell.inputFull && cell.kind !== 'interrupt') {
      throw new SessionError('RUN_QUEUE_FULL', `T${cell.terminal}'s input is full: the program in it is not reading`);
    }
    if (live.shell.queuedRuns >= MAX_QUEUED_RUNS) {
      throw new SessionError(
        'RUN_QUEUE_FULL',
        `${MAX_QUEUED_RUNS} runs already wait on T${cell.terminal}; wait for them, or press Ctrl-C`,
      );
    }
    switch (cell.kind) {
      case 'interrupt':
        live.shell.interrupt();
        typed();
        return null;
      case 'keys':
        void live.write(cell.noNewline ? cell.command : `${cell.command}\r`); // settles on drain; never rejects
        typed();
        return null;
      case 'copy':
        throw new SessionError('CELL_NOT_RUNNABLE', `cell ${cell.id} is for copying, not running`);
      case 'file':
        return this.runFileCell(cell);
      case 'exec':
        break;
    }
    if (cell.noNewline) {
      void live.write(cell.command); // settles on drain; never rejects
      typed();
      return null;
    }
    const ahead = live.shell.queuedRuns;
    if (ahead > 0 || live.shell.busy) this.send({ type: 'runQueued', cellId: cell.id, position: ahead });
    let result: CellRunResult;
    try {
      result = await live.shell.run(cell.command, { cellId: cell.id, ...(timeoutMs ? { timeoutMs } : {}) });
    } catch (e: unknown) {
      if (!(e instanceof TerminalError)) throw e;
      this.send({ type: 'runResult', cellId: cell.id, exitCode: null, output: '', durationMs: 0, truncated: false });
      if (e.code !== 'DISPOSED') this.send({ type: 'error', code: e.code, message: e.message });
      return null;
    }
    this.lastRun = { cellId: cell.id, output: result.output, exitCode: result.exitCode };
    this.send({
      type: 'runResult',
      cellId: cell.id,
      exitCode: result.exitCode,
      output: result.output,
      durationMs: Math.round(result.durationMs),
      truncated: result.truncated,
    });
    return result;
  }

  private async runFileCell(cell: Cell): Promise<CellRunResult> {
    if (this.fileWritesRunning >= MAX_CONCURRENT_FILE_WRITES) {
      throw new SessionError('FILE_WRITES_BUSY', `${MAX_CONCURRENT_FILE_WRITES} files are already being written; wait`);
    }
    this.send({ type: 'runStarted', cellId: cell.id });
    this.fileWritesRunning++;
    let outcome: Awaited<ReturnType<typeof writeFileCell>>;
    try {
      outcome = await writeFileCell(this.env, cell);
    } finally {
      this.fileWritesRunning--;
    }
    this.send({
      type: 'runResult',
      cellId: cell.id,
      exitCode: outcome.exitCode,
      output: outcome.message,
      durationMs: outcome.durationMs,
      truncated: false,
    });
    if (!outcome.ok) this.send({ type: 'error', code: 'FILE_NOT_WRITTEN', message: `${cell.id}: ${outcome.message}` });
    return {
      exitCode: outcome.exitCode,
      output: outcome.message,
      durationMs: outcome.durationMs,
      truncated: false,
      timedOut: false,
    };
  }

  /** The terminal at `term`, opened (and shown to the client) if it is not open yet. */
  private terminal(term: number): Promise<LiveTerminal> {
    const pending = this.opening.get(term);
    if (pending) return pending;
    const live = this.terminals.get(term);
    if (live) return Promise.resolve(live);
    if (term < 0 || term >= this.deps.limits.maxTerminalsPerSession) {
      return Promise.reject(
        new SessionError(
          'TOO_MANY_TERMINALS',
          `T${term + 1} is beyond this server's ${this.deps.limits.maxTerminalsPerSession} terminals per session`,
        ),
      );
    }
    const store = this.terminalStore;
    const env = this.env;
    return this.track(term, async () => {
      const shell = await ShellTerminal.open(env, this.size, { term });
      if (store.isDisposed) {
        shell.dispose();
        throw new TerminalError('DISPOSED', `T${term + 1} was closed while it opened`);
      }
      const created = store.add(
        new LiveTerminal(shell, term, this.size, (t, exitCode) => {
          this.send({ type: 'exited', term: t, exitCode });
          for (const watcher of this.watchers.keys()) watcher.send({ type: 'exited', term: t, exitCode });
        }),
      );
      this.watchShell(shell);
      this.terminals.set(term, created);
      for (const [watcher, holds] of this.watchers) {
        holds.get(term)?.dispose(); // the terminal this one replaces (Reset)
        holds.set(term, created.watch(watcher));
      }
      this._onTerminalOpened.fire({
        term,
        size: created.size,
        startup: created.startupOutput,
        onOutput: created.onOutput,
        onResize: created.onResize,
      });
      if (this.client) await created.attach(this.client);
      return created;
    });
  }

  /** Records `work` as the opening (or restart) of `term`, so runs for it wait until it is done. */
  private track(term: number, work: () => Promise<LiveTerminal>): Promise<LiveTerminal> {
    const opening = work();
    this.opening.set(term, opening);
    const forget = () => {
      if (this.opening.get(term) === opening) this.opening.delete(term);
    };
    opening.then(forget, forget);
    return opening;
  }

  private watchShell(shell: ShellTerminal): void {
    this.terminalStore.add(
      shell.onRunStart(({ cellId }) => {
        if (cellId !== undefined) this.send({ type: 'runStarted', cellId });
      }),
    );
  }

  private closeTerminals(): void {
    this.terminalStore.dispose();
    this.terminals.clear();
    this.opening.clear();
    if (!this.store.isDisposed) this.terminalStore = this.store.add(new DisposableStore());
  }

  private async exclusive(
    name: 'reset' | 'catchUp',
    work: () => Promise<void>,
    doneType: 'resetDone' | 'catchUpDone',
  ): Promise<void> {
    if (this.operation)
      throw new SessionError('BUSY', `a ${this.operation === 'reset' ? 'reset' : 'catch-up'} is already running`);
    this.operation = name;
    try {
      await work();
    } catch (e: unknown) {
      this.deps.log.error({ err: e, session: this.id }, `${name} failed`);
      this.send({ type: doneType, ok: false, message: describeError(e).message });
    } finally {
      this.operation = null;
    }
  }

  /** While Reset swaps the environment, nothing may start in the old one or the half-made new one. */
  private refuseDuringReset(): void {
    if (this.operation === 'reset')
      throw new SessionError('BUSY', 'the environment is being reset; try again when it is done');
  }

  private send(message: ServerMessageBody): void {
    this.client?.send(message);
  }

  private touch(): void {
    this.lastActivity = Date.now();
  }
}

/** The first failed check, in one line: what it looked at, what it expected and what it saw. */
function failureReason(
  results: readonly { target: string; passed: boolean; expected: string; seen: string }[],
): string {
  const failed = results.find((r) => !r.passed);
  return failed ? `${failed.target}: expected ${failed.expected}; saw ${failed.seen}` : 'a check failed';
}
