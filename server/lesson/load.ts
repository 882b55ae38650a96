// Loading one lesson, whatever its format.
import { resolve } from 'node:path';
import { emptyLesson } from './assemble.ts';
import type { LessonError } from './errors.ts';
import { loadNotebookLesson } from './jupyter/loader.ts';
import { loadKatacodaLesson } from './katacoda/loader.ts';
import { lessonId, locateLesson, NOTEBOOK_SUFFIX } from './locate.ts';
import type { Lesson } from './model.ts';
import { loadNativeLesson } from './native/loader.ts';

/**
 * Loads a lesson folder (lesson.md or index.json), a lesson .md file, or an index.json. Problems inside the
 * lesson are in `lesson.problems`; a path that is not a lesson throws a LessonError.
 */
export async function loadLesson(path: string, opts: { root?: string } = {}): Promise<Lesson> {
  const location = await locateLesson(path);
  const id = lessonId(location, opts.root);
  switch (location.format) {
    case 'native':
      return loadNativeLesson(location.file, id);
    case 'katacoda':
      return loadKatacodaLesson(location.dir, location.file, id);
    case 'jupyter':
      return loadNotebookLesson(location.file, id);
  }
}

/** A stand-in for a lesson whose files could not be read at all: no steps, and the reason as its one error. */
export function unreadableLesson(path: string, id: string, error: LessonError): Lesson {
  const lower = path.toLowerCase();
  const format = lower.endsWith('.md') ? 'native' : lower.endsWith(NOTEBOOK_SUFFIX) ? 'jupyter' : 'katacoda';
  const lesson = emptyLesson(id, resolve(path), format, id);
  const message = error.message.startsWith(path)
    ? error.message.slice(path.length).replace(/^:\s*/, '')
    : error.message;
  lesson.problems = [{ file: path, line: 1, severity: 'error', message }];
  return lesson;
}
