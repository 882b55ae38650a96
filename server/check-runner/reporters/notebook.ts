// --ipynb FILE: the lesson's headless run as a Jupyter notebook (nbformat 4.5, bash kernel), so CI leaves a
// transcript anyone can open in JupyterLab. Built by server/protocol/notebook.ts, as the page's download is.
// Written once, at the end, replacing the file atomically.
import { rename, writeFile } from 'node:fs/promises';
import type { Lesson, Page } from '../../lesson/index.ts';
import { notebookFromTranscript } from '../../protocol/index.ts';
import type { Notebook, TranscriptPage, TranscriptRun } from '../../protocol/index.ts';
import type { LessonRun } from '../results.ts';
import type { Reporter } from './reporter.ts';

export function notebookFromRun(lesson: Lesson, run: LessonRun): Notebook {
  const runs = new Map<string, TranscriptRun>();
  for (const step of run.steps) {
    for (const cell of step.cells) {
      if (cell.skipped === undefined)
        runs.set(cell.cellId, { exitCode: cell.exitCode, output: cell.output, durationMs: cell.durationMs });
    }
  }
  const page = (p: Page): TranscriptPage => ({ title: p.title, blocks: p.blocks });
  return notebookFromTranscript({
    lessonId: lesson.id,
    title: lesson.title,
    description: lesson.description,
    intro: lesson.intro ? page(lesson.intro) : undefined,
    steps: lesson.steps.map((step) => {
      const stepRun = run.steps.find((s) => s.id === step.id);
      const checked = stepRun && step.checks.length > 0 && stepRun.status !== 'unasserted' ? stepRun.after : [];
      return {
        title: step.title,
        blocks: step.blocks,
        checks: stepRun && checked.length > 0 ? { passed: stepRun.status === 'passed', results: checked } : undefined,
      };
    }),
    finish: lesson.finish ? page(lesson.finish) : undefined,
    runs,
  });
}

export class NotebookReporter implements Reporter {
  private readonly lessons = new Map<string, Lesson>();

  constructor(private readonly file: string) {}

  lessonStart(lesson: Lesson): void {
    this.lessons.set(lesson.id, lesson);
  }

  async end(runs: LessonRun[]): Promise<void> {
    const [run] = runs;
    const lesson = run ? this.lessons.get(run.lessonId) : undefined;
    if (!run || !lesson) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(notebookFromRun(lesson, run), null, 1)}\n`, 'utf8');
    await rename(tmp, this.file);
  }
}
