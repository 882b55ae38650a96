// Running a command in a learner's container without a tty: stdout and stderr demultiplexed, optional stdin,
// and a timeout that kills the command's whole unit (docker-kill.ts) and reports exit 124 like coreutils timeout.
import { Writable } from 'node:stream';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { z } from 'zod';
import { BackendError } from '../backend.ts';
import type { ExecOptions, ExecResult } from '../backend.ts';
import { LEARNER_USER } from './docker-learner.ts';
import { engineMessage } from './docker-engine.ts';
import { UNIT_ENV, killUnit, newUnitId } from './docker-kill.ts';
import { EXEC_OUTPUT_CAP_BYTES } from '../limits.ts';

/** After the kill exec finishes, how long the exec's stream may take to end before we stop waiting (ms). */
const KILL_GRACE_MS = 5_000;
/** The exec's stream ends a moment before the engine records its exit code: poll this often (ms) … */
const EXIT_POLL_INTERVAL_MS = 20;
/** … for at most this long (ms), then report the exec as failed. */
const EXIT_POLL_LIMIT_MS = 5_000;
/** coreutils `timeout` reports 124 when it had to stop the command. */
export const TIMEOUT_EXIT_CODE = 124;

const ExecInspectSchema = z.object({
  Running: z.boolean(),
  ExitCode: z.number().nullable(),
  Pid: z.number().optional(),
});
export type ExecState = z.infer<typeof ExecInspectSchema>;

export async function inspectExec(exec: Docker.Exec): Promise<ExecState> {
  return ExecInspectSchema.parse(await exec.inspect());
}

/** The exit code of a finished exec, waiting briefly for the engine to record it. */
export async function waitExitCode(exec: Docker.Exec): Promise<number> {
  const deadline = Date.now() + EXIT_POLL_LIMIT_MS;
  for (;;) {
    let state: ExecState;
    try {
      state = await inspectExec(exec);
    } catch (err) {
      // 404 here means the container (and the exec with it) was removed while the command ran.
      throw new BackendError(
        'EXEC_FAILED',
        `cannot learn how exec ${exec.id.slice(0, 12)} ended: ${engineMessage(err)}`,
      );
    }
    if (!state.Running && state.ExitCode !== null) return state.ExitCode;
    if (Date.now() > deadline) {
      throw new BackendError(
        'EXEC_FAILED',
        `exec ${exec.id.slice(0, 12)} ended its stream but the engine reports no exit code`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, EXIT_POLL_INTERVAL_MS));
  }
}

/** A sink that keeps the first `cap` bytes and discards the rest, so output never blocks the demuxer. */
class CappedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(private readonly cap: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const room = this.cap - this.kept;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(part);
      this.kept += part.length;
    }
    done();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface ContainerExecTarget {
  docker: Docker;
  containerId: string;
  workdir: string;
}

/** Runs argv as the learner (uid 1000) in the container. Rejects only when the engine refuses the exec or loses it
 * (the container was removed while it ran); a failing command is an exit code. */
export async function runContainerExec(
  target: ContainerExecTarget,
  argv: string[],
  opts: ExecOptions,
): Promise<ExecResult> {
  if (argv.length === 0) throw new BackendError('EXEC_FAILED', 'exec needs a command: argv is empty');
  const started = Date.now();
  const unitId = newUnitId();
  const env = Object.entries({ ...opts.env, [UNIT_ENV]: unitId }).map(([k, v]) => `${k}=${v}`);
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    exec = await target.docker.getContainer(target.containerId).exec({
      Cmd: argv,
      Env: env,
      WorkingDir: opts.cwd ?? target.workdir,
      User: LEARNER_USER,
      AttachStdin: opts.stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    stream = await exec.start({ hijack: true, stdin: opts.stdin !== undefined });
  } catch (err) {
    throw new BackendError(
      'EXEC_FAILED',
      `could not run ${argv[0]} in container ${target.containerId.slice(0, 12)}: ${engineMessage(err)}`,
    );
  }

  const stdout = new CappedSink(EXEC_OUTPUT_CAP_BYTES);
  const stderr = new CappedSink(EXEC_OUTPUT_CAP_BYTES);
  target.docker.modem.demuxStream(stream, stdout, stderr);
  if (opts.stdin !== undefined) stream.end(opts.stdin); // half-close: the engine closes the command's stdin

  let timedOut = false;
  let finished = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', resolve); // a broken stream ends the wait; the exit code below says what happened
  });
  const timer = setTimeout(() => {
    timedOut = true;
    killUnit(target.docker, target.containerId, unitId).then(
      () => {
        if (!finished) graceTimer = setTimeout(() => stream.destroy(), KILL_GRACE_MS);
      },
      () => stream.destroy(), // could not even start the killer (container gone?): stop waiting on the stream
    );
  }, opts.timeoutMs);
  try {
    await ended;
  } finally {
    finished = true;
    clearTimeout(timer);
    clearTimeout(graceTimer);
    stream.destroy();
  }
  const exitCode = timedOut ? TIMEOUT_EXIT_CODE : await waitExitCode(exec);
  return { exitCode, stdout: stdout.text(), stderr: stderr.text(), timedOut, durationMs: Date.now() - started };
}
