// What `stepwise check` found, per lesson, step and cell. Reporters render these; nothing here prints.
import type { CheckOutcome } from '../checks/index.ts';
import type { SourceRef } from '../lesson/index.ts';

/** `unasserted`: a step before `--step N`, run only to build up the environment. */
export type StepStatus = 'passed' | 'failed' | 'vacuous' | 'unasserted';

export interface CellRun {
  cellId: string;
  command: string;
  terminal: number; // 1-based
  source: SourceRef;
  /** null when interrupted or timed out before the shell reported one. */
  exitCode: number | null;
  expectExit: number;
  output: string;
  durationMs: number;
  truncated: boolean;
  timedOut: boolean;
  ok: boolean;
  /** Set for cells not typed (copy, norun, no-newline): why. */
  skipped?: string;
}

export interface StepRun {
  lessonId: string;
  index: number; // 1-based
  id: string;
  title: string;
  source: SourceRef;
  status: StepStatus;
  /** Checks run before the step's cells; each should fail. */
  before: CheckOutcome[];
  /** Checks run after the step's cells; each should pass. */
  after: CheckOutcome[];
  cells: CellRun[];
  /** Why the step did not pass, in plain words. */
  failure?: string;
  durationMs: number;
}

export interface LessonRun {
  lessonId: string;
  title: string;
  dir: string;
  backend: string;
  steps: StepRun[];
  /** A problem that stopped the lesson before or between steps (setup, session, lesson errors). */
  error?: string;
  durationMs: number;
}

export interface Summary {
  passed: number;
  failed: number;
  vacuous: number;
}

export function summarise(runs: readonly LessonRun[]): Summary {
  const s: Summary = { passed: 0, failed: 0, vacuous: 0 };
  for (const run of runs) {
    for (const step of run.steps) {
      if (step.status === 'passed') s.passed++;
      else if (step.status === 'failed') s.failed++;
      else if (step.status === 'vacuous') s.vacuous++;
    }
  }
  return s;
}

export function summaryLine(s: Summary): string {
  return `stepwise check: ${s.passed} passed, ${s.failed} failed, ${s.vacuous} vacuous`;
}

/** A cell as a terminal transcript: the prompt line, its output, and how it ended. */
export function cellTranscript(cell: CellRun): string {
  const prompt = cell.command
    .split('\n')
    .map((line, i) => `${i === 0 ? '$' : '>'} ${line}`)
    .join('\n');
  if (cell.skipped !== undefined) return `${prompt}\n[not run: ${cell.skipped}]\n`;
  const output = cell.output === '' || cell.output.endsWith('\n') ? cell.output : `${cell.output}\n`;
  const end = cell.timedOut
    ? `still running at the timeout; interrupted`
    : cell.exitCode === null
      ? 'interrupted'
      : `exit ${cell.exitCode}${cell.expectExit !== 0 ? `, expected ${cell.expectExit}` : ''}`;
  return `${prompt}\n${output}${cell.truncated ? '[output truncated]\n' : ''}[${end}, ${cell.durationMs} ms]\n`;
}

export function stepTranscript(step: StepRun): string {
  return step.cells.map(cellTranscript).join('');
}

/** The step's display name: "step 2: Creating Empty Image". */
export function stepName(step: Pick<StepRun, 'index' | 'title'>): string {
  return `step ${step.index}: ${step.title}`;
}

/** The checks behind a step's status: those that passed too early (vacuous) and those that failed after. */
export function culpritChecks(step: StepRun): { vacuous: CheckOutcome[]; failed: CheckOutcome[] } {
  return { vacuous: step.before.filter((o) => o.passed), failed: step.after.filter((o) => !o.passed) };
}

/** The first cell that did not do what it should. */
export function failingCell(step: StepRun): CellRun | undefined {
  return step.cells.find((c) => !c.ok);
}
