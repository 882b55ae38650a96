// `script: PATH`: a Katacoda/Killercoda verify script. PATH is relative to the lesson folder; env-script.ts
// copies it into the environment and runs it in the learner's directory; script-result.ts judges the run.
import { realpath, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { CheckSpec } from '../../lesson/index.ts';
import type { CheckContext, CheckOutcome } from '../types.ts';
import { readFields, timeoutMs as toMs } from '../fields.ts';
import { runScriptInEnv } from '../../environment/index.ts';
import { DEFAULT_SCRIPT_TIMEOUT_MS } from '../limits.ts';
import { interpretScriptRun } from '../script-result.ts';
import { Verdict } from '../verdict.ts';

/** The script's host path, if it is a file inside the lesson folder; else a sentence saying what is wrong. */
export async function locateScript(lessonDir: string, target: string): Promise<{ path: string } | { problem: string }> {
  const candidate = resolve(lessonDir, target);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { problem: `the verify script ${target} is missing from the lesson folder` };
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
  const result = interpretScriptRun(await runScriptInEnv(ctx.environment, located.path, limitMs), limitMs);
  verdict.expect(
    'passes (exits 0 or prints done)',
    result.passed,
    `it failed: ${result.reason}`,
    `it passed: ${result.reason}`,
  );
  return verdict.outcome();
}
