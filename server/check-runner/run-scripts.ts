// A lesson's Katacoda-style scripts, as `stepwise check` runs them before a step's checks: background scripts
// through exec (awaited, so the step starts in the state a learner would find once they finish), foreground
// scripts copied in (under /tmp there) and typed into T1, as a learner's terminal would run them.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { runScriptInEnv } from '../checks/env-script.ts';
import type { Script } from '../lesson/model.ts';
import type { CheckSession } from './check-session.ts';
import type { Reporter } from './reporters/reporter.ts';
import { tail } from '../checks/text.ts';

/** Runs the scripts in order; returns why one failed, or null. */
export async function runScripts(session: CheckSession, scripts: readonly Script[], timeoutMs: number, reporter: Required<Reporter>): Promise<string | null> {
  for (const script of scripts) {
    if (script.kind === 'verify') continue; // verify scripts are checks
    const name = `${script.kind} script ${script.source.file}:${script.source.line}`;
    if (!script.exists) return `the ${name} (${script.path}) is missing`;
    const t0 = performance.now();
    let failure: string | null = null;
    if (script.kind === 'background') {
      const run = await runScriptInEnv(session.checkContext(undefined), script.path, timeoutMs);
      if (run.timedOut) failure = `the ${name} was still running after the timeout`;
      else if (run.exitCode !== 0) failure = `the ${name} exited ${run.exitCode}: ${tail(run.stderr || run.stdout)}`;
    } else {
      const copy = `/tmp/stepwise-foreground-${randomBytes(8).toString('hex')}/${basename(script.path)}`;
      await session.backend.copyIn(session.env, script.path, copy);
      const shell = await session.terminal(1);
      const run = await shell.run(`bash ${shellQuote(copy)}`, { timeoutMs });
      if (run.timedOut) failure = `the ${name} was still running after the timeout`;
      else if (run.exitCode !== 0) failure = `the ${name} exited ${run.exitCode}: ${tail(run.output)}`;
    }
    reporter.phase(session.lesson, script.kind, script.path, performance.now() - t0, failure === null);
    if (failure !== null) return failure;
  }
  return null;
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
