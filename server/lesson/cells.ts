// Walking the cells of a lesson: top-level cell blocks and the cells nested in prose, in reading order.
import type { Block, Cell, Lesson, Page, Step } from './model.ts';

export function blockCells(blocks: readonly Block[]): Cell[] {
  return blocks.flatMap((b) => (b.type === 'cell' ? [b.cell] : (b.cells ?? [])));
}

export function stepCells(step: Step | Page): Cell[] {
  return blockCells(step.blocks);
}

/** Every cell of the lesson: intro, steps, finish. */
export function lessonCells(lesson: Lesson): Cell[] {
  return [lesson.intro, ...lesson.steps, lesson.finish].flatMap((part) => (part ? stepCells(part) : []));
}

export function findCell(lesson: Lesson, cellId: string): Cell | undefined {
  return lessonCells(lesson).find((c) => c.id === cellId);
}
