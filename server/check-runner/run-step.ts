// One step of `stepwise check`: its checks must all fail first (else the step is vacuous), its cells run in
// real terminals, then its checks must all pass. An unasserted step (before --step N) only runs its cells.
import { runStepChecks } from '../checks/index.ts';
import type { CheckOutcome, LastRun } from '../checks/index.ts';
import { stepCells } from '../lesson/index.ts';
import type { Lesson, Step } from '../lesson/index.ts';
import type { CheckSession } from './check-session.ts';
import { runCell } from './run-cell.ts';
import type { CellRun, StepRun, StepStatus } from './results.ts';
import type { Reporter } from './reporters/reporter.ts';

export interface StepOptions {
  asserted: boolean;
  cellTimeoutMs: number;
}

export interface StepState {
  /** The last cell that ran, for `output:` checks; carried from step to step. */
  lastRun: LastRun | undefined;
}

function cellFailure(cell: CellRun): string {
  const at = `${cell.cellId} (${cell.source.file}:${cell.source.line})`;
  if (cell.timedOut) return `${at} was still running at the timeout and was interrupted`;
  if (cell.exitCode === null) return `${at} was interrupted before it finished`;
  return `${at} exited ${cell.exitCode}${cell.expectExit !== 0 ? `, expected ${cell.expectExit}` : ''}`;
}

function checksFailure(failed: CheckOutcome[], total: number): string {
  const first = failed[0];
  const lead = failed.length === 1 ? `1 of ${total} checks failed` : `${failed.length} of ${total} checks failed`;
  return first === undefined ? lead : `${lead}: ${first.kind} ${first.target}: ${first.seen}`;
}

function vacuousFailure(early: CheckOutcome[]): string {
  const names = early.map((o) => `${o.kind} ${o.target}`).join(', ');
  return `${early.length === 1 ? '1 check passes' : `${early.length} checks pass`} before the step runs, so ${early.length === 1 ? 'it proves' : 'they prove'} nothing: ${names}`;
}

async function timedChecks(
  step: Step,
  session: CheckSession,
  state: StepState,
): Promise<{ results: CheckOutcome[]; ms: number }> {
  const t0 = performance.now();
  const { results } = await runStepChecks(step, session.checkContext(state.lastRun));
  return { results, ms: performance.now() - t0 };
}

export async function runStep(
  lesson: Lesson,
  step: Step,
  session: CheckSession,
  state: StepState,
  opts: StepOptions,
  reporter: Required<Reporter>,
): Promise<StepRun> {
  const t0 = performance.now();
  reporter.stepStart(lesson, step, opts.asserted);
  const run: StepRun = {
    lessonId: lesson.id,
    index: step.index,
    id: step.id,
    title: step.title,
    source: step.source,
    status: 'passed',
    before: [],
    after: [],
    cells: [],
    durationMs: 0,
  };
  const problems: string[] = [];

  const scripts = await session.runScripts(step.scripts, opts.cellTimeoutMs, reporter);
  if (scripts !== null) problems.push(scripts);

  if (opts.asserted && step.checks.length > 0) {
    const before = await timedChecks(step, session, state);
    run.before = before.results;
    reporter.checks(step, 'before', before.results, before.ms);
  }

  for (const cell of stepCells(step)) {
    reporter.cellStart(cell);
    const result = await runCell(session, cell, opts.cellTimeoutMs);
    reporter.cellEnd(result);
    run.cells.push(result);
    if (result.skipped === undefined && cell.kind === 'exec') {
      state.lastRun = { cellId: cell.id, output: result.output, exitCode: result.exitCode };
    }
    if (!result.ok) {
      problems.push(cellFailure(result));
      break;
    }
  }

  if (opts.asserted && step.checks.length > 0) {
    const after = await timedChecks(step, session, state);
    run.after = after.results;
    reporter.checks(step, 'after', after.results, after.ms);
    const failed = after.results.filter((o) => !o.passed);
    if (failed.length > 0) problems.push(checksFailure(failed, after.results.length));
  }

  const early = run.before.filter((o) => o.passed);
  let status: StepStatus = 'passed';
  if (!opts.asserted) status = 'unasserted';
  else if (problems.length > 0) status = 'failed';
  else if (early.length > 0) {
    status = 'vacuous';
    problems.push(vacuousFailure(early));
  }
  run.status = status;
  if (problems.length > 0) run.failure = problems.join('; ');
  run.durationMs = Math.round(performance.now() - t0);
  reporter.stepEnd(run);
  return run;
}
