// One terminal: a pty running bash with stepwise's shell integration (shell-integration.ts), and the cells run
// in it. Runs are typed into the shell like a learner would type them, so the learner sees them happen.
//
// A run's result comes from the OSC 133 markers, never from the pty's exit (node-pty can drop the last bytes
// of a dying child, DESIGN.md "Known hazard"): output = the bytes from the run's first C to its D.
//
// Invariants:
//  - One run at a time; runs queue first in, first out. A run is typed only when the shell shows its prompt
//    (marker B) and is not running anything, so a run never types into another program.
//  - A multi-line cell is sent as one bracketed paste: readline takes it as one buffer, bash prints a C for
//    each command in it and one D after the last, so the cell gives one result with the last exit status.
//  - A D with no C before it (an empty line, Ctrl-C at the prompt) ends no run, except the run just typed:
//    then bash read our command but ran nothing (a syntax error, only a comment), and the run ends with that
//    D's status and no output.
//  - Output that arrives before anyone listens (the first prompt) is held and given to the first onData listener.
import type { Environment, PtyHandle, TerminalSize } from '../environment/index.ts';
import { DisposableStore, Emitter, toDisposable, type Disposable } from '../protocol/index.ts';
import { Osc133Scanner, type Osc133Marker } from './osc133-scanner.ts';
import { OutputCapture } from './output-capture.ts';
import { TerminalError } from './errors.ts';
import { AnsiStripper } from './ansi-stripper.ts';
import { SHELL_TOO_OLD_EXIT } from '../environment/index.ts';

/** How long (ms) a new shell may take to show its first prompt (a container exec can be slow to start). */
export const SHELL_START_TIMEOUT_MS = 20_000;
/** After a timeout sends Ctrl-C, how long (ms) the run waits for the shell to report before giving up on it. */
export const INTERRUPT_GRACE_MS = 2_000;
/** If a prompt's B marker does not follow its D (the learner replaced PS1), the shell counts as ready after this (ms). */
export const PROMPT_FALLBACK_MS = 250;
/** Held startup output is capped (bytes): a shell that floods before its prompt does not grow memory. */
const EARLY_OUTPUT_CAP_BYTES = 256 * 1024;

export interface CellRunResult {
  exitCode: number | null; // null: the shell did not report (it exited, or ignored Ctrl-C after a timeout)
  output: string;
  durationMs: number;
  truncated: boolean;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number; // none by default: an interactive run lasts until it ends or the learner stops it
  cellId?: string;
}

type ShellState = 'starting' | 'ready' | 'executing' | 'returning' | 'exited';

interface Run {
  command: string;
  opts: RunOptions;
  resolve: (r: CellRunResult) => void;
  reject: (e: Error) => void;
  startedAt: number;
  capture: OutputCapture | null; // set at the first C
  timedOut: boolean;
  timers: DisposableStore;
}

export class ShellTerminal implements Disposable {
  private readonly store = new DisposableStore();
  private readonly scanner = new Osc133Scanner();
  private readonly _onData = this.store.add(new Emitter<Buffer>());
  private readonly _onExit = this.store.add(new Emitter<{ exitCode: number | null }>());
  private readonly _onRunStart = this.store.add(new Emitter<{ cellId?: string }>());
  private readonly _onReady = this.store.add(new Emitter<void>());
  /** Raw output bytes, exactly as the pty gave them (markers included). The first listener also gets what came before it. */
  readonly onData = (listener: (data: Buffer) => void): Disposable => {
    const subscription = this._onData.event(listener);
    const held = this.early;
    this.early = null;
    for (const chunk of held ?? []) listener(chunk);
    return subscription;
  };
  /** The shell exited (by itself, or killed). */
  readonly onExit = this._onExit.event;
  /** A queued run was typed into the shell. */
  readonly onRunStart = this._onRunStart.event;

  private state: ShellState = 'starting';
  private current: Run | null = null;
  private readonly queue: Run[] = [];
  private early: Buffer[] | null = [];
  private earlyBytes = 0;
  private promptFallback: Disposable | null = null;
  private exitCode: number | null = null;
  /** While the pty's input queue is full: settles when it has room again (one promise per episode). */
  private drained: Promise<void> | null = null;

