// An archive that is a file on disk, read with a second reader per big layer member. The main reader walks the
// tar's own headers in order; once a member's first block says it is a layer, a scan worker (scan-worker/)
// reads that member's byte range from the same file descriptor (digests, decompression, entries) while the main
// reader skips ahead to the next header. Up to one layer per core is scanned at once. Nothing is held in memory
// but the read buffers in flight, so memory is as bounded as the single pass. An archive compressed as a whole has no byte ranges for its
// members: it is read in the single pass (readArchive).
import { open, type FileHandle } from 'node:fs/promises';
import { sniffCompression } from '../compress/decoder.ts';
import type { ReadPath } from '../model.ts';
import { PARALLEL_MIN_MEMBER_BYTES } from '../scan-slots.ts';
import type { LayerScanPool } from '../scan-worker/pool.ts';
import { FILE_READ_CHUNK_BYTES, readAt } from './read-range.ts';
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

export async function readArchiveFile(
  path: string,
  opts: ReadArchiveOptions,
  pool: LayerScanPool,
): Promise<FileArchive> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const head = await readAt(file.fd, 0, Math.min(BLOCK, size));
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
      contents: await readMembersApart(file, size, opts, pool),
      read: {
        mode: 'parallel',
        concurrency: pool.size,
        reason: 'a file can be read by more than one reader: layers are scanned on worker threads',
      },
    };
  } finally {
    await file.close();
  }
}

async function readMembersApart(
  file: FileHandle,
  fileSize: number,
  opts: ReadArchiveOptions,
  pool: LayerScanPool,
): Promise<ArchiveContents> {
  const contents: ArchiveContents = { label: opts.label, compression: 'none', members: new Map(), listing: [] };
  // Stops the second readers when the main one fails, so none outlives this call.
  const stop = new AbortController();
  const scans: Promise<void>[] = [];
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;

  const detach = (member: Member, entry: TarEntry): Promise<void> | null => {
    const start = entry.offset + BLOCK; // a non-sparse entry's data follows its own header block
    if (entry.sparse || entry.size < PARALLEL_MIN_MEMBER_BYTES || start + entry.size > fileSize) return null; // a truncated member is the main reader's error to report
    return pool.reserve(signal).then((slot) => {
      const scan = (async () => {
        member.scan = await slot.run(
          {
            fd: file.fd,
            start,
            length: entry.size,
            label: memberLabel(opts.label, member.rel),
            truncation: { source: opts.label, member: member.rel },
            limits: opts.limits,
            budget: opts.budget,
            capture: opts.capture ?? null,
          },
          signal,
        );
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
      const chunk = await readAt(file.fd, pos, Math.min(FILE_READ_CHUNK_BYTES, fileSize - pos));
      if (chunk.length === 0) break; // the file shrank while being read: the reader reports the truncation
      pos += chunk.length;
      const wait = reader.write(chunk);
      if (wait) await wait;
    }
    const wait = reader.end();
    if (wait) await wait;
  } catch (e: unknown) {
    const stoppedByScan = stop.signal.aborted && e === stop.signal.reason;
    stop.abort();
    const failure = await firstFailure(scans, stop.signal);
    // The main reader stopped only because a scan failed: that failure is the one to report.
    throw stoppedByScan && failure !== undefined ? failure : e;
  }
  const failure = await firstFailure(scans, stop.signal);
  if (failure !== undefined) throw failure;
  finish();
  return contents;
}

/**
 * The first scan failure in member order, so the error reported is the one a single pass would have met first;
 * a scan that was only stopped because another failed does not hide the failure itself.
 */
async function firstFailure(scans: Promise<void>[], stopped: AbortSignal): Promise<Error | undefined> {
  const failures = (await Promise.allSettled(scans)).flatMap((s) =>
    s.status === 'rejected' ? [s.reason as unknown] : [],
  );
  const failure = failures.find((e) => e !== stopped.reason) ?? failures[0];
  if (failure === undefined) return undefined;
  return failure instanceof Error ? failure : new Error('a layer scan failed with a non-Error value');
}
