// asciicast v2, the file format of a recorded terminal (https://docs.asciinema.org/manual/asciicast/v2/): one
// JSON header line, then one JSON array per event, `[seconds, code, data]`, in time order. The server writes it
// (server/class/recordings) and the instructor's player reads it (client/class/cast-player.ts), so its shapes
// and its one parser live here, on the boundary both ends share. Lines are parsed one at a time, never as a whole.
import { z } from 'zod';

export const ASCIICAST_MEDIA_TYPE = 'application/x-asciicast';
/** Longest cast the player accepts (bytes of text): above the server's own cap (MAX_CAST_BYTES), with room. */
export const MAX_PLAYABLE_CAST_CHARS = 64 * 1024 * 1024;

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix time of the start, in seconds. */
  timestamp?: number;
  title?: string;
  env?: Record<string, string>;
  idle_time_limit?: number;
}
// Other keys (duration, command, theme...) are allowed by the format and ignored here.
export const castHeaderSchema: z.ZodType<CastHeader> = z.looseObject({
  version: z.literal(2),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  timestamp: z.number().int().nonnegative().optional(),
  title: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  idle_time_limit: z.number().positive().optional(),
});

/** o: output; i: input; r: resize ("COLSxROWS"); m: a marker with a label. */
export type CastEventCode = 'o' | 'i' | 'r' | 'm';
export type CastEvent = [time: number, code: CastEventCode, data: string];
export const castEventSchema: z.ZodType<CastEvent> = z.tuple([
  z.number().nonnegative(),
  z.enum(['o', 'i', 'r', 'm']),
  z.string(),
]);
export const CAST_RESIZE_PATTERN = /^(\d{1,4})x(\d{1,4})$/;

export interface Cast {
  header: CastHeader;
  events: CastEvent[];
}

export type CastParse = { ok: true; cast: Cast } | { ok: false; error: string };

/** Parses a whole cast; a bad file gives a message naming the line and what is wrong with it. */
export function parseCast(text: string): CastParse {
  if (text.length > MAX_PLAYABLE_CAST_CHARS)
    return { ok: false, error: `the cast is larger than ${MAX_PLAYABLE_CAST_CHARS} characters` };
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop(); // the final newline
  const headerLine = lines[0];
  if (headerLine === undefined || headerLine.trim() === '') return { ok: false, error: 'the cast is empty' };
  const header = parseLine(headerLine, castHeaderSchema);
  if (!header.ok) return { ok: false, error: `line 1 is not an asciicast v2 header: ${header.error}` };
  const events: CastEvent[] = [];
  let last = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const event = parseLine(line, castEventSchema);
    if (!event.ok) return { ok: false, error: `line ${i + 1} is not an event: ${event.error}` };
    const [time, code, data] = event.value;
    if (time < last) return { ok: false, error: `line ${i + 1} goes back in time (${time} s after ${last} s)` };
    if (code === 'r' && !CAST_RESIZE_PATTERN.test(data))
      return { ok: false, error: `line ${i + 1} is a resize to "${data.slice(0, 20)}", not COLSxROWS` };
    last = time;
    events.push(event.value);
  }
  return { ok: true, cast: { header: header.value, events } };
}

function parseLine<T>(line: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid' };
}

/** How a recording ended: still being written, ended with its terminal, cut at the size cap, or stopped by a
 *  server that went away (or a disk that failed) before it could say. */
export type RecordingState = 'recording' | 'complete' | 'cut' | 'interrupted';

/** One entry of `GET /api/class/learners/:id/recordings`. */
export interface RecordingInfo {
  id: string;
  lessonId: string;
  /** The terminal's index (0 = T1). */
  terminal: number;
  /** ISO 8601. */
  startedAt: string;
  /** The cast's size on disk now. */
  bytes: number;
  state: RecordingState;
}
export const recordingInfoSchema: z.ZodType<RecordingInfo> = z.object({
  id: z.string(),
  lessonId: z.string(),
  terminal: z.number().int().nonnegative(),
  startedAt: z.string(),
  bytes: z.number().int().nonnegative(),
  state: z.enum(['recording', 'complete', 'cut', 'interrupted']),
});
export interface RecordingList {
  learnerId: string;
  recordings: RecordingInfo[];
}
export const recordingListSchema: z.ZodType<RecordingList> = z.object({
  learnerId: z.string(),
  recordings: z.array(recordingInfoSchema),
});
