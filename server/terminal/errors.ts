// Typed errors of the terminal layer. `code` is stable (the client shows messages and may branch on codes);
// `message` names the thing (terminal, cell, step, lesson) and never carries a stack trace.
import { CodedError } from '../protocol/index.ts';

export { describeError } from '../protocol/index.ts';

export type TerminalErrorCode =
  | 'SHELL_START_FAILED' // the shell exited or stayed silent before its first prompt
  | 'SHELL_EXITED' // a run was asked of, or queued on, a shell that has exited
  | 'DISPOSED'; // the terminal was closed (session reset or ended) before the run finished

export class TerminalError extends CodedError<TerminalErrorCode> {}

export type SessionErrorCode =
  | 'LESSON_NOT_FOUND'
  | 'STEP_NOT_FOUND'
  | 'CELL_NOT_FOUND'
  | 'CELL_NOT_RUNNABLE'
  | 'TERMINAL_NOT_OPEN'
  | 'TOO_MANY_SESSIONS'
  | 'TOO_MANY_TERMINALS'
  | 'BUSY' // a reset or catch-up is already running
  | 'RUN_QUEUE_FULL' // MAX_QUEUED_RUNS wait on the terminal already, or its input queue is full
  | 'SESSION_CLOSED'
  | 'CHECKS_FAILED_TO_RUN'
  | 'SCRIPT_FAILED'
  | 'CHECKS_BUSY' // MAX_CONCURRENT_CHECKS checks of this session are already running
  | 'FILE_WRITES_BUSY'; // MAX_CONCURRENT_FILE_WRITES file cells of this session are being written

export class SessionError extends CodedError<SessionErrorCode> {}
