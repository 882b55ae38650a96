// `script: PATH`: a Katacoda/Killercoda verify script. PATH is relative to the lesson folder; the script is
// copied into the environment (a private folder under /tmp there, never the learner's directory) and run in
// the learner's directory. Semantics are in script-result.ts; a timeout kills the script's process group
// (backend.exec does that).
import { randomBytes } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import type { CheckSpec } from '../../lesson/model.ts';
import type { CheckContext, CheckOutcome } from '../types.ts';
import { readFields, timeoutMs as toMs } from '../fields.ts';
import { readEnvEntry } from '../env-tar.ts';
import { DEFAULT_SCRIPT_TIMEOUT_MS, ENV_PROBE_TIMEOUT_MS, MAX_CONTENT_BYTES } from '../limits.ts';
import { interpretScriptRun } from '../script-result.ts';
import { Verdict } from '../verdict.ts';

/** Where verify scripts go inside the environment: /tmp exists and is writable in every image we run. */
const SCRIPT_PARENT = '/tmp';
/** Makes the copied script executable and runs it, so its shebang picks the interpreter (bash without one). */
const RUN_SCRIPT = 'chmod u+x -- "$1" && exec "$1"';

/** The script's host path, if it is a file inside the lesson folder; else a sentence saying what is wrong. */
async function locateScript(lessonDir: string, target: string): Promise<{ path: string } | { problem: string }> {
  const candidate = resolve(lessonDir, target);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { problem: `the verify script ${target} is missing from the lesson folder` };
    throw e;
  }
  const root = await realpath(lessonDir);
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || resolve(root, rel) !== real) {
    return { problem: `the verify script ${target} is outside the lesson folder` };
  }
  if (!(await stat(real)).isFile()) return { problem: `the verify script ${target} is not a file` };
  return { path: real };
}

export async function evaluateScript(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  const verdict = new Verdict(spec, `the verify script ${spec.target}`);
  const fields = readFields(spec, 'script');
  if (!fields.ok) return verdict.stop('is a valid check', fields.problem);
  const limitMs = toMs(fields.value.timeout, DEFAULT_SCRIPT_TIMEOUT_MS);
  const located = await locateScript(ctx.lessonDir, spec.target);
  if ('problem' in located) return verdict.stop('exists', located.problem);

  const dir = `${SCRIPT_PARENT}/stepwise-verify-${randomBytes(8).toString('hex')}`;
  const script = `${dir}/${basename(located.path)}`;
  const reasonFile = `${dir}/failure-reason`;
  try {
    await ctx.backend.copyIn(ctx.env, located.path, script);
    const run = await ctx.backend.exec(ctx.env, ['bash', '-c', RUN_SCRIPT, 'stepwise-verify', script], {
      timeoutMs: limitMs,
      env: { VERIFICATION_FAILURE_REASON: reasonFile },
    });
    const reason = run.exitCode === 0 ? null : await readEnvEntry(ctx, reasonFile, { maxBytes: MAX_CONTENT_BYTES, follow: false });
    const result = interpretScriptRun({ ...run, ...(reason?.content ? { reasonFile: reason.content.toString('utf8') } : {}) }, limitMs);
    verdict.expect('passes (exits 0 or prints done)', result.passed, `it failed: ${result.reason}`, `it passed: ${result.reason}`);
    return verdict.outcome();
  } finally {
    await ctx.backend.exec(ctx.env, ['rm', '-rf', '--', dir], { timeoutMs: ENV_PROBE_TIMEOUT_MS });
  }
}
