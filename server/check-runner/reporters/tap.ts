// --tap: TAP version 13 on stdout, one test point per step as it finishes, YAML diagnostics for failures, and
// the plan at the end (TAP 13 allows a trailing plan).
import { stringify } from 'yaml';
import type { LessonRun, StepRun, Summary } from '../results.ts';
import { culpritChecks, failingCell, cellTranscript, stepName } from '../results.ts';
import type { Reporter } from './reporter.ts';

/** A test point description may not contain '#' (it starts a directive) or a line break. */
function description(step: StepRun): string {
  return `${step.lessonId} ${stepName(step)}`
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/#/g, '\\#');
}

function diagnostics(step: StepRun): string {
  const { vacuous, failed } = culpritChecks(step);
  const cell = failingCell(step);
  const doc: Record<string, unknown> = {
    message: step.failure ?? step.status,
    severity: step.status === 'vacuous' ? 'vacuous' : 'fail',
    at: { file: step.source.file, line: step.source.line },
  };
  if (vacuous.length > 0) doc.passedBeforeStep = vacuous.map((o) => ({ check: `${o.kind} ${o.target}`, seen: o.seen }));
  if (failed.length > 0) {
    doc.failedChecks = failed.map((o) => ({
      check: `${o.kind} ${o.target}`,
      expected: o.expected,
      seen: o.seen,
      ...(o.hint ? { hint: o.hint } : {}),
    }));
  }
  if (cell !== undefined) doc.transcript = cellTranscript(cell);
  else if (step.cells.length > 0) doc.transcript = step.cells.map(cellTranscript).join('');
  const yaml = stringify(doc, { lineWidth: 0 }).trimEnd();
  return ['  ---', ...yaml.split('\n').map((l) => `  ${l}`), '  ...'].join('\n');
}

export function tapLine(n: number, step: StepRun): string {
  const desc = description(step);
  switch (step.status) {
    case 'passed':
      return `ok ${n} - ${desc}`;
    case 'unasserted':
      return `ok ${n} - ${desc} # SKIP run without asserting, to build up the environment for --step`;
    case 'failed':
    case 'vacuous':
      return `not ok ${n} - ${desc}\n${diagnostics(step)}`;
  }
}

export class TapReporter implements Reporter {
  private n = 0;
  private started = false;

  constructor(private readonly out: (text: string) => void) {}

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.out('TAP version 13\n');
  }

  lessonStart(): void {
    this.start();
  }

  stepEnd(step: StepRun): void {
    this.start();
    this.n++;
    this.out(`${tapLine(this.n, step)}\n`);
  }

  async end(_runs: LessonRun[], _summary: Summary): Promise<void> {
    this.start();
    this.out(`1..${this.n}\n`);
  }
}
