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
