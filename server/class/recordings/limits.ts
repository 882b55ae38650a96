// Limits of a class's recordings. Each is a named constant with its unit and reason.

/** Largest cast file (bytes): hours of an ordinary lesson take well under 1 MiB; this leaves room for big outputs
 *  while 100 learners × a few terminals × resets stay within a few GB even if every one is flooded. */
export const MAX_CAST_BYTES = 8 * 1024 * 1024;
/** Bytes kept free under MAX_CAST_BYTES for the lines that say the cast was cut (they are far shorter). */
export const CAST_END_RESERVE_BYTES = 1024;
/** Bytes a cast may have queued for the disk (bytes): above this, output is dropped and the gap is marked, so a
 *  flood onto a slow disk never grows the server's memory; 100 learners × 4 terminals hold at most 100 MiB. */
export const MAX_CAST_QUEUED_BYTES = 256 * 1024;
/** Output chunks this close together (ms) become one event, so a flood is thousands of lines, not millions;
 *  20 ms is below what a viewer can tell apart. */
export const CAST_COALESCE_MS = 20;
/** Longest output event (characters of text): a flood still becomes many modest lines a player can seek through. */
export const MAX_CAST_EVENT_CHARS = 64 * 1024;

export interface CastLimits {
  maxBytes: number;
  maxQueuedBytes: number;
  coalesceMs: number;
  maxEventChars: number;
}

export const DEFAULT_CAST_LIMITS: CastLimits = {
  maxBytes: MAX_CAST_BYTES,
  maxQueuedBytes: MAX_CAST_QUEUED_BYTES,
  coalesceMs: CAST_COALESCE_MS,
  maxEventChars: MAX_CAST_EVENT_CHARS,
};

/** Cast bytes one learner's recordings may take in all (bytes): every new terminal opening (Reset, a new tab)
 *  starts a new cast, so without it a learner looping Reset during a flood could fill the disk. Eight full casts. */
export const MAX_LEARNER_RECORDING_BYTES = 64 * 1024 * 1024;
/** Cast bytes a whole class's recordings may take (bytes): the folder sits beside the class database, whose writes
 *  must keep working. 100 learners of ordinary work take well under this. */
export const MAX_CLASS_RECORDING_BYTES = 2 * 1024 * 1024 * 1024;
/** Below this much budget left (bytes) a new recording is not started at all: it could hold no more than a prompt. */
export const MIN_RECORDING_BUDGET_BYTES = 64 * 1024;
