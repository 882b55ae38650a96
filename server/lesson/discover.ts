// Finding the lessons under a folder: lesson folders (lesson.md or index.json), loose .md files that start
// with front matter, loose .ipynb notebooks, and course files that order them.
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isLessonError } from './errors.ts';
import { loadLesson, unreadableLesson } from './load.ts';
import { loadCourse, isCourseFile } from './katacoda/course.ts';
import type { Course } from './katacoda/course.ts';
import { KATACODA_INDEX_FILE, NATIVE_LESSON_FILE, NOTEBOOK_SUFFIX } from './locate.ts';
import type { Lesson } from './model.ts';

/** Lessons sit a few folders deep at most (courses/course/lesson); 8 stops a walk into something else. */
const MAX_DEPTH = 8;
/** A served folder holds tens of lessons; 1000 bounds a mistaken root such as $HOME. */
const MAX_LESSONS = 1000;
const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules']);

export interface LessonTree {
  /** Paths of lessons (folders, or .md files), in course order where a course orders them, else by path. */
  lessons: string[];
  courseFiles: string[];
}

/** Walks `root` for lessons and course files. A root that is itself a lesson is the one lesson. */
export async function findLessons(root: string): Promise<LessonTree> {
  const tree: LessonTree = { lessons: [], courseFiles: [] };
  const info = await stat(root);
  if (!info.isDirectory()) return { lessons: [root], courseFiles: [] };
  await walk(root, 0, tree);
  tree.lessons = await orderByCourses(tree.lessons, tree.courseFiles, root);
  return tree;
}

/**
 * `insideLesson`: a folder below a lesson folder. Its files are that lesson's pages, scripts and assets, so
 * only another lesson folder nested there (with its own index.json or lesson.md) is a lesson.
 */
async function walk(folder: string, depth: number, tree: LessonTree, insideLesson = false): Promise<void> {
  if (depth > MAX_DEPTH || tree.lessons.length >= MAX_LESSONS) return;
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  const isLesson = names.has(KATACODA_INDEX_FILE) || names.has(NATIVE_LESSON_FILE);
  if (isLesson) tree.lessons.push(folder);
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await walk(path, depth + 1, tree, insideLesson || isLesson);
    else if (isLesson || insideLesson) continue;
    else if (entry.isFile() && isCourseFile(entry.name)) tree.courseFiles.push(path);
    else if (entry.isFile() && entry.name.toLowerCase().endsWith(NOTEBOOK_SUFFIX)) {
      if (tree.lessons.length < MAX_LESSONS) tree.lessons.push(path);
    } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md') && (await startsWithFrontMatter(path))) {
      if (tree.lessons.length < MAX_LESSONS) tree.lessons.push(path);
    }
  }
}

/** A loose .md file is a lesson when it opens with front matter; a README without it is not. */
async function startsWithFrontMatter(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return /^(\uFEFF)?---\r?\n/.test(head.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

/** Lessons in one folder follow the order of a course file there; the rest keep path order after them. */
async function orderByCourses(lessons: string[], courseFiles: string[], root: string): Promise<string[]> {
  const rank = new Map<string, number>();
  for (const file of courseFiles) {
    const course = await loadCourse(file, root);
    course.lessons.forEach((l, i) => {
      if (!rank.has(l.id)) rank.set(l.id, i);
    });
  }
  const idOf = (path: string) => relativeId(root, path);
  return [...lessons].sort((a, b) => {
    const byFolder = dirname(a).localeCompare(dirname(b));
    if (byFolder !== 0) return byFolder;
    const ra = rank.get(idOf(a)) ?? Number.MAX_SAFE_INTEGER;
    const rb = rank.get(idOf(b)) ?? Number.MAX_SAFE_INTEGER;
    return ra - rb || basename(a).localeCompare(basename(b));
  });
}

function relativeId(root: string, path: string): string {
  const rel = path.slice(root.length).replace(/^[\\/]+/, '');
  return rel.split(/[\\/]/).join('/');
}

/**
 * Loads every lesson under `root`, with ids relative to it. A lesson whose files cannot be read at all is
 * returned as one with no steps and the reason as an error problem, never dropped.
 */
export async function discoverLessons(root: string): Promise<Lesson[]> {
  const { lessons } = await findLessons(root);
  const loaded: Lesson[] = [];
  for (const path of lessons) {
    try {
      loaded.push(await loadLesson(path, { root }));
    } catch (e: unknown) {
      if (!isLessonError(e)) throw e;
      loaded.push(unreadableLesson(path, relativeId(root, path), e));
    }
  }
  return loaded;
}

/** The courses (structure.json, *-pathway.json) under `root`. */
export async function discoverCourses(root: string): Promise<Course[]> {
  const { courseFiles } = await findLessons(root);
  const courses: Course[] = [];
  for (const file of courseFiles) courses.push(await loadCourse(file, root));
  return courses;
}
