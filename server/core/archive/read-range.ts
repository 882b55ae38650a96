// Positional reads from an open file descriptor. The main reader of an archive and its layer scans (on scan
// workers, which share the process's descriptors) read the same descriptor at their own offsets, so none moves
// a file position another depends on.
import { read } from 'node:fs';

/** Read size for layer files: large reads keep per-chunk overhead small against sha256 and tar parsing. */
export const FILE_READ_CHUNK_BYTES = 1024 * 1024;

/** Reads up to `length` bytes at `position` into the start of `buffer`; the bytes read (0 at the end of the file). */
export function readInto(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    read(fd, buffer, 0, length, position, (e, bytesRead) => (e ? reject(e) : resolve(bytesRead))),
  );
}

/** Reads up to `length` bytes at `position` into a fresh buffer (sinks may keep what they are given). */
export async function readAt(fd: number, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafeSlow(length);
  const bytesRead = await readInto(fd, buffer, length, position);
  return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
}
