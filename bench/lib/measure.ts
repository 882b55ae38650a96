// Timing and memory helpers for benchmarks. Benchmarks print ratios against a baseline measured in the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const MAX_RSS_PRELOAD = fileURLToPath(new URL('./max-rss.mjs', import.meta.url));

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a shell pipeline (bash -c) and times it, in ms of wall clock. */
export function timeShell(script: string, env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return timeCommand('bash', ['-c', script], env);
}

export function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ ms, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Runs a node script and reports its wall time and peak RSS (bytes). */
export async function timeNode(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Timed & { peakRss: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-bench-rss-'));
  const rssFile = join(dir, 'rss');
  try {
    const r = await timeCommand(process.execPath, ['--import', MAX_RSS_PRELOAD, ...args], {
      ...env,
      STEPWISE_BENCH_RSS_FILE: rssFile,
    });
    return { ...r, peakRss: Number(readFileSync(rssFile, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The best of `runs` measurements: the least disturbed by a noisy machine. */
export async function best<T extends { ms: number }>(runs: number, f: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await f();
    if (!result || r.ms < result.ms) result = r;
  }
  if (!result) throw new Error('best() needs at least one run');
  return result;
}

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function verdict(ok: boolean): string {
  return ok ? 'meets target' : 'MISSES target';
}
