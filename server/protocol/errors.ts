// The one error vocabulary (STYLE.md "Errors are typed and coded at boundaries"): every code the server may
// put on the wire, in an `error` message or an API error body, and every WebSocket close code. Each coded
// error in the server derives from CodedError, so its code is one of these by construction; anything else is
// INTERNAL on the wire, with a fixed message (no host paths, no stack: those stay in the server log).
// Pure: no Node and no DOM imports, so both ends compile it; and no zod, so the CLI can load it before it
// needs anything heavier (the wire's schema for these codes is in messages.ts).

export const ERROR_CODES = [
  'INTERNAL', // a bug or an unexpected failure; the details are in the server log
  // terminals (server/terminal)
  'SHELL_START_FAILED', // the shell exited or stayed silent before its first prompt
  'SHELL_EXITED', // a run was asked of, or queued on, a shell that has exited
  'DISPOSED', // the terminal was closed (session reset or ended) before the run finished
  // sessions (server/terminal)
  'LESSON_NOT_FOUND',
  'STEP_NOT_FOUND',
  'CELL_NOT_FOUND',
  'CELL_NOT_RUNNABLE',
  'TERMINAL_NOT_OPEN',
  'TOO_MANY_SESSIONS',
  'TOO_MANY_TERMINALS',
  'BUSY', // a reset or catch-up (or, over HTTP, other image reads) is already running
  'SESSION_CLOSED',
  'CHECKS_FAILED_TO_RUN',
  'SCRIPT_FAILED', // a lesson's background or foreground script failed
  'FILE_NOT_WRITTEN', // a file cell's text could not be written (a path that escapes, a full disk)
  'RUN_QUEUE_FULL', // MAX_QUEUED_RUNS wait on the terminal already, or its input queue is full
  'CHECKS_BUSY', // MAX_CONCURRENT_CHECKS checks of this session are already running
  'FILE_WRITES_BUSY', // MAX_CONCURRENT_FILE_WRITES file cells of this session are being written
  // lessons (server/lesson)
  'LESSON_NOT_A_LESSON',
  'LESSON_READ_FAILED',
  'LESSON_TOO_LARGE',
  // environments (server/environment)
  'REQUIRES_UNMET',
  'CREATE_FAILED',
  'NOT_FOUND', // the thing named is not there (an environment, a path in it, an HTTP route)
  'EXEC_FAILED',
  'IMAGE_BUILD_FAILED',
  'BAD_DOCKER_HOST',
  'READ_FAILED',
  'TOO_LARGE',
  'ENV_SYMLINK_HOPS', // too many symlink hops resolving a path in the learner's environment
  'NOT_A_FILE',
  // the image explorer (server/http/inspect-route)
  'SOURCE_NOT_FOUND',
  'NO_ENGINE',
  'NOT_AN_IMAGE',
  'INSPECT_FAILED',
  // the core library's codes (server/core/errors.ts), which the explorer passes on
  'TAR_BAD_CHECKSUM',
  'TAR_TRUNCATED',
  'TAR_BAD_HEADER',
  'TAR_PATH_ESCAPE',
  'TAR_LINK_ESCAPE',
  'TAR_BAD_NAME',
  'TAR_TOO_MANY_ENTRIES',
  'TAR_HEADER_TOO_LARGE',
  'TAR_PATH_TOO_LONG',
  'DECOMPRESS_RATIO',
  'DECOMPRESS_FAILED',
  'SYMLINK_HOPS', // too many hops resolving a symlinked member of an archive
  'MANIFEST_INVALID',
  'MEMBER_MISSING',
  'DIGEST_MISMATCH',
  'NOT_AN_ARCHIVE',
  'ENGINE_ERROR',
  // HTTP (server/http)
  'BAD_REQUEST',
  'BAD_URL', // a path that is not valid percent-encoding or not a URL at all
  'FORBIDDEN', // express middleware's own 403
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'FORBIDDEN_HOST',
  'ASSET_DENIED',
  'ASSET_NOT_FOUND',
  'SESSION_NOT_FOUND',
  'CLIENT_NOT_BUILT',
  'BAD_JSON', // a request body that is not JSON
  'BODY_TOO_LARGE',
  // classes (server/class, server/http class routes)
  'BAD_CLASS_CODE',
  'NAME_TAKEN',
  'BAD_NAME',
  'CLASS_FULL',
  'TOO_MANY_JOINS', // too many failed joins from one address
  'BAD_REJOIN_LINK',
  'LEARNER_NOT_FOUND',
  'INSTRUCTOR_ONLY', // a learner asked for the instructor's pages or API
  'BAD_CLASS_NAME',
  'CLASS_DB_NEWER', // the class database was written by a newer stepwise
  'CLASS_DB_UNREADABLE',
  'CLASS_NAME_MISMATCH',
  'RECORDING_NOT_FOUND', // no recording with that id for that learner
  // the server's own start and the command line (never on the wire, but one vocabulary)
  'PUBLIC_BIND_WITHOUT_AUTH',
  'LISTEN_FAILED',
  'CLASS_WITHOUT_TOKEN',
  'CLASS_ON_SHARED_HOST',
  'USAGE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(code: unknown): code is ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(code);
}

/** The base of every coded error above the core library: a stable code, a message that names the thing,
 *  and optional details for logs (never sent). */
export class CodedError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The message sent for anything that is not a CodedError. */
export const INTERNAL_MESSAGE = 'internal error (details are in the server log)';

/**
 * A code and a plain message for any error, for the wire. Only a CodedError keeps its own; anything else
 * (a Node system error with a host path, a library's error, a thrown string) becomes INTERNAL.
 */
export function describeError(e: unknown): { code: ErrorCode; message: string } {
  if (e instanceof CodedError && isErrorCode(e.code)) return { code: e.code, message: e.message };
  return { code: 'INTERNAL', message: INTERNAL_MESSAGE };
}

// WebSocket close codes: 1000-1015 are the RFC's; 4000-4999 are this protocol's own.
/** The server is going away, or the session ended (RFC 6455 "going away"). */
export const CLOSE_GOING_AWAY = 1001;
/** A message with an unknown protocol version. */
export const CLOSE_BAD_VERSION = 4400;
/** A message that fails validation. */
export const CLOSE_BAD_MESSAGE = 4401;
/** A learner's socket asked for what only the instructor may have (the class feed, watching). */
export const CLOSE_FORBIDDEN = 4403;
/** No session could be made for `hello` (unknown lesson, too many sessions, environment failure). An `error`
 *  message with the reason comes first; the client does not retry on its own. */
export const CLOSE_NO_SESSION = 4404;
/** No `hello` came within the server's wait. */
export const CLOSE_NO_HELLO = 4408;
/** The server replaces this socket with a newer one for the same session. */
export const CLOSE_REPLACED = 4409;