  private constructor(
    private readonly pty: PtyHandle,
    readonly term: number,
  ) {
    this.store.add(pty.onData((chunk) => this.handleData(chunk)));
    this.store.add(pty.onExit((e) => this.handleExit(e.exitCode)));
  }

  /** Starts a shell and resolves once it shows its first prompt. */
  static async open(env: Environment, size: TerminalSize, opts: { term?: number } = {}): Promise<ShellTerminal> {
    const pty = await env.openPty(size);
    const shell = new ShellTerminal(pty, opts.term ?? 0);
    try {
      await shell.firstPrompt();
    } catch (e: unknown) {
      shell.dispose();
      throw e;
    }
    return shell;
  }

  get pid(): number {
    return this.pty.pid;
  }

  get busy(): boolean {
    return this.current !== null || this.queue.length > 0 || this.state === 'executing';
  }

  get exited(): boolean {
    return this.state === 'exited';
  }

  /** Runs queued ahead of a new one (0 = it starts at once if the shell is idle). */
  get queuedRuns(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  run(command: string, opts: RunOptions = {}): Promise<CellRunResult> {
    if (this.state === 'exited') return Promise.reject(this.exitedError());
    if (this.store.isDisposed)
      return Promise.reject(new TerminalError('DISPOSED', `terminal T${this.term + 1} is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({
        command,
        opts,
        resolve,
        reject,
        startedAt: 0,
        capture: null,
        timedOut: false,
        timers: new DisposableStore(),
      });
      this.pump();
    });
  }

  /** Ctrl-C, now: it skips the queue. Queued runs stay queued. */
  interrupt(): void {
    this.pty.write('\x03');
  }

  /** Learner input. False: the pty's input queue is full; wait for inputDrained() before writing more. */
  write(data: string | Buffer): boolean {
    if (this.state === 'exited' || this.store.isDisposed) return true; // nowhere to go: never hold the source back
    return this.pty.write(data);
  }

  /** The pty's input queue is full (a write returned false and it has not drained since). */
  get inputFull(): boolean {
    return this.drained !== null;
  }

  /** Settles once the pty's input queue has room again, or the shell is gone (exited or disposed). Never rejects. */
  inputDrained(): Promise<void> {
    if (this.state === 'exited' || this.store.isDisposed) return Promise.resolve();
    this.drained ??= new Promise((resolve) => {
      const waits = this.store.add(new DisposableStore());
      const done = () => {
        this.drained = null;
        this.store.delete(waits);
        waits.dispose();
      };
      waits.add(toDisposable(resolve)); // disposed with the terminal too: the waiter is released, never left hanging
      waits.add(this.pty.onDrain(done));
      waits.add(this._onExit.event(done));
    });
    return this.drained;
  }

  resize(size: TerminalSize): void {
    this.pty.resize(size);
  }

  pause(): void {
    this.pty.pause();
  }

  resume(): void {
    this.pty.resume();
  }

  dispose(): void {
    if (this.store.isDisposed) return;
    const closed = new TerminalError('DISPOSED', `terminal T${this.term + 1} was closed`);
    this.failAll(closed);
    this.promptFallback?.dispose();
    this.store.dispose();
    this.pty.kill();
  }

  private firstPrompt(): Promise<void> {
    return new Promise((resolve, reject) => {
      const waits = new DisposableStore();
      const done = (error?: Error) => {
        waits.dispose();
        if (error) reject(error);
        else resolve();
      };
      waits.add(this._onReady.event(() => done()));
      waits.add(
        this._onExit.event(({ exitCode }) => {
          const said = new AnsiStripper()
            .strip(Buffer.concat(this.early ?? []))
            .toString('utf8')
            .trim()
            .slice(-500);
          const why = exitCode === SHELL_TOO_OLD_EXIT ? '' : ` (exit status ${exitCode ?? 'unknown'})`;
          done(
            new TerminalError(
              'SHELL_START_FAILED',
              `the shell of T${this.term + 1} exited before its first prompt${why}${said ? `: ${said}` : ''}`,
            ),
          );
        }),
      );
      waits.timeout(
        () =>
          done(
            new TerminalError(
              'SHELL_START_FAILED',
              `the shell of T${this.term + 1} showed no prompt within ${SHELL_START_TIMEOUT_MS} ms`,
            ),
          ),
        SHELL_START_TIMEOUT_MS,
      );
    });
  }

  private handleData(chunk: Buffer): void {
    if (!this.early) {
      this._onData.fire(chunk); // hot path first: the live stream never waits for parsing
    } else if (this.earlyBytes < EARLY_OUTPUT_CAP_BYTES) {
      this.early.push(chunk);
      this.earlyBytes += chunk.length;
    }
    this.scanner.feed(
      chunk,
      (bytes) => this.current?.capture?.append(bytes),
      (marker) => this.handleMarker(marker),
    );
  }

  private handleMarker(marker: Osc133Marker): void {
    switch (marker.kind) {
      case 'A':
        return;
      case 'B':
        this.promptFallback?.dispose();
        this.promptFallback = null;
        this.becomeReady();
        return;
      case 'C':
        this.state = 'executing';
        if (this.current && !this.current.capture) this.current.capture = new OutputCapture();
        return;
      case 'D':
        if (this.state === 'starting') return; // the D before the very first prompt
        if (this.current) this.finish(this.current, marker.exitCode);
        this.state = 'returning';
        this.promptFallback?.dispose();
        this.promptFallback = this.store.timeout(() => {
          this.promptFallback = null;
          this.becomeReady();
        }, PROMPT_FALLBACK_MS);
        return;
    }
  }

  private becomeReady(): void {
    if (this.state === 'exited') return;
    const first = this.state === 'starting';
    this.state = 'ready';
    if (first) this._onReady.fire();
    this.pump();
  }

  private pump(): void {
    if (this.state !== 'ready' || this.current || this.store.isDisposed) return;
    const run = this.queue.shift();
    if (!run) return;
    this.current = run;
    run.startedAt = performance.now();
    if (run.opts.timeoutMs !== undefined) {
      run.timers.timeout(() => this.timeOut(run), run.opts.timeoutMs);
    }
    this._onRunStart.fire(run.opts.cellId === undefined ? {} : { cellId: run.opts.cellId });
    // C-e C-u first: clear whatever the learner left half-typed on the prompt line.
    this.pty.write(`\x05\x15${typedForm(run.command)}`);
  }

  private timeOut(run: Run): void {
    if (this.current !== run) return;
    run.timedOut = true;
    this.interrupt();
    run.timers.timeout(() => {
      if (this.current === run) this.finish(run, null); // the shell stays 'executing': nothing is typed into it
    }, INTERRUPT_GRACE_MS);
  }

  private finish(run: Run, exitCode: number | null): void {
    if (this.current === run) this.current = null;
    run.timers.dispose();
    const captured = run.capture?.finish() ?? { output: '', truncated: false };
    run.resolve({
      exitCode: run.timedOut && exitCode === null ? null : exitCode,
      output: captured.output,
      truncated: captured.truncated,
      durationMs: performance.now() - run.startedAt,
      timedOut: run.timedOut,
    });
  }

  private handleExit(exitCode: number): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.exitCode = exitCode;
    this.promptFallback?.dispose();
    if (this.current) this.finish(this.current, null);
    this.failAll(this.exitedError());
    this._onExit.fire({ exitCode });
  }

  private failAll(error: Error): void {
    const runs = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
    this.current = null;
    for (const run of runs) {
      run.timers.dispose();
      run.reject(error);
    }
  }

  private exitedError(): TerminalError {
    return new TerminalError(
      'SHELL_EXITED',
      `the shell of T${this.term + 1} has exited (status ${this.exitCode ?? 'unknown'}); restart the terminal`,
    );
  }
}

/**
 * What is typed for a command: one line plus Enter, or, for several lines, a bracketed paste plus Enter so
 * readline takes all of it as one buffer. A paste-end sequence inside the command is removed: it would end
 * the paste early and type the rest as keys.
 */
export function typedForm(command: string): string {
  const text = command.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  if (!text.includes('\n')) return `${text}\r`;
  return `\x1b[200~${text.replace(/\x1b\[20[01]~/g, '')}\x1b[201~\r`;
}
