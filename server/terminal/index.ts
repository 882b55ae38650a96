// The terminal layer's public face (DESIGN.md "Terminals and sessions"): shells with shell integration on an
// Environment, and the sessions that own a learner's environment, terminals, runs and checks.
export { ShellTerminal, type CellRunResult, type RunOptions } from './shell-terminal.ts';
export { SessionManager, type SessionManagerDeps, type SessionOwner } from './session-manager.ts';
export { Session, type ProgressTracker, type SessionDeps, type TerminalOpened } from './session.ts';
export { SessionWatch, type WatchTarget } from './session-watch.ts';
export type { SessionClient } from './session-client.ts';
export type { StepChecker } from './step-checks.ts';
export { SessionError, TerminalError, describeError, type SessionErrorCode, type TerminalErrorCode } from './errors.ts';
export {
  DEFAULT_SESSION_LIMITS,
  sessionLimits,
  CATCH_UP_CELL_TIMEOUT_MS,
  CLASS_SESSIONS_PER_LEARNER,
  DEFAULT_CLASS_WARM_ENVIRONMENTS,
  MAX_SESSIONS_PER_OWNER,
  type SessionLimits,
} from './limits.ts';
