// Runs a command without a pty in its own process group (spawn detached: setsid), for Backend.exec on the
// local machine. A timeout kills the whole group, so `sh -c 'sleep 100 | cat'` cannot outlive it.
import { spawn } from 'node:child_process';
import { BackendError, type ExecResult } from '../backend.ts';
import { signal } from './process-table.ts';
import { EXEC_OUTPUT_CAP_BYTES } from '../limits.ts';

/** After the command exits, its pipes get this long (ms) to drain; a background child holding them is cut off. */
const EXEC_CLOSE_GRACE_MS = 500;
/** Exit status reported for a timeout, like coreutils `timeout`. */
export const EXIT_TIMED_OUT = 124;

export interface RunDetachedOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  stdin?: string;
}

export function runDetached(argv: string[], opts: RunDetachedOptions): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new BackendError('EXEC_FAILED', 'exec needs a command'));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: 'pipe' });
    const stdout = new CappedText();
    const stderr = new CappedText();
    let timedOut = false;
    let exitCode: number | null = null;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const killGroup = () => child.pid !== undefined && signal(-child.pid, 'SIGKILL');

    const finish = () => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        exitCode: timedOut ? EXIT_TIMED_OUT : (exitCode ?? 1),
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut,
        durationMs: performance.now() - started,
      });
    };

    child.stdout.on('data', (b: Buffer) => stdout.add(b));
    child.stderr.on('data', (b: Buffer) => stderr.add(b));
    child.stdin.on('error', () => {}); // EPIPE when the command does not read its stdin: not an error of ours
    child.stdin.end(opts.stdin ?? '');
    child.on('error', (e: NodeJS.ErrnoException) => {
      settled = true;
      for (const t of timers) clearTimeout(t);
      const what = e.code === 'ENOENT' ? `command not found: ${file}` : `cannot run ${file}: ${e.message}`;
      reject(new BackendError('EXEC_FAILED', what));
    });
    child.on('exit', (code, sig) => {
      exitCode = code ?? (sig ? 128 + signalNumber(sig) : null);
      timers.push(setTimeout(finish, EXEC_CLOSE_GRACE_MS));
    });
    child.on('close', finish);
    timers.push(
      setTimeout(() => {
        timedOut = true;
        killGroup();
      }, opts.timeoutMs),
    );
  });
}

class CappedText {
  private parts: Buffer[] = [];
  private bytes = 0;
  private dropped = 0;

  add(b: Buffer): void {
    const room = EXEC_OUTPUT_CAP_BYTES - this.bytes;
    if (room <= 0) {
      this.dropped += b.length;
      return;
    }
    const kept = b.length <= room ? b : b.subarray(0, room);
    this.parts.push(kept);
    this.bytes += kept.length;
    this.dropped += b.length - kept.length;
  }

  text(): string {
    const text = Buffer.concat(this.parts).toString('utf8');
    return this.dropped > 0 ? `${text}\n[... ${this.dropped} more bytes not kept ...]` : text;
  }
}

function signalNumber(sig: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGPIPE: 13,
    SIGTERM: 15,
  };
  return numbers[sig] ?? 0;
}
