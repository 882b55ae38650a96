// A long-running helper process (dockerd, the registry) owned by the wrapper: started, probed until ready,
// and stopped with SIGTERM then SIGKILL. Its output goes to a log file for post-mortems.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often readiness is probed, in ms. */
const PROBE_INTERVAL_MS = 100;
/** Grace between SIGTERM and SIGKILL on stop, in ms: dockerd needs a moment to stop containerd. */
const STOP_GRACE_MS = 10_000;

export class Daemon {
  private exited = false;
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    child.on('exit', () => {
      this.exited = true;
    });
  }

  static start(name: string, command: string, args: string[], logFile: string): Daemon {
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(command, args, { stdio: ['ignore', fd, fd], detached: true });
      return new Daemon(name, child, logFile);
    } finally {
      closeSync(fd);
    }
  }

  /** Resolves when probe() says yes; rejects with the log's tail when the process dies or time runs out. */
  async waitReady(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.name} exited during start-up: ${this.logTail()}`);
      if (await probe().catch(() => false)) return;
      await sleep(PROBE_INTERVAL_MS);
    }
    throw new Error(`${this.name} was not ready after ${timeoutMs} ms: ${this.logTail()}`);
  }

  logTail(lines = 5): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join(' | ');
    } catch {
      return '(no log)';
    }
  }

  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const pid = this.child.pid;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    process.kill(pid, 'SIGTERM');
    const killed = await Promise.race([done.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
    if (!killed) {
      // The whole group: dockerd's containerd and shims would otherwise outlive it.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch (e: unknown) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e; // ESRCH: already gone
      }
      await done;
    }
  }
}
