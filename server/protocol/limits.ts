// Limits both ends must agree on. Server-only limits live beside the code that enforces them.

/** Flow control: the server pauses the pty above this many unacked bytes (about 512 KiB). */
export const FLOW_HIGH_WATERMARK = 512 * 1024;
/** ...and resumes it below this many (about 128 KiB). */
export const FLOW_LOW_WATERMARK = 128 * 1024;
/** The client acks at least this often, in bytes, so the server never waits on a tiny remainder. */
export const ACK_EVERY_BYTES = 32 * 1024;
/** Resize is clamped to this range: xterm handles far more, but nobody reads 1000 columns. */
export const MIN_COLS = 2;
export const MAX_COLS = 500;
export const MIN_ROWS = 2;
export const MAX_ROWS = 200;

export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n) || lo));
  return { cols: clamp(cols, MIN_COLS, MAX_COLS), rows: clamp(rows, MIN_ROWS, MAX_ROWS) };
}
