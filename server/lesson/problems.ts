// Problems found while loading or linting a lesson. Every one carries file:line (1-based).
import type { Problem, Severity, SourceRef } from './model.ts';

export class ProblemList {
  readonly items: Problem[] = [];

  add(severity: Severity, at: SourceRef, message: string): void {
    this.items.push({ file: at.file, line: Math.max(1, at.line), severity, message });
  }
  error(at: SourceRef, message: string): void {
    this.add('error', at, message);
  }
  warning(at: SourceRef, message: string): void {
    this.add('warning', at, message);
  }
  note(at: SourceRef, message: string): void {
    this.add('note', at, message);
  }
  addAll(problems: readonly Problem[]): void {
    this.items.push(...problems);
  }
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** Sorted by file, then line, then severity, so output is stable. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}
