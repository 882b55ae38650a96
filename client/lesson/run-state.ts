// The states a cell run, a step's check and its help can be in. Fed by runQueued / runStarted / runResult and
// checkResult. No DOM: unit-tested under node, and importable by LessonState.
import type { ServerMessage } from '../../server/protocol/index.ts';

type RunResult = Extract<ServerMessage, { type: 'runResult' }>;
type CheckResult = Extract<ServerMessage, { type: 'checkResult' }>;

export type CellRunState =
  | { state: 'idle' }
  | { state: 'sent' } // Run pressed; the server has not answered yet
  | { state: 'queued'; position: number }
  | { state: 'running' }
  | { state: 'done'; result: RunResult };

export type CellOutcome = 'ok' | 'unexpected-exit' | 'interrupted';

/** Whether a finished run did what the cell expects: its expected exit code (0 unless `expect-exit=N`). */
export function cellOutcome(result: Pick<RunResult, 'exitCode'>, expectExit: number): CellOutcome {
  if (result.exitCode === null) return 'interrupted';
  return result.exitCode === expectExit ? 'ok' : 'unexpected-exit';
}

export function isActive(s: CellRunState): boolean {
  return s.state === 'sent' || s.state === 'queued' || s.state === 'running';
}

export type CheckState = { state: 'idle' } | { state: 'checking' } | { state: 'done'; message: CheckResult };

export interface HelpState {
  hintsShown: number;
  solutionShown: boolean;
}
