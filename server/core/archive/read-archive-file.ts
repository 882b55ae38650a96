// An archive that is a file on disk, read with a second reader per big layer member. The main reader walks the
// tar's own headers in order; once a member's first block says it is a layer, a second reader of the same file
// handle scans that member's byte range (digests, decompression, entries) while the main reader skips ahead to
// the next header. Up to ScanSlots layers are scanned at once. Nothing is held in memory but the read buffers in
// flight, so memory is as bounded as the single pass. An archive compressed as a whole has no byte ranges for its
// members: it is read in the single pass (readArchive).
import { open, type FileHandle } from 'node:fs/promises';
import { BlobScanner } from '../blob-scan.ts';
import { sniffCompression } from '../compress/decoder.ts';
import { CoreError } from '../errors.ts';
import type { ReadPath } from '../model.ts';
import { FILE_READ_CHUNK_BYTES } from '../oci/dir-store.ts';
import { PARALLEL_MIN_MEMBER_BYTES, type ScanSlots } from '../scan-slots.ts';
import { BLOCK } from '../tar/header.ts';
import type { TarEntry } from '../tar/reader.ts';
import { checkLooksLikeTar } from './open-tar.ts';
import {
  archiveTarReader,
  memberLabel,
  readArchive,
  type ArchiveContents,
  type Member,
  type ReadArchiveOptions,
} from './read-archive.ts';

export interface FileArchive {
  contents: ArchiveContents;
  read: ReadPath;
}

export async function readArchiveFile(path: string, opts: ReadArchiveOptions, slots: ScanSlots): Promise<FileArchive> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const head = await readAt(file, 0, Math.min(BLOCK, size));
    const compression = sniffCompression(head);
    if (compression !== 'none') {
      const contents = await readArchive(
        file.createReadStream({ highWaterMark: FILE_READ_CHUNK_BYTES, autoClose: false }),
        opts,
      );
      return {
        contents,
        read: {
          mode: 'single-pass',
          concurrency: 1,
          reason: `the archive is ${compression}-compressed as a whole, so its members cannot be read apart`,
        },
      };
    }
    checkLooksLikeTar(head, opts.label);
    return {
      contents: await readMembersApart(file, size, opts, slots),
      read: { mode: 'parallel', concurrency: slots.size, reason: 'a file can be read by more than one reader' },
    };
  } finally {
    await file.close();
  }
}

async function readMembersApart(
  file: FileHandle,
  fileSize: number,
  opts: ReadArchiveOptions,
  slots: ScanSlots,
): Promise<ArchiveContents> {
  const contents: ArchiveContents = { label: opts.label, compression: 'none', members: new Map(), listing: [] };
  // Stops the second readers when the main one fails, so none outlives this call.
  const stop = new AbortController();
  const scans: Promise<void>[] = [];
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;

  const detach = (member: Member, entry: TarEntry): Promise<void> | null => {
    const start = entry.offset + BLOCK; // a non-sparse entry's data follows its own header block
    if (entry.sparse || entry.size < PARALLEL_MIN_MEMBER_BYTES || start + entry.size > fileSize) return null; // a truncated member is the main reader's error to report
    return slots.acquire().then((release) => {
      const scanner = new BlobScanner(
        memberLabel(opts.label, member.rel),
        entry.size,
        opts.limits,
        opts.budget,
        opts.capture ?? null,
      );
      const scan = (async () => {
        try {
          for await (const chunk of readRange(file, start, entry.size, opts.label, member.rel)) {
            signal.throwIfAborted();
            const wait = scanner.write(chunk);
            if (wait) await wait;
          }
          await scanner.end();
          member.scan = scanner.result();
        } finally {
          release();
        }
      })();
      scan.catch(() => stop.abort()); // the first failure stops the rest; it is rethrown below
      scans.push(scan);
    });
  };

  const { reader, finish } = archiveTarReader(contents, opts, detach);
  try {
    let pos = 0;
    for (;;) {
      signal.throwIfAborted();
      const skip = reader.skippableBytes;
      if (skip > 0) {
        pos += skip;
        const wait = reader.skip(skip);
        if (wait) await wait;
        continue;
      }
      if (pos >= fileSize) break;
      const chunk = await readAt(file, pos, Math.min(FILE_READ_CHUNK_BYTES, fileSize - pos));
      if (chunk.length === 0) break; // the file shrank while being read: the reader reports the truncation
      pos += chunk.length;
      const wait = reader.write(chunk);
      if (wait) await wait;
    }
    const wait = reader.end();
    if (wait) await wait;
  } catch (e: unknown) {
    stop.abort();
    await Promise.allSettled(scans);
    throw e;
  }
  // In member order, so the error reported is the one a single pass would have met first; a scan that was only
  // stopped because another failed does not hide the failure itself.
  const failures = (await Promise.allSettled(scans)).flatMap((s) =>
    s.status === 'rejected' ? [s.reason as unknown] : [],
  );
  const failure = failures.find((e) => e !== stop.signal.reason) ?? failures[0];
  if (failure !== undefined)
    throw failure instanceof Error ? failure : new Error('a layer scan failed with a non-Error value');
  finish();
  return contents;
}

/** Reads up to `length` bytes at `position` into a fresh buffer (sinks may keep what they are given). */
async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafeSlow(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
}

/** One member's bytes, read positionally from the shared handle; a short read means the file changed under us. */
async function* readRange(
  file: FileHandle,
  start: number,
  length: number,
  label: string,
  rel: string,
): AsyncGenerator<Buffer> {
  const end = start + length;
  for (let pos = start; pos < end;) {
    const chunk = await readAt(file, pos, Math.min(FILE_READ_CHUNK_BYTES, end - pos));
    if (chunk.length === 0)
      throw new CoreError('TAR_TRUNCATED', `${label} is truncated at byte ${pos} inside member "${rel}"`);
    pos += chunk.length;
    yield chunk;
  }
}
