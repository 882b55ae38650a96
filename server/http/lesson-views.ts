// The Lesson model as the browser sees it (protocol/api.ts): markdown and cells, never server-rendered HTML.
// File paths, scripts and check details stay on the server.
import type { Block, Cell, Lesson } from '../lesson/index.ts';
import type { BlockView, CellView, LessonSummary, LessonView } from '../protocol/index.ts';

export function cellView(cell: Cell): CellView {
  const view: CellView = {
    id: cell.id,
    command: cell.command,
    kind: cell.kind,
    terminal: cell.terminal,
    runnable: cell.runnable,
    expectExit: cell.expectExit,
  };
  if (cell.file) view.file = { path: cell.file.path, mode: cell.file.mode };
  return view;
}

export function blockView(block: Block): BlockView {
  if (block.type === 'cell') return { type: 'cell', cell: cellView(block.cell) };
  return block.cells && block.cells.length > 0
    ? { type: 'prose', markdown: block.markdown, cells: block.cells.map(cellView) }
    : { type: 'prose', markdown: block.markdown };
}

export function lessonView(lesson: Lesson, completedSteps: string[]): LessonView {
  const known = new Set(lesson.steps.map((s) => s.id));
  return {
    id: lesson.id,
    title: lesson.title,
    description: lesson.description,
    unlock: lesson.unlock,
    terminals: Math.max(1, lesson.environment.terminals),
    requires: lesson.environment.requires,
    ...(lesson.intro ? { intro: lesson.intro.blocks.map(blockView) } : {}),
    steps: lesson.steps.map((step) => ({
      id: step.id,
      index: step.index,
      title: step.title,
      blocks: step.blocks.map(blockView),
      checks: step.checks.length,
      hints: step.hints,
      ...(step.solution !== undefined ? { solution: step.solution } : {}),
    })),
    ...(lesson.finish ? { finish: lesson.finish.blocks.map(blockView) } : {}),
    completedSteps: completedSteps.filter((id) => known.has(id)), // a renamed step's old id is not progress
  };
}

export function lessonSummary(lesson: Lesson, completedSteps: string[], unmet: LessonSummary['unmet']): LessonSummary {
  const known = new Set(lesson.steps.map((s) => s.id));
  return {
    id: lesson.id,
    title: lesson.title,
    description: lesson.description,
    ...(lesson.difficulty !== undefined ? { difficulty: lesson.difficulty } : {}),
    ...(lesson.time !== undefined ? { time: lesson.time } : {}),
    requires: lesson.environment.requires,
    unmet,
    steps: lesson.steps.length,
    completedSteps: completedSteps.filter((id) => known.has(id)).length,
  };
}
