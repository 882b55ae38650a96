// Decoding one 512-byte tar header block: ustar, GNU and v7. Numbers may be octal (space/NUL padded) or
// GNU base-256. A header whose checksum does not add up is rejected; an all-zero block marks the end.
import { CoreError } from '../errors.ts';

export const BLOCK = 512;

/** Names a position for an error message; called only when there is a fault to report. */
export type Where = () => string;

/** Raw fields of one header block, before PAX and GNU long names are applied. */
export interface RawHeader {
  name: string;
  mode: number;
  size: number;
  typeflag: string; // one character; '\0' for old regular files
  linkName: string;
  magic: 'ustar' | 'gnu' | 'v7';
  /** GNU 'S' entries: logical size and whether extension blocks follow. */
  sparseRealSize: number | null;
  sparseExtended: boolean;
}

const NAME = [0, 100] as const;
const MODE = [100, 8] as const;
const SIZE = [124, 12] as const;
const CHECKSUM = [148, 8] as const;
const TYPEFLAG = 156;
const LINKNAME = [157, 100] as const;
const MAGIC = 257;
const PREFIX = [345, 155] as const;
const GNU_IS_EXTENDED = 482;
const GNU_REALSIZE = [483, 12] as const;
const SPACE = 0x20;

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Parses a numeric field: octal text, or base-256 when the high bit of the first byte is set. */
export function parseNumber(block: Uint8Array, start: number, length: number, what: string): number {
  const first = block[start]!;
  if (first & 0x80) {
    if (first === 0xff) throw new CoreError('TAR_BAD_HEADER', `negative ${what} in a tar header`);
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) {
      value = value * 256 + block[i]!;
      if (value > Number.MAX_SAFE_INTEGER)
        throw new CoreError('TAR_HEADER_TOO_LARGE', `${what} overflows in a tar header`);
    }
    return value;
  }
  let value = 0;
  let seenDigit = false;
  let i = start;
  const end = start + length;
  while (i < end && block[i] === SPACE) i++;
  for (; i < end; i++) {
    const c = block[i]!;
    if (c === 0 || c === SPACE) break;
    if (c < 0x30 || c > 0x37) throw new CoreError('TAR_BAD_HEADER', `${what} field is not octal in a tar header`);
    value = value * 8 + (c - 0x30);
    seenDigit = true;
  }
  return seenDigit ? value : 0;
}

/** Sum of the header bytes with the checksum field read as spaces; GNU tar also accepts the signed sum. */
function checksums(block: Uint8Array): [number, number] {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= CHECKSUM[0] && i < CHECKSUM[0] + CHECKSUM[1] ? SPACE : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return [unsigned, signed];
}

const utf8 = new TextDecoder('utf-8');

/**
 * Reads a NUL-terminated string field. Bytes after the terminator must be NUL too: "evil\0.txt" is a name that
 * readers disagree on, so it is rejected rather than silently cut.
 */
export function readString(block: Uint8Array, start: number, length: number, what: Where): string {
  const end = start + length;
  let stop = start;
  while (stop < end && block[stop] !== 0) stop++;
  for (let i = stop; i < end; i++) {
    if (block[i] !== 0) throw new CoreError('TAR_BAD_NAME', `${what()} contains a NUL byte`);
  }
  return utf8.decode(block.subarray(start, stop));
}

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar"

/** "ustar\0" (POSIX, then version "00"), "ustar  \0" (GNU), or neither (v7). */
function readMagic(block: Uint8Array): RawHeader['magic'] {
  for (let i = 0; i < USTAR.length; i++) if (block[MAGIC + i] !== USTAR[i]) return 'v7';
  if (block[MAGIC + 5] === 0) return 'ustar';
  if (block[MAGIC + 5] === SPACE && block[MAGIC + 6] === SPACE && block[MAGIC + 7] === 0) return 'gnu';
  return 'v7';
}

/** Whether a block is a tar header at all: its checksum field is octal and adds up. */
export function checksumMatches(block: Uint8Array): boolean {
  let stored: number;
  try {
    stored = parseNumber(block, CHECKSUM[0], CHECKSUM[1], 'checksum');
  } catch (e: unknown) {
    if (e instanceof CoreError) return false; // not octal: not a header
    throw e;
  }
  const [unsigned, signed] = checksums(block);
  return stored === unsigned || stored === signed;
}

/**
 * Decodes a non-zero header block. `where` names the position for error messages, e.g. "byte 1536 of layer.tar";
 * it is called only when there is a fault to report.
 */
export function decodeHeader(block: Uint8Array, where: Where): RawHeader {
  if (!checksumMatches(block)) throw new CoreError('TAR_BAD_CHECKSUM', `bad tar header checksum at ${where()}`);
  const magic = readMagic(block);
  let name = readString(block, NAME[0], NAME[1], () => `the name at ${where()}`);
  if (magic === 'ustar' && block[PREFIX[0]] !== 0) {
    name = `${readString(block, PREFIX[0], PREFIX[1], () => `the name prefix at ${where()}`)}/${name}`;
  }
  const typeflag = String.fromCharCode(block[TYPEFLAG]!);
  const isGnuSparse = typeflag === 'S' && magic === 'gnu';
  return {
    name,
    mode: parseNumber(block, MODE[0], MODE[1], 'mode') & 0o7777,
    size: parseNumber(block, SIZE[0], SIZE[1], 'size'),
    typeflag,
    linkName: readString(block, LINKNAME[0], LINKNAME[1], () => `the link name at ${where()}`),
    magic,
    sparseRealSize: isGnuSparse ? parseNumber(block, GNU_REALSIZE[0], GNU_REALSIZE[1], 'sparse size') : null,
    sparseExtended: isGnuSparse && block[GNU_IS_EXTENDED] !== 0,
  };
}

/** In a GNU sparse extension block, byte 504 says whether another extension block follows. */
export function sparseExtensionContinues(block: Uint8Array): boolean {
  return block[504] !== 0;
}
