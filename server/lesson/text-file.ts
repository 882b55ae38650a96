// Reading lesson source files (markdown, JSON, YAML) as text, bounded and with normalised line endings.
import { readFile, stat } from 'node:fs/promises';
import { LessonError } from './errors.ts';

/** Lesson sources are hand-written text; 2 MiB is far beyond any real one and keeps a stray binary out of memory. */
export const MAX_LESSON_FILE_BYTES = 2 * 1024 * 1024;

/** The file's text with CRLF/CR turned into LF and a leading BOM removed, so line numbers match editors. */
export async function readLessonText(file: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new LessonError('LESSON_READ_FAILED', `${file}: not a regular file`);
    size = info.size;
  } catch (e: unknown) {
    if (e instanceof LessonError) throw e;
    throw new LessonError('LESSON_NOT_FOUND', `${file}: ${errorText(e)}`);
  }
  if (size > MAX_LESSON_FILE_BYTES) {
    throw new LessonError(
      'LESSON_TOO_LARGE',
      `${file}: ${size} bytes, more than the ${MAX_LESSON_FILE_BYTES}-byte limit`,
    );
  }
  try {
    return normaliseText(await readFile(file, 'utf8'));
  } catch (e: unknown) {
    throw new LessonError('LESSON_READ_FAILED', `${file}: ${errorText(e)}`);
  }
}

export function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES') return 'permission denied';
    return e.message;
  }
  return String(e);
}
