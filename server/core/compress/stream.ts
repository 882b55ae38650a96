// Async-iterable plumbing for whole-source streams: look at the first bytes, then decompress with backpressure
// (the consumer's pace drives the read), under the same ratio limit as layers.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { CoreError, isCoreError } from '../errors.ts';
import type { Limits } from '../limits.ts';
import type { Compression } from '../model.ts';
import { ZstdFrameGuard } from './zstd-frames.ts';

export type ByteSource = AsyncIterable<Uint8Array>;

/**
 * Reads until `n` bytes are seen (or the end) and returns them with a source that replays them first. `close`
 * releases the underlying source when `rest` will not be read to its end.
 */
export async function peekHead(
  source: ByteSource,
  n: number,
): Promise<{ head: Uint8Array; rest: ByteSource; close(): Promise<void> }> {
  const iterator = source[Symbol.asyncIterator]();
  const close = async (): Promise<void> => {
    await iterator.return?.();
  };
  const seen: Uint8Array[] = [];
  let bytes = 0;
  let done = false;
  try {
    while (bytes < n) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      seen.push(next.value);
      bytes += next.value.length;
    }
  } catch (e: unknown) {
    await close();
    throw e;
  }
  const head = Buffer.concat(seen);
  async function* rest(): ByteSource {
    try {
      if (head.length > 0) yield head;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      if (!done) await close(); // stopped early: let the source release its file or socket
    }
  }
  return { head, rest: rest(), close };
}

/** Decompresses a whole source. Throws DECOMPRESS_FAILED for corrupt data and DECOMPRESS_RATIO for bombs. */
export function decompressSource(
  source: ByteSource,
  compression: Compression,
  label: string,
  limits: Limits,
): ByteSource {
  if (compression === 'none') return source;
  const counter = { in: 0, out: 0 };
  async function* counted(): ByteSource {
    for await (const chunk of source) {
      counter.in += chunk.length;
      yield chunk;
    }
  }
  const check = (chunk: Uint8Array): Uint8Array => {
    counter.out += chunk.length;
    if (counter.out > limits.decompressionRatioFloorBytes && counter.out > counter.in * limits.maxDecompressionRatio) {
      throw new CoreError(
        'DECOMPRESS_RATIO',
        `${label} expands past ${limits.maxDecompressionRatio}:1 (${counter.out} bytes from ${counter.in}); refusing a decompression bomb`,
      );
    }
    return chunk;
  };
  return compression === 'gzip' ? gunzipSource(counted(), label, check) : unzstdSource(counted(), label, check);
}

async function* gunzipSource(source: ByteSource, label: string, check: (c: Uint8Array) => Uint8Array): ByteSource {
  const gz = createGunzip();
  const feeding = pipeline(Readable.from(source, { objectMode: false }), gz);
  feeding.catch(() => undefined); // a feeding error also destroys gz, and surfaces through the loop below
  try {
    for await (const chunk of gz as AsyncIterable<Buffer>) yield check(chunk);
    await feeding;
  } catch (e: unknown) {
    throw asDecompressError(e, label, 'gzip');
  } finally {
    gz.destroy();
  }
}

function asDecompressError(e: unknown, label: string, what: string): CoreError {
  if (isCoreError(e)) return e;
  return new CoreError(
    'DECOMPRESS_FAILED',
    `${label}: ${what} data is corrupt (${e instanceof Error ? e.message : String(e)})`,
  );
}

async function* unzstdSource(source: ByteSource, label: string, check: (c: Uint8Array) => Uint8Array): ByteSource {
  const guard = new ZstdFrameGuard(label);
  let out: Uint8Array[] = [];
  // fzstd reuses its window after ondata returns: copy what is handed on asynchronously.
  const zstd = new Decompress((chunk) => {
    if (chunk.length > 0) out.push(check(Buffer.from(chunk)));
  });
  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      guard.write(chunk);
      zstd.push(chunk, final);
    } catch (e: unknown) {
      throw asDecompressError(e, label, 'zstd');
    }
  };
  for await (const chunk of source) {
    push(chunk, false);
    yield* out;
    out = [];
  }
  push(new Uint8Array(0), true);
  yield* out;
}
