// `stepwise serve` from source in a child process, as a user runs it: its output collected, and a wait for what
// it prints first (the URL, or a class's three lines).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './cli.ts';

const CLI = fileURLToPath(new URL('../../server/cli.ts', import.meta.url));
/** Starting the CLI from source transpiles it first; on a loaded machine that takes a while (ms). */
export const SERVE_START_TIMEOUT_MS = 120_000;

export interface ServedCli {
  child: ChildProcess;
  /** The exit code, once the process has ended. */
  exited: Promise<number | null>;
  output: () => { stdout: string; stderr: string };
  /** The first match of `pattern` in stdout; rejects if the process ends or the wait runs out first. */
  printed: (pattern: RegExp, what: string) => Promise<RegExpExecArray>;
}

/** Runs `stepwise serve ARGS` with its state folder at `state` (XDG_STATE_HOME), and `env` over this process's
 * environment (e.g. DOCKER_HOST, to name the test engine outright). */
export function serveCli(args: string[], state: string, env: NodeJS.ProcessEnv = {}): ServedCli {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, XDG_STATE_HOME: state },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const printed = (pattern: RegExp, what: string): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const look = (): boolean => {
        const m = pattern.exec(stdout);
        if (m) resolve(m);
        return m !== null;
      };
      if (look()) return;
      const timer = setTimeout(
        () => reject(new Error(`${what} not printed within ${SERVE_START_TIMEOUT_MS} ms; stderr: ${stderr}`)),
        SERVE_START_TIMEOUT_MS,
      );
      child.stdout.on('data', () => {
        if (look()) clearTimeout(timer);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited (${code}) before printing ${what}: ${stderr}`));
      });
    });
  return { child, exited, output: () => ({ stdout, stderr }), printed };
}
