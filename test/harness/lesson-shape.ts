// What a round trip through a notebook must keep of a lesson: its steps' titles and their cells.
import { stepCells, type Lesson } from '../../server/lesson/index.ts';

export function lessonShape(lesson: Lesson): unknown {
  return lesson.steps.map((s) => ({
    title: s.title,
    cells: stepCells(s).map((c) => ({
      id: c.id,
      command: c.command,
      kind: c.kind,
      terminal: c.terminal,
      runnable: c.runnable,
      expectExit: c.expectExit,
      file: c.file,
    })),
  }));
}
