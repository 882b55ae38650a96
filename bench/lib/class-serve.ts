// `stepwise serve DIR --class NAME --backend docker`, started the way an instructor starts it (bin/stepwise.js, the
// built bundle), in its own process with a fresh XDG_STATE_HOME: its pid is the server's, for /proc RSS, and its
// three printed lines (instructor URL, join URL, code) are parsed.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN = fileURLToPath(new URL('../../bin/stepwise.js', import.meta.url));
/** The server probes learner-engine levels before it listens (an outer dockerd and one engine): allow a loaded
 * machine plenty (ms). */
const SERVE_START_TIMEOUT_MS = 180_000;
/** Grace after SIGTERM for the server to remove its containers and engines before SIGKILL (ms). */
const SERVE_STOP_GRACE_MS = 120_000;
/** Kept of the server's stderr for error messages (characters). */
const STDERR_TAIL_CHARS = 4_000;

export interface ClassServeOptions {
  lessons: string;
  className: string;
  dockerHost: string;
  stateHome: string;
  maxLearners: number;
  /** `--warm`: containers made before learners arrive (the server's class default when absent). */
  warm?: number;
}

export class ServedClass {
  private stderrTail = '';
  private exitCode: number | null | undefined = undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
  ) {
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      this.stderrTail = (this.stderrTail + s).slice(-STDERR_TAIL_CHARS);
    });
    this.exited = new Promise((resolve) =>
      child.once('close', (code) => {
        this.exitCode = code;
        resolve();
      }),
    );
  }

  origin = '';
  instructorUrl = '';
  code = '';
  /** The isolation level line the server printed for learners' engines. */
  levelLine = '';

  static async start(opts: ClassServeOptions): Promise<ServedClass> {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        opts.lessons,
        '--class',
        opts.className,
        '--backend',
        'docker',
        '--port',
        '0',
        '--max-learners',
        String(opts.maxLearners),
        ...(opts.warm !== undefined ? ['--warm', String(opts.warm)] : []),
        '--log-level',
        'warn',
      ],
      {
        env: { ...process.env, DOCKER_HOST: opts.dockerHost, XDG_STATE_HOME: opts.stateHome },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: a Ctrl-C on the bench reaches only the bench, which stops the server once and
        // waits for it to remove its containers (a second SIGINT would make the server skip that).
        detached: true,
      },
    );
    if (child.pid === undefined) throw new Error(`cannot start ${BIN}`);
    const served = new ServedClass(child, child.pid);
    try {
      await served.readBanner(child);
    } catch (err) {
      await served.stop();
      throw err;
    }
    return served;
  }

  private async readBanner(child: ChildProcess): Promise<void> {
    let stdout = '';
    child.stdout?.setEncoding('utf8');
    const banner = new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the server printed no class code within ${SERVE_START_TIMEOUT_MS} ms: ${stdout}`)),
        SERVE_START_TIMEOUT_MS,
      );
      child.stdout?.on('data', (s: string) => {
        stdout += s;
        const m = /^instructor: (\S+)\n[\s\S]*^code: (\S+)$/m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${this.exitCode}) before its class code: ${stdout}${this.stderrTail}`));
      });
    });
    const m = await banner;
    this.instructorUrl = m[1] ?? '';
    this.code = m[2] ?? '';
    this.origin = new URL(this.instructorUrl).origin;
    this.levelLine = /^stepwise: (.*(?:level|engine).*)$/im.exec(stdout)?.[1] ?? '(no level printed)';
  }

  /** The server's exit code once it has ended (undefined while it runs), and the end of its stderr. */
  get ended(): { code: number | null; stderr: string } | undefined {
    return this.exitCode === undefined ? undefined : { code: this.exitCode, stderr: this.stderrTail };
  }

  get wsUrl(): string {
    return `${this.origin.replace(/^http/, 'ws')}/ws`;
  }

  /** SIGTERM (the server removes its containers and engines), then SIGKILL after a grace. Idempotent. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    const done = await Promise.race([this.exited.then(() => true), sleep(SERVE_STOP_GRACE_MS, false, { ref: false })]);
    if (!done) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
