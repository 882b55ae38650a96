// The lessons module's public face: load one lesson, discover the lessons under a folder, lint them.
export type * from './model.ts';
export { loadLesson } from './load.ts';
export { LessonError, isLessonError } from './errors.ts';
export type { LessonErrorCode } from './errors.ts';
export { blockCells, findCell, lessonCells, stepCells } from './cells.ts';
export { discoverCourses, discoverLessons } from './discover.ts';
export type { Course } from './katacoda/course.ts';
export { lintLessons } from './lint.ts';
export type { LintCell, LintPage, LintReport, LintStep } from './lint.ts';
