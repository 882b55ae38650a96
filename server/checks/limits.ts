// Limits for evaluating checks. Each bounds what a learner's environment can make a check read or wait for.

/** Bytes of a file read for `contains`/`matches`: lesson files are small; a larger one is judged on its head. */
export const MAX_CONTENT_BYTES = 1024 * 1024;
/** A `command:` check without its own `timeout`, in ms: checks answer a button press, so they must be quick. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
/** A `script:` verify check, in ms: Killercoda gives verify scripts about this long too. */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 60_000;
/** Characters of seen output quoted back in a result: enough to recognise, short enough to read. */
export const MAX_QUOTED_CHARS = 400;
/** Paths named in a result before "and N more". */
export const MAX_LISTED_PATHS = 5;
/** Glob matches examined one by one for a `file`/`tar` check before giving up: each costs a read. */
export const MAX_GLOB_EXAMINED = 20;
