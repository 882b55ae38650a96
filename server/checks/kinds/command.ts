// `command: CMD` with exit, stdout/stderr contains/matches and timeout. Runs `bash -c CMD` in the learner's
// environment through backend.exec: in their working directory, without a pty.
import type { CheckSpec } from '../../lesson/index.ts';
import type { CheckContext, CheckOutcome } from '../types.ts';
import { readFields, timeoutMs as toMs, type TextMatch } from '../fields.ts';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../limits.ts';
import { formatSeconds } from '../script-result.ts';
import { matchText, quote, tail } from '../text.ts';
import { Verdict, type Finding } from '../verdict.ts';

function streamFindings(text: string, m: TextMatch | undefined, stream: 'stdout' | 'stderr'): Finding[] {
  if (m === undefined) return [];
  return matchText(text, m, `its ${stream}`).map((f) => ({ ...f, phrase: `${stream} ${f.phrase}` }));
}

export async function evaluateCommand(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  const verdict = new Verdict(spec, `the command ${quote(spec.target)}`);
  const fields = readFields(spec, 'command');
  if (!fields.ok) return verdict.stop('is a valid check', fields.problem);
  const f = fields.value;
  const timeoutMs = toMs(f.timeout, DEFAULT_COMMAND_TIMEOUT_MS);
  const run = await ctx.environment.exec(['bash', '-c', spec.target], { timeoutMs });
  if (run.timedOut)
    return verdict.stop('finishes', `it was still running after ${formatSeconds(timeoutMs)} and was stopped`);
  const wantExit = f.exit ?? 0;
  const said = tail(run.stderr) || tail(run.stdout);
  verdict.expect(
    `exits ${wantExit}`,
    run.exitCode === wantExit,
    `it exited ${run.exitCode}${said ? `, saying ${quote(said)}` : ''}`,
    `it exited ${run.exitCode}`,
  );
  verdict.add(...streamFindings(run.stdout, f.stdout, 'stdout'), ...streamFindings(run.stderr, f.stderr, 'stderr'));
  return verdict.outcome();
}
