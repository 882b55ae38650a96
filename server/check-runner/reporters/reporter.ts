// What the runner tells reporters, as it happens. Every method is optional: a reporter listens to what it needs.
import type { CheckOutcome } from '../../checks/index.ts';
import type { Cell, Lesson, Step } from '../../lesson/index.ts';
import type { CellRun, LessonRun, StepRun, Summary } from '../results.ts';

export type CheckPhase = 'before' | 'after';

export interface Reporter {
  lessonStart?(lesson: Lesson, info: { backend: string; asserted: number[] }): void;
  /** A lesson-level phase finished: preflight, session, setup, background scripts. */
  phase?(lesson: Lesson, name: string, detail: string, durationMs: number, ok: boolean): void;
  stepStart?(lesson: Lesson, step: Step, asserted: boolean): void;
  checks?(step: Step, phase: CheckPhase, outcomes: CheckOutcome[], durationMs: number): void;
  cellStart?(cell: Cell): void;
  cellEnd?(cell: CellRun): void;
  stepEnd?(step: StepRun): void;
  lessonEnd?(run: LessonRun): void;
  /** Everything ran. A reporter writing a file does it here. */
  end?(runs: LessonRun[], summary: Summary): Promise<void>;
}

/** Forwards each event to every reporter, in order. */
export function fanOut(reporters: Reporter[]): Required<Reporter> {
  return {
    lessonStart: (...a) => reporters.forEach((r) => r.lessonStart?.(...a)),
    phase: (...a) => reporters.forEach((r) => r.phase?.(...a)),
    stepStart: (...a) => reporters.forEach((r) => r.stepStart?.(...a)),
    checks: (...a) => reporters.forEach((r) => r.checks?.(...a)),
    cellStart: (...a) => reporters.forEach((r) => r.cellStart?.(...a)),
    cellEnd: (...a) => reporters.forEach((r) => r.cellEnd?.(...a)),
    stepEnd: (...a) => reporters.forEach((r) => r.stepEnd?.(...a)),
    lessonEnd: (...a) => reporters.forEach((r) => r.lessonEnd?.(...a)),
    end: async (...a) => {
      for (const r of reporters) await r.end?.(...a);
    },
  };
}
