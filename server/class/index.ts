// Classes (DESIGN.md "Classes"): the class's database, joining, learner identity, progress and results.
export {
  Classroom,
  JoinError,
  type ClassLesson,
  type ClassroomOptions,
  type JoinErrorCode,
  type Joined,
  type ResultRow,
} from './classroom.ts';
export { ClassNameError, checkClassName, classFilePath, CLASSES_DIR_NAME } from './class-file.ts';
export { ClassStoreError } from './schema.ts';
export { ClassStore, type LearnerRecord, type ProgressRecord } from './store.ts';
export { checkLearnerName } from './learner-name.ts';
export { CLASS_CODE_ALPHABET, normaliseClassCode } from './secrets.ts';
export { DEFAULT_MAX_LEARNERS, MAX_LEARNER_NAME_CHARS } from './limits.ts';
export { ClassRecorder, type ClassRecorderOptions, type RecordingFile } from './recordings/class-recorder.ts';
export { castFileName, castsDirOf } from './recordings/recording-files.ts';
export { MAX_CAST_BYTES, type CastLimits } from './recordings/limits.ts';
