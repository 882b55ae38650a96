// Server-side session limits (DESIGN.md "Security defaults"). Each is a named default with its reason and
// unit; createServer / `stepwise serve` may override any of them.

export interface SessionLimits {
  /** Sessions (one learner + one lesson each) one server holds at once. */
  maxSessions: number;
  /** Terminals (T1, T2, ...) per session. */
  maxTerminalsPerSession: number;
  /** A session whose client sent nothing for this long (ms) is closed, connected or not. */
  idleTimeoutMs: number;
  /** A session with no connected client is kept this long (ms) for the page to come back (reload, sleep). */
  reconnectGraceMs: number;
  /** No session lives longer than this (ms), however busy. */
  maxSessionAgeMs: number;
  /** How often (ms) idle and old sessions are looked for. */
  reapIntervalMs: number;
}

const MINUTE = 60_000;

export const DEFAULT_SESSION_LIMITS: Readonly<SessionLimits> = Object.freeze({
  maxSessions: 16, // a learner's own machine: a few tabs; each session holds shells and maybe containers
  maxTerminalsPerSession: 4, // lessons use T1..T3; the protocol allows up to 16
  idleTimeoutMs: 60 * MINUTE, // long enough to read a step; a closed laptop gets its environment back via Catch up
  reconnectGraceMs: 15 * MINUTE, // a reload or a short network drop must find the same shell
  maxSessionAgeMs: 12 * 60 * MINUTE, // a workday; nothing runs unattended for ever
  reapIntervalMs: 30_000, // reaping is not urgent; checking twice a minute is cheap
});

/** Protocol bound on terminal indexes (0..15, see protocol/messages.ts). */
const PROTOCOL_MAX_TERMINALS = 16;

export function sessionLimits(overrides: Partial<SessionLimits> = {}): SessionLimits {
  const limits = { ...DEFAULT_SESSION_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`session limit ${name} must be a number >= 0, not ${value}`);
  }
  if (limits.maxTerminalsPerSession < 1 || limits.maxTerminalsPerSession > PROTOCOL_MAX_TERMINALS) {
    throw new RangeError(`maxTerminalsPerSession must be 1..${PROTOCOL_MAX_TERMINALS}`);
  }
  return limits;
}

/** Each replayed cell in Catch up gets this long (ms) before it is interrupted. */
export const CATCH_UP_CELL_TIMEOUT_MS = 10 * MINUTE;

/** Runs that may wait on one terminal (its queue, the running one included). A learner queues a few; a client
 *  that sends `run` in a loop must not grow the queue (and the server's memory) without bound. */
export const MAX_QUEUED_RUNS = 64;

/** Checks of one session running at once: a double click runs two; a client that sends `check` in a loop must
 *  not start processes in the learner's environment without bound. */
export const MAX_CONCURRENT_CHECKS = 2;

/** File cells of one session being written at once: each starts a process in the learner's environment, so a
 *  client that sends `writeFile` in a loop must not start them without bound. */
export const MAX_CONCURRENT_FILE_WRITES = 2;

/** Sessions one class learner may hold at once (a lesson each, in a few tabs): without it one learner could take
 *  every session slot of the server and lock the class out. */
export const MAX_SESSIONS_PER_OWNER = 4;

/** In a class, the server's session slots per admitted learner: one lesson open each, a second while they move on. */
export const CLASS_SESSIONS_PER_LEARNER = 2;

/** In a class on the docker backend, environments kept made ahead of learners for each kind of lesson, unless
 *  `serve --warm` says otherwise: the first few learners to arrive get a prompt at once while the pool refills
 *  behind them. A class that joins all at once wants `--warm` set to its size. */
export const DEFAULT_CLASS_WARM_ENVIRONMENTS = 8;
