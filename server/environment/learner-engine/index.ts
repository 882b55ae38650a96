// Learners' own Docker engines (DESIGN.md, Classes): levels and their policy, the probe, the provisioner.
export {
  chooseLevel,
  describeDecision,
  dockerLessonRefusal,
  isLearnerEnginesMode,
  DEFAULT_LEARNER_ENGINES_MODE,
  ISOLATION_LEVELS,
  LEARNER_ENGINE_MODES,
  LEARNER_ENGINES_FLAG,
  type IsolationLevel,
  type LearnerEnginesMode,
  type LevelDecision,
  type ProbeResult,
} from './levels.ts';
export { setUpLearnerEngines, type LearnerEngineSetup, type LearnerEngineSetupOptions } from './probe.ts';
export {
  LearnerEngines,
  LearnerEngineError,
  type LearnerEngine,
  type LearnerEnginesOptions,
  type ShellEngineAccess,
} from './provisioner.ts';
export { LEARNER_DOCKER_HOST, ENGINE_RUN_DIR } from './engine-container.ts';
