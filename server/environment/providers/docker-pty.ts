// A Docker exec with a tty, seen as a PtyHandle: the hijacked exec stream carries raw terminal bytes both ways
// (no multiplexing with Tty: true), resize is the exec resize call, pause/resume apply backpressure on the
// stream (the engine stops reading the pty, so the shell blocks on write), the exit code comes from exec inspect,
// and kill ends the shell and everything it started through docker-kill.ts.
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { BackendError } from '../backend.ts';
import type { PtyHandle, TerminalSize } from '../backend.ts';
import type { Disposable } from '../../protocol/index.ts';
import { Emitter } from '../../protocol/index.ts';
import { clampSize } from '../../protocol/index.ts';
import { PTY_INPUT_QUEUE_MAX_BYTES } from '../limits.ts';
import { LEARNER_USER } from './docker-learner.ts';
import { engineMessage } from './docker-engine.ts';
import { inspectExec, waitExitCode } from './docker-exec.ts';
import { UNIT_ENV, killUnit, newUnitId } from './docker-kill.ts';

/** dockerd's per-stream buffer (moby's BytesPipe) tests its 1e6-byte threshold only when it starts a new slice, and its
 * slices grow to 1e6 bytes: once a reader has drained it a little, it takes up to a whole new slice more (bytes). */
const DOCKERD_STREAM_BUFFER_BYTES = 2 * 1_000_000;
/** The 32 KiB copy buffers on the way: shim pty → fifo, dockerd fifo → BytesPipe, BytesPipe → socket (bytes). */
const ENGINE_COPY_BUFFERS_BYTES = 3 * 32 * 1024;
/** The exec's stdout fifo between the containerd shim and dockerd: one pipe (bytes). */
const ENGINE_FIFO_BYTES = 64 * 1024;
/** dockerd's end of the unix socket: Linux's default send buffer, net.core.wmem_default (bytes). */
const ENGINE_SOCKET_BYTES = 212_992;
/** Our end: the socket's readable buffer (16 KiB high-water mark) plus the one 64 KiB read that filled it (bytes). */
const NODE_SOCKET_BYTES = 16 * 1024 + 64 * 1024;

/**
 * Output the engine can hold between the shell's pty and our 'data' events while we read nothing, all of which still
 * arrives after pause() or a Ctrl-C (unit: bytes). A local pty holds none of it: on Ctrl-C the kernel drops the
 * pty's unread output (n_tty isig flushes it), but these buffers are beyond its reach. Flow control cannot shrink
 * them, so flow-control bounds on this backend must add this much. Measured on Docker 20.10 with `yes` and a reader
 * that stops: 1.26-1.33 MB when it never read, 1.59-2.18 MB after rounds of pause and resume like flow control's
 * (the BytesPipe holding one slice or two).
 */
export const ENGINE_OUTPUT_BUFFER_BYTES =
  DOCKERD_STREAM_BUFFER_BYTES + ENGINE_COPY_BUFFERS_BYTES + ENGINE_FIFO_BYTES + ENGINE_SOCKET_BYTES + NODE_SOCKET_BYTES;
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
    throw new BackendError(
      'EXEC_FAILED',
      `could not open a terminal in container ${spec.containerId.slice(0, 12)}: ${engineMessage(err)}`,
    );
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

  write(data: string | Buffer): boolean {
    if (this.ended) return true; // nowhere to go, and nothing will drain: do not hold the source back
    this.stream.write(data);
    // The engine's stream says "full" at 16 KiB; a paste may queue up to the same bound as a local pty. Above it
    // the stream has also said "full", so it emits 'drain' once it has written everything.
    return this.stream.writableLength < PTY_INPUT_QUEUE_MAX_BYTES;
  }

  onDrain(listener: () => void): Disposable {
    this.stream.on('drain', listener);
    return { dispose: () => this.stream.off('drain', listener) };
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
    const signal =
      exitCode > SIGNAL_EXIT_BASE && exitCode <= SIGNAL_EXIT_BASE + MAX_SIGNAL
        ? exitCode - SIGNAL_EXIT_BASE
        : undefined;
    this._onExit.fire(signal === undefined ? { exitCode } : { exitCode, signal });
    this._onData.dispose();
    this._onExit.dispose();
  }
}
