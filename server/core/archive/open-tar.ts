// The first steps for any tar source: tell compression by magic bytes, decompress, and make sure the result
// starts like a tar (an all-zero block, or a header whose checksum adds up).
import { MAGIC_BYTES, sniffCompression } from '../compress/decoder.ts';
import { decompressSource, peekHead, type ByteSource } from '../compress/stream.ts';
import { CoreError } from '../errors.ts';
import type { Limits } from '../limits.ts';
import type { Compression } from '../model.ts';
import { BLOCK, checksumMatches, isZeroBlock } from '../tar/header.ts';

export async function openTar(
  source: ByteSource,
  label: string,
  limits: Limits,
): Promise<{ compression: Compression; tar: ByteSource }> {
  const peeked = await peekHead(source, MAGIC_BYTES);
  const compression = sniffCompression(peeked.head);
  let start: Awaited<ReturnType<typeof peekHead>>;
  try {
    start = await peekHead(decompressSource(peeked.rest, compression, label, limits), BLOCK);
  } catch (e: unknown) {
    await peeked.close();
    throw e;
  }
  try {
    checkLooksLikeTar(start.head, label);
  } catch (e: unknown) {
    await start.close();
    await peeked.close();
    throw e;
  }
  return { compression, tar: start.rest };
}

/** A first block that is neither zeros nor a valid header means this is not a tar at all. */
export function checkLooksLikeTar(head: Uint8Array, label: string): void {
  if (head.length === 0) throw new CoreError('NOT_AN_ARCHIVE', `${label} is empty`);
  if (head.length < BLOCK)
    throw new CoreError('NOT_AN_ARCHIVE', `${label} is not a tar archive (${head.length} bytes)`);
  const block = head.subarray(0, BLOCK);
  if (isZeroBlock(block) || checksumMatches(block)) return;
  throw new CoreError(
    'NOT_AN_ARCHIVE',
    `${label} is not a tar archive, nor gzip or zstd compressed (its first block is not a tar header)`,
  );
}
