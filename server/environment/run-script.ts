// Runs a lesson's script in the learner's environment: copied into a private folder under /tmp there (never the
// learner's directory), made executable (its shebang picks the interpreter; bash without one) and run in the
// learner's directory through exec, whose timeout kills the script's whole process group.
// $VERIFICATION_FAILURE_REASON names a file the script may write its failure reason to (Katacoda semantics).
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { ExecResult } from './backend.ts';
import type { Environment } from './environment.ts';
import { readEnvEntry } from './files/env-tar.ts';
import { ENV_PROBE_TIMEOUT_MS, MAX_REASON_FILE_BYTES } from './limits.ts';

/** /tmp exists and is writable in every image stepwise runs learners in. */
const SCRIPT_PARENT = '/tmp';
const RUN_SCRIPT = 'chmod u+x -- "$1" && exec "$1"';

export interface ScriptExecution extends ExecResult {
  /** What the script wrote to $VERIFICATION_FAILURE_REASON, if anything. */
  reasonFile?: string;
}

export async function runScriptInEnv(env: Environment, hostPath: string, timeoutMs: number): Promise<ScriptExecution> {
  const dir = `${SCRIPT_PARENT}/stepwise-script-${randomBytes(8).toString('hex')}`;
  const script = `${dir}/${basename(hostPath)}`;
  const reasonPath = `${dir}/failure-reason`;
  try {
    await env.copyIn(hostPath, script);
    const run = await env.exec(['bash', '-c', RUN_SCRIPT, 'stepwise-script', script], {
      timeoutMs,
      env: { VERIFICATION_FAILURE_REASON: reasonPath },
    });
    if (run.exitCode === 0) return run;
    const reason = await readEnvEntry(env, reasonPath, { maxBytes: MAX_REASON_FILE_BYTES, follow: false });
    return reason?.content ? { ...run, reasonFile: reason.content.toString('utf8') } : run;
  } finally {
    await env.exec(['rm', '-rf', '--', dir], { timeoutMs: ENV_PROBE_TIMEOUT_MS });
  }
}
