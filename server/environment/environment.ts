// The Environment handle (DESIGN.md "Environments"): where one learner's commands run. Terminals, checks,
// provisioning and the inspect route reach the environment only through this, so the same code works on a local
// folder, a container and (later) a pod. It replaces the (backend, env) pairs: whoever holds the handle owns
// the unit, and dispose() ends all of it.
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Backend, BackendName, ExecOptions, ExecResult, PtyHandle, SessionEnv, TerminalSize } from './backend.ts';

export class Environment {
  private disposing: Promise<void> | null = null;

  constructor(
    private readonly backend: Backend,
    private readonly info: SessionEnv,
  ) {}

  get id(): string {
    return this.info.id;
  }

  /** Which provider made it: `local` or `docker`. */
  get provider(): BackendName {
    return this.backend.name;
  }

  /** The learner's working directory inside the environment (absolute there). */
  get workdir(): string {
    return this.info.workdir;
  }

  /** ms since epoch. */
  get createdAt(): number {
    return this.info.createdAt;
  }

  get isDisposed(): boolean {
    return this.disposing !== null;
  }

  /** The learner's shell (bash with stepwise's shell integration) in a pty of `size`. */
  openPty(size: TerminalSize): Promise<PtyHandle> {
    return this.backend.openTerminal(this.info, size);
  }

  /** Runs argv without a pty, in the working directory unless `opts.cwd` says otherwise. A timeout kills the
   *  command's whole process group and gives exit code 124. */
  exec(argv: string[], opts: ExecOptions): Promise<ExecResult> {
    return this.backend.exec(this.info, argv, opts);
  }

  /** A tar stream of `path` (relative to the working directory, or absolute inside). Rejects if it is missing. */
  readTar(path: string): Promise<Readable> {
    return this.backend.readTar(this.info, path);
  }

  /** Copies a host file or folder into the environment at `target` (relative to the working directory). */
  copyIn(hostPath: string, target: string): Promise<void> {
    return this.backend.copyIn(this.info, hostPath, target);
  }

  /** The Docker engine this learner's shell uses, or null where the environment has none. */
  engine(): Docker | null {
    return this.backend.engine(this.info);
  }

  /** Where it is, for people: a folder (local) or a container (docker). */
  describe(): string {
    return this.provider === 'local'
      ? `folder ${this.workdir}`
      : `container of session ${this.id} (working directory ${this.workdir})`;
  }

  /** Ends the whole unit: process group or container, engine, working directory. Idempotent: every call
   *  waits for the same end. */
  dispose(): Promise<void> {
    this.disposing ??= this.backend.destroy(this.info);
    return this.disposing;
  }
}
