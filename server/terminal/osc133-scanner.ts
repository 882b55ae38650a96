// Finds the OSC 133 shell-integration markers (see shell-integration.ts) in a pty byte stream and passes
// every other byte through untouched, in order. Markers split across chunks are reassembled.
//
// Hazard: any program can print a marker (e.g. `cat` of a recorded session), which ends a cell early. That
// program runs as the learner, in the learner's own shell, so it can only confuse its own results.

export type Osc133Marker =
  | { kind: 'A' } // prompt starts
  | { kind: 'B' } // prompt ends: the shell waits for a command
  | { kind: 'C' } // a command was read and is about to run (PS0)
  | { kind: 'D'; exitCode: number | null }; // a command finished (PROMPT_COMMAND), with $?

const ESC = 0x1b;
const BEL = 0x07;
const BACKSLASH = 0x5c;
const PREFIX = Buffer.from('\x1b]133;');
/** Longest marker body we accept ("D;255" is the longest we send); longer is some other program's OSC. */
const MAX_MARKER_BODY_BYTES = 32;

export class Osc133Scanner {
  private carry: Buffer | null = null;

  /** Splits `chunk` into passthrough bytes and markers, calling back in stream order. */
  feed(chunk: Buffer, onBytes: (bytes: Buffer) => void, onMarker: (marker: Osc133Marker) => void): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let emitFrom = 0;
    let searchFrom = 0;
    for (;;) {
      const esc = buf.indexOf(ESC, searchFrom);
      if (esc === -1) break;
      const match = matchMarker(buf, esc);
      if (match === 'incomplete') {
        if (esc > emitFrom) onBytes(buf.subarray(emitFrom, esc));
        this.carry = Buffer.from(buf.subarray(esc)); // copy: the caller may reuse its buffer
        return;
      }
      if (match === null) {
        searchFrom = esc + 1;
        continue;
      }
      if (esc > emitFrom) onBytes(buf.subarray(emitFrom, esc));
      if (match.marker) onMarker(match.marker);
      emitFrom = searchFrom = match.end;
    }
    if (emitFrom < buf.length) onBytes(emitFrom === 0 ? buf : buf.subarray(emitFrom));
  }
}

type Match = { marker: Osc133Marker | null; end: number } | 'incomplete' | null;

function matchMarker(buf: Buffer, at: number): Match {
  const available = Math.min(PREFIX.length, buf.length - at);
  if (buf.compare(PREFIX, 0, available, at, at + available) !== 0) return null;
  if (available < PREFIX.length) return 'incomplete';
  const bodyStart = at + PREFIX.length;
  const limit = Math.min(buf.length, bodyStart + MAX_MARKER_BODY_BYTES + 2);
  for (let i = bodyStart; i < limit; i++) {
    const byte = buf[i]!;
    if (byte === BEL) return { marker: parseBody(buf.toString('latin1', bodyStart, i)), end: i + 1 };
    if (byte === ESC) {
      if (i + 1 >= buf.length) return 'incomplete';
      if (buf[i + 1] === BACKSLASH) return { marker: parseBody(buf.toString('latin1', bodyStart, i)), end: i + 2 };
      return null;
    }
  }
  return limit === buf.length && limit - bodyStart <= MAX_MARKER_BODY_BYTES ? 'incomplete' : null;
}

/** An OSC 133 we do not use (e.g. `133;P`) is consumed and dropped, like a terminal would. */
function parseBody(body: string): Osc133Marker | null {
  const [kind, arg] = body.split(';', 2);
  switch (kind) {
    case 'A':
    case 'B':
    case 'C':
      return { kind };
    case 'D': {
      const code = arg !== undefined && /^\d{1,3}$/.test(arg) ? Number(arg) : null;
      return { kind: 'D', exitCode: code };
    }
    default:
      return null;
  }
}
