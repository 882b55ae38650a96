// "Download as notebook": the learner's session so far as a Jupyter notebook (nbformat 4.5, bash kernel), built
// by the same protocol module as `stepwise check --ipynb`. Each run cell carries its output, its place in the run
// order, its exit code and duration; each checked step its latest check results.
import type { LessonView } from '../../server/protocol/index.ts';
import { notebookFromTranscript } from '../../server/protocol/index.ts';
import type { Notebook, TranscriptRun } from '../../server/protocol/index.ts';
import type { LessonState } from './lesson-state.ts';

export function lessonNotebook(lesson: LessonView, state: LessonState): Notebook {
  const runs = new Map<string, TranscriptRun>();
  for (const [cellId, result] of state.runsInOrder()) {
    runs.set(cellId, { exitCode: result.exitCode, output: result.output, durationMs: result.durationMs });
  }
  return notebookFromTranscript({
    lessonId: lesson.id,
    title: lesson.title,
    description: lesson.description,
    intro: lesson.intro ? { blocks: lesson.intro } : undefined,
    steps: lesson.steps.map((step) => {
      const check = state.check(step.id);
      return {
        title: step.title,
        blocks: step.blocks,
        checks: check.state === 'done' ? { passed: check.message.passed, results: check.message.results } : undefined,
      };
    }),
    finish: lesson.finish ? { blocks: lesson.finish } : undefined,
    runs,
  });
}

/** A file name from the lesson id: its last path part, safe on every file system. */
export function notebookFileName(lessonId: string): string {
  const base = (lessonId.split('/').pop() ?? 'lesson').replace(/\.(ipynb|md)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${base || 'lesson'}.ipynb`;
}

/** Saves the notebook through the browser's download. The object URL is released once the click is handled. */
export function downloadNotebook(notebook: Notebook, fileName: string): void {
  const blob = new Blob([`${JSON.stringify(notebook, null, 1)}\n`], { type: 'application/x-ipynb+json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
