// `output: true`: the last run cell's captured output contains/matches, and its exit code.
import type { CheckSpec } from '../../lesson/index.ts';
import type { CheckContext, CheckOutcome } from '../types.ts';
import { readFields } from '../fields.ts';
import { matchText } from '../text.ts';
import { Verdict } from '../verdict.ts';

export async function evaluateOutput(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  const last = ctx.lastRun;
  const verdict = new Verdict(
    spec,
    last === undefined ? 'the last command run' : `the output of the last command run (${last.cellId})`,
  );
  const fields = readFields(spec, 'output');
  if (!fields.ok) return verdict.stop('is a valid check', fields.problem);
  if (last === undefined) return verdict.stop('exists', 'no command has been run yet');
  const f = fields.value;
  verdict.add(...matchText(last.output, f, 'the output'));
  if (f.exit !== undefined) {
    const seen = last.exitCode === null ? 'it was interrupted before it finished' : `it exited ${last.exitCode}`;
    verdict.expect(`exited ${f.exit}`, last.exitCode === f.exit, seen, seen);
  }
  return verdict.outcome();
}
