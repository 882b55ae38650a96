// Runs one of the project's dev tools (eslint, prettier, depcruise, or an npm script) in a child process and
// collects what it printed. Used by the boundaries test.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.ts';

/** eslint with type information over the whole tree takes minutes on a loaded 2-core machine; this stops a hang. */
const TOOL_TIMEOUT_MS = 20 * 60_000;

export interface ToolResult {
  code: number | null;
  /** stdout and stderr together, for failure messages. */
  output: string;
}

/** The path of an installed dev tool, `node_modules/.bin/NAME`. */
export function toolBin(name: string): string {
  return join(REPO_ROOT, 'node_modules', '.bin', name);
}

/** Runs `command ARGS…` in `cwd` (the repository unless told). */
export function runTool(command: string, args: string[], cwd: string = REPO_ROOT): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}
