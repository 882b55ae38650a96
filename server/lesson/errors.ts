// Typed errors for paths that are not lessons at all. Problems inside a lesson never throw: they become
// Lesson.problems with file:line.
import { CodedError } from '../protocol/index.ts';

export type LessonErrorCode =
  | 'LESSON_NOT_FOUND' // the path does not exist
  | 'LESSON_NOT_A_LESSON' // a folder without lesson.md or index.json, or a file that is not .md / index.json
  | 'LESSON_READ_FAILED' // the file exists but could not be read (permissions, a directory where a file was expected)
  | 'LESSON_TOO_LARGE'; // a lesson file beyond MAX_LESSON_FILE_BYTES

export class LessonError extends CodedError<LessonErrorCode> {}

export function isLessonError(e: unknown): e is LessonError {
  return e instanceof LessonError;
}
