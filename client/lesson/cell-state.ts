// What the page knows about one cell's latest run, fed by runQueued / runStarted / runResult.
import type { ServerMessage } from '../../server/protocol/index.ts';

type RunResult = Extract<ServerMessage, { type: 'runResult' }>;

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
