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
export {
  CHECK_KINDS,
  checkListJsonSchema,
  compileMatch,
  IMAGE_FORMATS,
  MAX_CHECK_TIMEOUT_SECONDS,
  parseCheckList,
  typedCheck,
  type CheckKind,
  type CountRange,
  type FileCheck,
  type ImageCheck,
  type TarCheck,
  type TypedCheck,
} from './check-schema.ts';
export {
  KNOWN_REQUIREMENTS,
  REFUSE_DOCKER_MESSAGE,
  staticRequirementProblems,
  unknownRequirementMessage,
  wrongBackendMessage,
  type RequirementProblem,
} from './requirements.ts';
export { learnerPath } from './learner-path.ts';
