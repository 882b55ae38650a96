// Live progress on stderr: each lesson, step, cell and check phase with timings; a failure shows the failing
// cell's transcript and each check's expected, seen and hint. The summary line is printed by the command.
import type { CheckOutcome } from '../../checks/index.ts';
import type { Lesson, Step } from '../../lesson/index.ts';
import type { CellRun, LessonRun, StepRun } from '../results.ts';
import { cellTranscript, culpritChecks, failingCell, stepName } from '../results.ts';
import type { CheckPhase, Reporter } from './reporter.ts';

/** Transcript lines shown for a failing cell on the terminal; the JUnit/TAP output keeps the whole capture. */
const MAX_TRANSCRIPT_LINES = 40;

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function firstLine(command: string): string {
  const [first = '', ...rest] = command.split('\n');
  return rest.length > 0 ? `${first} …` : first;
}

function indent(text: string, prefix: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

function clipLines(text: string, max: number): string {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length <= max) return text;
  return [`[… ${lines.length - max} earlier lines]`, ...lines.slice(-max)].join('\n');
}

export class ProgressReporter implements Reporter {
  constructor(private readonly err: (text: string) => void) {}

  private line(text: string): void {
    this.err(`${text}\n`);
  }

  lessonStart(lesson: Lesson, info: { backend: string; asserted: number[] }): void {
    const steps = lesson.steps.length;
    const which =
      info.asserted.length === steps
        ? `${steps} step${steps === 1 ? '' : 's'}`
        : `step ${info.asserted.join(', ')} of ${steps}`;
    this.line(`${lesson.id}: ${lesson.title} (${which}, ${info.backend} backend)`);
  }

  phase(_lesson: Lesson, name: string, detail: string, durationMs: number, ok: boolean): void {
    this.line(`  ${ok ? '' : 'FAILED '}${name}: ${detail} (${formatMs(durationMs)})`);
  }

  stepStart(_lesson: Lesson, step: Step, asserted: boolean): void {
    this.line(`  ${stepName(step)}${asserted ? '' : ' (run without asserting)'}`);
  }

  checks(_step: Step, phase: CheckPhase, outcomes: CheckOutcome[], durationMs: number): void {
    if (outcomes.length === 0) return;
    const failing = outcomes.filter((o) => !o.passed).length;
    const passing = outcomes.length - failing;
    const text =
      phase === 'before'
        ? passing === 0
          ? `all ${outcomes.length} fail before the step, as they should`
          : `${passing} of ${outcomes.length} already pass before the step`
        : failing === 0
          ? `all ${outcomes.length} pass`
          : `${failing} of ${outcomes.length} fail`;
    this.line(`    checks ${phase}: ${text} (${formatMs(durationMs)})`);
  }

  cellEnd(cell: CellRun): void {
    const how =
      cell.skipped !== undefined
        ? `not run: ${cell.skipped}`
        : cell.timedOut
          ? 'TIMED OUT'
          : cell.exitCode === null
            ? 'interrupted'
            : `exit ${cell.exitCode}`;
    const term = cell.terminal === 1 ? '' : ` [T${cell.terminal}]`;
    this.line(
      `    ${cell.ok ? '' : 'FAILED '}${cell.cellId}${term} $ ${firstLine(cell.command)}  → ${how} (${formatMs(cell.durationMs)})`,
    );
  }

  stepEnd(step: StepRun): void {
    const word = { passed: 'PASS', failed: 'FAIL', vacuous: 'VACUOUS', unasserted: 'ran' }[step.status];
    this.line(`  ${word} ${stepName(step)} (${formatMs(step.durationMs)})${step.failure ? `: ${step.failure}` : ''}`);
    if (step.status === 'failed' || step.status === 'vacuous') this.details(step);
  }

  private details(step: StepRun): void {
    const { vacuous, failed } = culpritChecks(step);
    // The cell that failed; else, for a failing check, the step's last cell: what the check looked at.
    const cell =
      failingCell(step) ?? (failed.length > 0 ? step.cells.filter((c) => c.skipped === undefined).pop() : undefined);
    if (cell !== undefined) {
      this.line(`    transcript of ${cell.cellId} (${cell.source.file}:${cell.source.line}):`);
      this.line(indent(clipLines(cellTranscript(cell), MAX_TRANSCRIPT_LINES), '      | '));
    }
    for (const o of vacuous) this.line(`    passed before the step ran: ${o.kind} ${o.target}: ${o.seen}`);
    for (const o of failed) {
      this.line(`    ✗ ${o.kind} ${o.target}`);
      this.line(`        expected: ${o.expected}`);
      this.line(`        seen:     ${o.seen}`);
      if (o.hint) this.line(`        hint:     ${o.hint}`);
    }
  }

  lessonEnd(run: LessonRun): void {
    if (run.error !== undefined) this.line(`  lesson error: ${run.error}`);
  }
}
