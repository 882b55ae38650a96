// The environment `stepwise check` runs one lesson in: a backend environment with the lesson's assets, and
// its terminals (T1, T2, ...) opened on first use. Owns all of it; dispose() closes the shells and, unless
// the user asked to keep it, destroys the environment.
import { randomBytes } from 'node:crypto';
import type { Backend, EnvironmentSpec, SessionEnv, TerminalSize } from '../terminal/backend.ts';
import { ShellTerminal } from '../terminal/shell-terminal.ts';
import type { CheckContext, LastRun } from '../checks/types.ts';
import type { Lesson } from '../lesson/model.ts';

/** The headless terminal's size: wide enough that tools do not wrap their output. */
export const CHECK_TERMINAL_SIZE: TerminalSize = { cols: 160, rows: 50 };
/** Copying an asset in, or a chmod of it (ms). */
const ASSET_TIMEOUT_MS = 60_000;

export class CheckSession {
  private readonly terminals = new Map<number, ShellTerminal>();
  private disposed = false;

  private constructor(
    readonly backend: Backend,
    readonly env: SessionEnv,
    readonly lesson: Lesson,
  ) {}

  /** Creates the environment and copies the lesson's assets in. Throws BackendError when it cannot. */
  static async open(backend: Backend, lesson: Lesson): Promise<CheckSession> {
    const spec: EnvironmentSpec = {
      sessionId: `check-${randomBytes(6).toString('hex')}`,
      lessonId: lesson.id,
      lessonDir: lesson.dir,
      requires: lesson.environment.requires,
      // A Katacoda backend.imageid names their VM image, not a shell image: only native lessons choose one.
      ...(lesson.environment.image && lesson.format === 'native' ? { image: lesson.environment.image } : {}),
    };
    const env = await backend.create(spec);
    const session = new CheckSession(backend, env, lesson);
    try {
      for (const asset of lesson.assets) {
        await backend.copyIn(env, asset.file, asset.target);
        if (asset.chmod) await backend.exec(env, ['chmod', asset.chmod, '--', asset.target], { timeoutMs: ASSET_TIMEOUT_MS });
      }
    } catch (e: unknown) {
      await session.dispose(false);
      throw e;
    }
    return session;
  }

  /** Terminal `n` (1-based), opened on first use or reopened after its shell was discarded. */
  async terminal(n: number): Promise<ShellTerminal> {
    const open = this.terminals.get(n);
    if (open !== undefined && !open.exited) return open;
    open?.dispose();
    const shell = await ShellTerminal.open(this.backend, this.env, CHECK_TERMINAL_SIZE, { term: n - 1 });
    this.terminals.set(n, shell);
    return shell;
  }

  /** Closes terminal `n`, e.g. one whose run never came back from Ctrl-C: a fresh shell replaces it on next use. */
  discardTerminal(n: number): void {
    this.terminals.get(n)?.dispose();
    this.terminals.delete(n);
  }

  checkContext(lastRun: LastRun | undefined): CheckContext {
    return { backend: this.backend, env: this.env, lessonDir: this.lesson.dir, ...(lastRun ? { lastRun } : {}) };
  }

  /** Where the environment is, for --keep: a folder (local) or a container (docker). */
  describe(): string {
    return this.backend.name === 'local' ? `folder ${this.env.workdir}` : `container of session ${this.env.id} (working directory ${this.env.workdir})`;
  }

  async dispose(keep: boolean): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const shell of this.terminals.values()) shell.dispose();
    this.terminals.clear();
    if (!keep) await this.backend.destroy(this.env);
  }
}
