// A cast's events on the playback clock: each gap between events is capped at the idle limit (as asciinema's
// idle_time_limit), so a learner reading for ten minutes replays in a moment. Pure: no DOM, unit-tested.
import { CAST_RESIZE_PATTERN, type Cast, type CastEventCode } from '../../server/protocol/index.ts';

/** Longest pause replayed (seconds), when the cast does not set its own idle_time_limit. */
export const IDLE_TIME_LIMIT_S = 2;

export interface TimedEvent {
  /** Seconds on the playback clock (idle gaps capped). */
  at: number;
  code: CastEventCode;
  data: string;
}

export interface Timeline {
  width: number;
  height: number;
  events: TimedEvent[];
  /** Seconds on the playback clock. */
  duration: number;
}

export function timelineOf(cast: Cast, idleLimit = cast.header.idle_time_limit ?? IDLE_TIME_LIMIT_S): Timeline {
  let at = 0;
  let previous = 0;
  const events = cast.events.map(([time, code, data]) => {
    at += Math.min(time - previous, idleLimit);
    previous = time;
    return { at, code, data };
  });
  return { width: cast.header.width, height: cast.header.height, events, duration: at };
}

/** Index of the first event after `position` (the next to play), by binary search. */
export function nextEventIndex(events: readonly TimedEvent[], position: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((events[mid]?.at ?? Infinity) <= position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A resize event's size, or undefined for a malformed one (parseCast has already refused those). */
export function resizeOf(data: string): { cols: number; rows: number } | undefined {
  const m = CAST_RESIZE_PATTERN.exec(data);
  return m ? { cols: Number(m[1]), rows: Number(m[2]) } : undefined;
}

/** m:ss, or h:mm:ss from an hour on. */
export function clockTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  return s >= 3600
    ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`
    : `${Math.floor(s / 60)}:${two(s % 60)}`;
}
