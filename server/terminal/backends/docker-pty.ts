// A Docker exec with a tty, seen as a PtyHandle: the hijacked exec stream carries raw terminal bytes both ways
// (no multiplexing with Tty: true), resize is the exec resize call, pause/resume apply backpressure on the
// stream (the engine stops reading the pty, so the shell blocks on write), the exit code comes from exec inspect,
// and kill ends the shell and everything it started through docker-kill.ts.
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { BackendError } from '../backend.ts';
import type { Disposable, PtyHandle, TerminalSize } from '../backend.ts';
import { Emitter } from '../lifecycle.ts';
import { clampSize } from '../../protocol/limits.ts';
import { LEARNER_USER } from './docker-learner.ts';
import { engineMessage } from './docker-engine.ts';
import { inspectExec, waitExitCode } from './docker-exec.ts';
import { UNIT_ENV, killUnit, newUnitId } from './docker-kill.ts';

/**
 * Output the engine can hold between the shell's pty and our end of the exec stream while we read nothing, so it
 * still arrives after pause() or a Ctrl-C (unit: bytes): dockerd's per-stream buffer (moby's BytesPipe blocks its
 * writer at 1e6 bytes), the containerd fifo (one 64 KiB pipe), dockerd's 32 KiB copy buffer and the unix socket's
 * send buffer (Linux's default 208 KiB, rounded up). Measured on Docker 20.10: 1,286,144 bytes. A local pty holds
 * at most one pty buffer instead, so flow-control bounds on this backend must add this much.
 */
export const ENGINE_OUTPUT_BUFFER_BYTES = 1_000_000 + 64 * 1024 + 32 * 1024 + 256 * 1024;
/** After the kill exec has finished, how long the shell's stream may take to end before we drop it (ms). */
const KILL_GRACE_MS = 5_000;
/** Exit code reported when the engine can no longer say (the container was removed under the shell): SIGKILL's. */
const UNKNOWN_EXIT_CODE = 137;
/** Exit codes above this are 128 + the signal that ended the process, as shells report them. */
const SIGNAL_EXIT_BASE = 128;
const MAX_SIGNAL = 64;

export interface DockerPtySpec {
  docker: Docker;
  containerId: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  size: TerminalSize;
}

export async function openDockerPty(spec: DockerPtySpec): Promise<PtyHandle> {
  const unitId = newUnitId();
  const env = Object.entries({ ...spec.env, [UNIT_ENV]: unitId }).map(([k, v]) => `${k}=${v}`);
  let exec: Docker.Exec;
  let stream: Duplex;
  let pid: number;
  try {
    exec = await spec.docker.getContainer(spec.containerId).exec({
      Cmd: spec.argv,
      Env: env,
      WorkingDir: spec.cwd,
      User: LEARNER_USER,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    stream = await exec.start({ hijack: true, stdin: true, Tty: true });
    // The engine waits for the exec to have started before it resizes, so the shell sees the size early.
    await exec.resize({ h: spec.size.rows, w: spec.size.cols });
    pid = (await inspectExec(exec)).Pid ?? 0;
  } catch (err) {
    throw new BackendError('EXEC_FAILED', `could not open a terminal in container ${spec.containerId.slice(0, 12)}: ${engineMessage(err)}`);
  }
  return new DockerPty(spec.docker, spec.containerId, exec, stream, unitId, pid);
}

class DockerPty implements PtyHandle {
  private readonly _onData = new Emitter<Buffer>();
  private readonly _onExit = new Emitter<{ exitCode: number; signal?: number }>();
  /** Bytes flow only once someone listens, so the first prompt is never lost to an early emit. */
  private flowing = false;
  private paused = false;
  private ended = false;
  private exited = false;
  private killing = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly containerId: string,
    private readonly exec: Docker.Exec,
    private readonly stream: Duplex,
    private readonly unitId: string,
    /** The shell's pid on the engine's host (from exec inspect), for logs only: the shell has another pid inside
     * its container, and kill() never uses this one. 0 when the engine did not say. */
    readonly pid: number,
  ) {
    stream.on('end', () => this.handleEnd());
    stream.on('close', () => this.handleEnd());
    stream.on('error', () => this.handleEnd()); // the exit code from exec inspect says what happened
  }

  onData(listener: (data: Buffer) => void): Disposable {
    const subscription = this._onData.event(listener);
    this.startFlowing();
    return subscription;
  }

  private startFlowing(): void {
    if (this.flowing) return;
    this.flowing = true;
    this.stream.on('data', (chunk: Buffer) => this._onData.fire(chunk));
    if (this.paused) this.stream.pause();
  }

  onExit(listener: (e: { exitCode: number; signal?: number }) => void): Disposable {
    return this._onExit.event(listener);
  }

  write(data: string | Buffer): void {
    if (!this.ended) this.stream.write(data);
  }

  resize(size: TerminalSize): void {
    if (this.ended) return;
    const { cols, rows } = clampSize(size.cols, size.rows);
    this.exec.resize({ h: rows, w: cols }).catch(() => {
      // A resize racing the shell's exit is refused by the engine (404/409/500); the terminal is gone either way.
    });
  }

  pause(): void {
    this.paused = true;
    if (this.flowing) this.stream.pause();
  }

  resume(): void {
    this.paused = false;
    if (this.flowing) this.stream.resume();
  }

  kill(): void {
    if (this.killing || this.exited) return;
    this.killing = true;
    // A stream nobody reads never reaches its end: let it flow (to whoever still listens) so the exit is seen.
    this.startFlowing();
    this.resume();
    killUnit(this.docker, this.containerId, this.unitId).then(
      () => {
        if (!this.exited) this.graceTimer = setTimeout(() => this.stream.destroy(), KILL_GRACE_MS);
      },
      () => this.stream.destroy(), // the container is unreachable: report the exit rather than wait forever
    );
  }

  private handleEnd(): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.destroy();
    waitExitCode(this.exec).then(
      (code) => this.fireExit(code),
      () => this.fireExit(UNKNOWN_EXIT_CODE),
    );
  }

  private fireExit(exitCode: number): void {
    if (this.exited) return;
    this.exited = true;
    clearTimeout(this.graceTimer);
    const signal = exitCode > SIGNAL_EXIT_BASE && exitCode <= SIGNAL_EXIT_BASE + MAX_SIGNAL ? exitCode - SIGNAL_EXIT_BASE : undefined;
    this._onExit.fire(signal === undefined ? { exitCode } : { exitCode, signal });
    this._onData.dispose();
    this._onExit.dispose();
  }
}
