// Exit codes shared by every command.
/** Success. */
export const EXIT_OK = 0;
/** The input was read but is bad: a corrupt archive, a failing lesson, a lint error. */
export const EXIT_FAILURE = 1;
/** The command line is wrong, or a precondition (e.g. a lesson's `requires`) is unmet. */
export const EXIT_USAGE = 2;
/** A command stopped by a signal exits as a shell reports it: 128 + the signal's number (SIGINT 130, SIGTERM 143). */
export function exitCodeForSignal(signal: 'SIGINT' | 'SIGTERM' | NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}
