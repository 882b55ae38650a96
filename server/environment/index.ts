// The environment layer's public face (DESIGN.md "Environments"): providers that make Environments, the
// Environment handle, provisioning, requirements and file access. Terminals, checks, the check runner and the
// server reach a learner's environment only through what is exported here. The CLI validates provider names
// with ./names.ts alone, so that `--help` does not load node-pty and dockerode.
export { BACKEND_NAMES, isBackendName, type BackendName } from './names.ts';
export { BackendError } from './backend.ts';
export type {
  Backend,
  EnvironmentSpec,
  ExecOptions,
  ExecResult,
  PtyHandle,
  SessionEnv,
  TerminalSize,
  WarmContainers,
  WarmKind,
} from './backend.ts';
export { Environment } from './environment.ts';
export { Provider } from './provider.ts';
export { createProvider, hostFacts, providerOf, type CreateProviderOptions } from './providers/index.ts';
export {
  dockerProviderWithEngines,
  type DockerProviderWithEngines,
  type DockerWithEnginesOptions,
} from './providers/docker-with-engines.ts';
export { Requirements, type EnvironmentWants, type HostFacts, type Unmet } from './requirements.ts';
export {
  createLessonEnvironment,
  warmKindOf,
  runScripts,
  runSetup,
  shellQuote,
  type ForegroundRunner,
  type PhaseListener,
  type ProvisionPhase,
} from './provision.ts';
export { runScriptInEnv, type ScriptExecution } from './run-script.ts';
export {
  EnvReadError,
  envFileContent,
  openEnvTar,
  readBounded,
  readEnvEntry,
  resolveLink,
  withEnvEntry,
  withFirstTarEntry,
  type EnvEntry,
  type EnvEntryKind,
  type EntryWithContent,
} from './files/env-tar.ts';
export { expandTarget, normaliseTarget, type Expansion } from './files/env-glob.ts';
export { materialize, TempArea, withTempArea, type Materialized } from './files/materialize.ts';
export {
  DEFAULT_DOCKER_HOST,
  DockerHostError,
  dockerFromHost,
  dockerHostFromEnv,
  probeDockerHost,
} from './docker-host.ts';
export { stateDir } from './state-dir.ts';
export { FILE_WRITE_TIMEOUT_MS, writeFileCell, type FileWriteOutcome } from './files/file-cell.ts';
export { SHELL_TOO_OLD_EXIT } from './shell-integration.ts';
export {
  ENV_PROBE_TIMEOUT_MS,
  PTY_INPUT_QUEUE_MAX_BYTES,
  SCRIPT_TIMEOUT_MS,
  SETUP_COMMAND_TIMEOUT_MS,
} from './limits.ts';
export { DockerBackend } from './providers/docker.ts';
export {
  describeDecision,
  dockerLessonRefusal,
  setUpLearnerEngines,
  type LearnerEnginesMode,
} from './learner-engine/index.ts';
