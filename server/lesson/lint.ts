// `stepwise lint`: load lessons, add the lint rules, and describe each lesson's structure for tools and CI.
import { stat } from 'node:fs/promises';
import { isLessonError, LessonError } from './errors.ts';
import { findLessons } from './discover.ts';
import { loadCourse } from './katacoda/course.ts';
import type { Course } from './katacoda/course.ts';
import { lintRules } from './lint-rules.ts';
import { loadLesson, unreadableLesson } from './load.ts';
import type { Cell, CellKind, FileTarget, Lesson, LessonFormat, Page, Problem } from './model.ts';
import { blockCells } from './cells.ts';
import { sortProblems } from './problems.ts';

export interface LintCell {
  command: string;
  kind: CellKind;
  terminal: number;
  /** Katacoda HOST<n>; absent when the cell names no host. */
  host?: number;
  /** Typed without pressing Enter (Katacoda no-newline). */
  noNewline: boolean;
  /** Whether a Run (or Write file) button runs it; false for copy cells, `norun` blocks and cells shown only. */
  runnable: boolean;
  /** File cells: where their text goes, and how. */
  file?: FileTarget;
}

export interface LintStep {
  title: string;
  cells: LintCell[];
  checks: number;
}

export interface LintPage {
  title?: string;
  cells: LintCell[];
}

/** One lesson (or course file) as `stepwise lint --json` prints it. */
export interface LintReport {
  kind: 'lesson' | 'course';
  path: string;
  id: string;
  format?: LessonFormat;
  title: string;
  /** The steps only; a Katacoda intro and finish are `intro` and `finish`. */
  steps: LintStep[];
  intro?: LintPage;
  finish?: LintPage;
  /** Course files: the lesson ids they list, in order. */
  lessons?: string[];
  problems: Problem[];
}

/**
 * Lints each path: a lesson (folder, .md file or index.json), or a folder of lessons and course files.
 * Never throws for a bad lesson; a path that is neither is reported as an error.
 */
export async function lintLessons(paths: string[]): Promise<LintReport[]> {
  const reports: LintReport[] = [];
  for (const path of paths) reports.push(...(await lintPath(path)));
  return reports;
}

async function lintPath(path: string): Promise<LintReport[]> {
  try {
    return [await lessonReport(path, await loadLesson(path))];
  } catch (e: unknown) {
    if (!isLessonError(e)) throw e;
    if (e.code === 'LESSON_NOT_A_LESSON' && (await isDirectory(path))) return lintFolder(path);
    return [await lessonReport(path, unreadableLesson(path, path, e))];
  }
}

async function lintFolder(root: string): Promise<LintReport[]> {
  const tree = await findLessons(root);
  const reports: LintReport[] = [];
  if (tree.lessons.length === 0 && tree.courseFiles.length === 0) {
    const lesson = unreadableLesson(
      root,
      root,
      new LessonError(
        'LESSON_NOT_A_LESSON',
        'no lessons here: no lesson.md, index.json, or .md file with front matter',
      ),
    );
    return [await lessonReport(root, lesson)];
  }
  for (const path of tree.lessons) {
    try {
      reports.push(await lessonReport(path, await loadLesson(path, { root })));
    } catch (e: unknown) {
      if (!isLessonError(e)) throw e;
      reports.push(await lessonReport(path, unreadableLesson(path, path, e)));
    }
  }
  for (const file of tree.courseFiles) reports.push(courseReport(await loadCourse(file, root)));
  return reports;
}

async function lessonReport(path: string, lesson: Lesson): Promise<LintReport> {
  const report: LintReport = {
    kind: 'lesson',
    path,
    id: lesson.id,
    format: lesson.format,
    title: lesson.title,
    steps: lesson.steps.map((s) => ({
      title: s.title,
      cells: blockCells(s.blocks).map(lintCell),
      checks: s.checks.length,
    })),
    problems: sortProblems([...lesson.problems, ...(await lintRules(lesson))]),
  };
  if (lesson.intro) report.intro = lintPage(lesson.intro);
  if (lesson.finish) report.finish = lintPage(lesson.finish);
  return report;
}

function courseReport(course: Course): LintReport {
  return {
    kind: 'course',
    path: course.file,
    id: course.id,
    title: course.title,
    steps: [],
    lessons: course.lessons.map((l) => l.id),
    problems: sortProblems(course.problems),
  };
}

function lintPage(page: Page): LintPage {
  const view: LintPage = { cells: blockCells(page.blocks).map(lintCell) };
  if (page.title !== undefined) view.title = page.title;
  return view;
}

function lintCell(cell: Cell): LintCell {
  const view: LintCell = {
    command: cell.command,
    kind: cell.kind,
    terminal: cell.terminal,
    noNewline: cell.noNewline === true,
    runnable: cell.runnable,
  };
  if (cell.host !== undefined) view.host = cell.host;
  if (cell.file) view.file = { path: cell.file.path, mode: cell.file.mode };
  return view;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
