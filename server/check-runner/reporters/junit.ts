// --junit FILE: one <testsuite> per lesson, one <testcase> per step (classname = lesson id), the step's
// transcript in <system-out>. Written once, at the end, replacing the file atomically.
import { rename, writeFile } from 'node:fs/promises';
import { describeOutcome } from '../../checks/index.ts';
import type { LessonRun, StepRun, Summary } from '../results.ts';
import { culpritChecks, stepName, stepTranscript } from '../results.ts';
import type { Reporter } from './reporter.ts';
import { escapeAttr, escapeText } from './xml.ts';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function failureBody(step: StepRun): string {
  const { vacuous, failed } = culpritChecks(step);
  const lines = [step.failure ?? 'failed'];
  for (const o of vacuous) lines.push(`passed before the step ran: ${o.kind} ${o.target}: ${o.seen}`);
  for (const o of failed) lines.push(`failed: ${o.kind} ${o.target}: ${describeOutcome(o)}`);
  return lines.join('\n');
}

function testcase(step: StepRun): string {
  const open = `    <testcase classname="${escapeAttr(step.lessonId)}" name="${escapeAttr(stepName(step))}" time="${seconds(step.durationMs)}" file="${escapeAttr(step.source.file)}" line="${step.source.line}">`;
  const parts = [open];
  if (step.status === 'failed' || step.status === 'vacuous') {
    parts.push(
      `      <failure type="${step.status}" message="${escapeAttr(step.failure ?? step.status)}">${escapeText(failureBody(step))}</failure>`,
    );
  } else if (step.status === 'unasserted') {
    parts.push(`      <skipped message="run without asserting, to build up the environment for --step"/>`);
  }
  parts.push(`      <system-out>${escapeText(stepTranscript(step))}</system-out>`, '    </testcase>');
  return parts.join('\n');
}

function testsuite(run: LessonRun): string {
  const failures = run.steps.filter((s) => s.status === 'failed' || s.status === 'vacuous').length;
  const skipped = run.steps.filter((s) => s.status === 'unasserted').length;
  const head = `  <testsuite name="${escapeAttr(run.lessonId)}" tests="${run.steps.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(run.durationMs)}">`;
  const props = `    <properties><property name="backend" value="${escapeAttr(run.backend)}"/><property name="dir" value="${escapeAttr(run.dir)}"/></properties>`;
  const err = run.error === undefined ? [] : [`    <system-err>${escapeText(run.error)}</system-err>`];
  return [head, props, ...run.steps.map(testcase), ...err, '  </testsuite>'].join('\n');
}

export function renderJunit(runs: readonly LessonRun[], summary: Summary): string {
  const tests = runs.reduce((n, r) => n + r.steps.length, 0);
  const time = runs.reduce((n, r) => n + r.durationMs, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="stepwise check" tests="${tests}" failures="${summary.failed + summary.vacuous}" errors="0" time="${seconds(time)}">`,
    ...runs.map(testsuite),
    '</testsuites>',
    '',
  ].join('\n');
}

export class JunitReporter implements Reporter {
  constructor(private readonly file: string) {}

  async end(runs: LessonRun[], summary: Summary): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, renderJunit(runs, summary), 'utf8');
    await rename(tmp, this.file);
  }
}
