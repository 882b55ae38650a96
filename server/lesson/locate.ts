// What kind of lesson a path is, and its id under a root.
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { LessonError } from './errors.ts';
import { errorText } from './text-file.ts';

export type LessonLocation =
  | { format: 'native'; file: string; dir: string } // file: the markdown file
  | { format: 'katacoda'; file: string; dir: string } // file: index.json
  | { format: 'jupyter'; file: string; dir: string }; // file: the .ipynb notebook

export const NATIVE_LESSON_FILE = 'lesson.md';
export const KATACODA_INDEX_FILE = 'index.json';
export const NOTEBOOK_SUFFIX = '.ipynb';

/** A lesson folder (with index.json or lesson.md), a lesson .md file, or an index.json file. */
export async function locateLesson(path: string): Promise<LessonLocation> {
  const info = await statOrThrow(path);
  if (info.isDirectory()) {
    const index = join(path, KATACODA_INDEX_FILE);
    if (await isFile(index)) return { format: 'katacoda', file: index, dir: path };
    const native = join(path, NATIVE_LESSON_FILE);
    if (await isFile(native)) return { format: 'native', file: native, dir: path };
    throw new LessonError(
      'LESSON_NOT_A_LESSON',
      `${path}: a lesson folder needs ${NATIVE_LESSON_FILE} or ${KATACODA_INDEX_FILE}`,
    );
  }
  if (basename(path) === KATACODA_INDEX_FILE) return { format: 'katacoda', file: path, dir: dirname(path) };
  if (path.toLowerCase().endsWith('.md')) return { format: 'native', file: path, dir: dirname(path) };
  if (path.toLowerCase().endsWith(NOTEBOOK_SUFFIX)) return { format: 'jupyter', file: path, dir: dirname(path) };
  throw new LessonError(
    'LESSON_NOT_A_LESSON',
    `${path}: not a lesson (expected a .md file, a .ipynb notebook, index.json or a lesson folder)`,
  );
}

/**
 * The lesson id: its path under `root`, with '/' separators. A folder lesson (lesson.md, index.json) is named by
 * its folder; a loose .md file by its file name. Without a root, the lesson's parent folder is the root.
 */
export function lessonId(location: LessonLocation, root: string | undefined): string {
  const named = isFolderLesson(location) ? location.dir : location.file;
  const base = root ?? dirname(resolve(named));
  const rel = relative(resolve(base), resolve(named));
  return rel === '' ? basename(resolve(named)) : rel.split(sep).join('/');
}

function isFolderLesson(location: LessonLocation): boolean {
  return location.format === 'katacoda' || basename(location.file) === NATIVE_LESSON_FILE;
}

async function statOrThrow(path: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(path);
  } catch (e: unknown) {
    throw new LessonError('LESSON_NOT_FOUND', `${path}: ${errorText(e)}`);
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw new LessonError('LESSON_READ_FAILED', `${path}: ${errorText(e)}`);
  }
}
