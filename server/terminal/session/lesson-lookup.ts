// Finding what a client names (cells, steps) in the session's lesson, with typed errors for what is not there.
import type { Cell, Lesson, Step } from '../../lesson/index.ts';
import { findCell, stepCells } from '../../lesson/index.ts';
import { SessionError } from '../errors.ts';

/** A cell anywhere in the lesson (intro, steps, finish) that may be run. */
export function findRunnableCell(lesson: Lesson, cellId: string): Cell {
  const cell = findCell(lesson, cellId);
  if (!cell) throw new SessionError('CELL_NOT_FOUND', `lesson ${lesson.id} has no cell ${cellId}`);
  if (!cell.runnable) throw new SessionError('CELL_NOT_RUNNABLE', `cell ${cellId} is shown, not run`);
  return cell;
}

/** The step whose page holds `cell`; null for the intro and finish pages. */
export function stepOfCell(lesson: Lesson, cell: Cell): Step | null {
  return lesson.steps.find((s) => stepCells(s).some((c) => c.id === cell.id)) ?? null;
}

/** A runnable file cell: the only kind a writeFile message may name. */
export function findFileCell(lesson: Lesson, cellId: string): Cell {
  const cell = findRunnableCell(lesson, cellId);
  if (cell.kind !== 'file') throw new SessionError('CELL_NOT_RUNNABLE', `cell ${cellId} does not write a file`);
  return cell;
}

export function findStep(lesson: Lesson, stepId: string): Step {
  const step = lesson.steps.find((s) => s.id === stepId);
  if (!step) throw new SessionError('STEP_NOT_FOUND', `lesson ${lesson.id} has no step ${stepId}`);
  return step;
}

/** What Catch up replays to reach `step`: the runnable exec and file cells of every earlier step, in order. */
export function replayableCellsBefore(lesson: Lesson, step: Step): Cell[] {
  return lesson.steps
    .filter((s) => s.index < step.index)
    .flatMap((s) => stepCells(s))
    .filter((c) => c.runnable && (c.kind === 'exec' || c.kind === 'file'));
}
