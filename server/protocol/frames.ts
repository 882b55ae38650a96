// Binary frames: byte 0 is the terminal index (0 = T1); the rest is raw terminal bytes. No base64 anywhere.

/** Builds a frame. `payload` is copied once into the frame buffer. */
export function encodeTerminalFrame(term: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(term) || term < 0 || term > 255) throw new RangeError(`terminal index ${term} out of range`);
  const frame = new Uint8Array(payload.byteLength + 1);
  frame[0] = term;
  frame.set(payload, 1);
  return frame;
}

/** Splits a frame. Returns null for an empty frame. The payload is a view, not a copy. */
export function decodeTerminalFrame(frame: Uint8Array): { term: number; payload: Uint8Array } | null {
  if (frame.byteLength < 1) return null;
  return { term: frame[0]!, payload: frame.subarray(1) };
}

/** Builds one frame from several payload chunks (a batch) with a single copy. */
export function encodeTerminalFrameParts(term: number, parts: readonly Uint8Array[]): Uint8Array {
  if (!Number.isInteger(term) || term < 0 || term > 255) throw new RangeError(`terminal index ${term} out of range`);
  let length = 1;
  for (const part of parts) length += part.byteLength;
  const frame = new Uint8Array(length);
  frame[0] = term;
  let offset = 1;
  for (const part of parts) {
    frame.set(part, offset);
    offset += part.byteLength;
  }
  return frame;
}
