// The environment `stepwise check` runs one lesson in: provisioned by server/environment (the same path live
// sessions use), and its terminals (T1, T2, ...) opened on first use. Owns all of it; dispose() closes the
// shells and, unless the user asked to keep it, disposes of the environment.
import { randomBytes } from 'node:crypto';
import {
  createLessonEnvironment,
  runScripts,
  type Environment,
  type Provider,
  type TerminalSize,
} from '../environment/index.ts';
import { ShellTerminal } from '../terminal/index.ts';
import type { CheckContext, LastRun } from '../checks/index.ts';
import type { Lesson, Script } from '../lesson/index.ts';
import type { Reporter } from './reporters/reporter.ts';

/** The headless terminal's size: wide enough that tools do not wrap their output. */
export const CHECK_TERMINAL_SIZE: TerminalSize = { cols: 160, rows: 50 };

export class CheckSession {
  private readonly terminals = new Map<number, ShellTerminal>();
  private disposing: Promise<void> | null = null;

  private constructor(
    readonly env: Environment,
    readonly lesson: Lesson,
  ) {}

  /** Creates the environment with the lesson's assets in it. Throws BackendError when it cannot. */
  static async open(provider: Provider, lesson: Lesson): Promise<CheckSession> {
    const env = await createLessonEnvironment(provider, `check-${randomBytes(6).toString('hex')}`, lesson);
    return new CheckSession(env, lesson);
  }

  /** Terminal `n` (1-based), opened on first use or reopened after its shell was discarded. */
  async terminal(n: number): Promise<ShellTerminal> {
    if (this.disposing) throw new Error('the environment was removed (the run was interrupted)');
    const open = this.terminals.get(n);
    if (open !== undefined && !open.exited) return open;
    open?.dispose();
    const shell = await ShellTerminal.open(this.env, CHECK_TERMINAL_SIZE, { term: n - 1 });
    this.terminals.set(n, shell);
    return shell;
  }

  /** Closes terminal `n`, e.g. one whose run never came back from Ctrl-C: a fresh shell replaces it on next use. */
  discardTerminal(n: number): void {
    this.terminals.get(n)?.dispose();
    this.terminals.delete(n);
  }

  checkContext(lastRun: LastRun | undefined): CheckContext {
    return { environment: this.env, lessonDir: this.lesson.dir, ...(lastRun ? { lastRun } : {}) };
  }

  /** A page's background and foreground scripts (foreground ones typed into T1), each reported as a phase. */
  runScripts(scripts: readonly Script[], timeoutMs: number, reporter: Required<Reporter>): Promise<string | null> {
    return runScripts(this.env, scripts, {
      timeoutMs,
      foreground: async (command, limitMs) => (await this.terminal(1)).run(command, { timeoutMs: limitMs }),
      onPhase: (p) => reporter.phase(this.lesson, p.phase, p.detail, p.ms, p.ok),
    });
  }

  /** Where the environment is, for --keep: a folder (local) or a container (docker). */
  describe(): string {
    return this.env.describe();
  }

  /** Closes the terminals and removes the environment. Every call waits for the one removal to finish. */
  dispose(keep: boolean): Promise<void> {
    this.disposing ??= this.remove(keep);
    return this.disposing;
  }

  private async remove(keep: boolean): Promise<void> {
    for (const shell of this.terminals.values()) shell.dispose();
    this.terminals.clear();
    if (!keep) await this.env.dispose();
  }
}
