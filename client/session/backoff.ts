// Reconnect delays after the socket drops: quick at first (a server restart or a laptop waking up), then slower
// so a dead server is not hammered. Full jitter spreads many tabs apart. Pure: unit-tested under node.

/** First retry after about this long (ms): fast enough that a blip goes unnoticed. */
export const RECONNECT_BASE_MS = 250;
/** Never wait longer than this between tries (ms), so the page comes back soon after the server does. */
export const RECONNECT_MAX_MS = 8_000;

/** Delay before try number `attempt` (0-based). `random` is in [0, 1); jitter keeps at least half the delay. */
export function reconnectDelay(attempt: number, random: number): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 16)));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}
