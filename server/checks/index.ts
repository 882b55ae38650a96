// The checks module's public face: evaluate one check, or all of a step's, against a session's environment.
// Used by the server's Check button and by `stepwise check`.
import type { CheckSpec, Step } from '../lesson/index.ts';
import { BackendError } from '../environment/index.ts';
import { isCoreError } from '../core/index.ts';
import type { CheckContext, CheckOutcome } from './types.ts';
import { EnvReadError } from '../environment/index.ts';
import { describeCoreError } from './core-words.ts';
import { unevaluable } from './verdict.ts';
import { evaluateFile } from './kinds/file.ts';
import { evaluateTar } from './kinds/tar.ts';
import { evaluateImage } from './kinds/image.ts';
import { evaluateCommand } from './kinds/command.ts';
import { evaluateOutput } from './kinds/output.ts';
import { evaluateScript } from './kinds/script.ts';

export type { CheckContext, CheckOutcome, LastRun } from './types.ts';
export { describeOutcome } from './verdict.ts';

const EVALUATORS = {
  file: evaluateFile,
  tar: evaluateTar,
  image: evaluateImage,
  command: evaluateCommand,
  output: evaluateOutput,
  script: evaluateScript,
} as const;

/**
 * Evaluates one check. Problems reading the environment (a backend error, an unreadable archive) become a
 * failing result that says so; only programming errors throw.
 */
export async function evaluateCheck(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  try {
    ctx.signal?.throwIfAborted();
    return await EVALUATORS[spec.kind](spec, ctx);
  } catch (e: unknown) {
    const subject = `${spec.kind} ${spec.target}`;
    if (isCoreError(e)) return unevaluable(spec, spec.target, 'can be read', describeCoreError(spec.target, e));
    if (e instanceof EnvReadError || e instanceof BackendError) {
      return unevaluable(spec, subject, 'can be checked', `stepwise could not check it: ${e.message}`);
    }
    throw e;
  }
}

/** Evaluates a step's checks in order. A step without checks passes. */
export async function runStepChecks(
  step: Step,
  ctx: CheckContext,
): Promise<{ passed: boolean; results: CheckOutcome[] }> {
  const results: CheckOutcome[] = [];
  for (const spec of step.checks) results.push(await evaluateCheck(spec, ctx));
  return { passed: results.every((r) => r.passed), results };
}
