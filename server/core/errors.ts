// Typed errors for hostile or broken archives. `code` is stable and documented in docs/inspect-json.md;
// `message` names the member or entry. Never carries a stack trace to users.

export const CORE_ERROR_CODES = [
  'TAR_BAD_CHECKSUM',
  'TAR_TRUNCATED',
  'TAR_BAD_HEADER',
  'TAR_PATH_ESCAPE', // '..', absolute, or through a symlink, leading out of the archive
  'TAR_LINK_ESCAPE', // a hardlink or symlink member pointing out of the archive
  'TAR_BAD_NAME', // NUL or newline in a name
  'TAR_TOO_MANY_ENTRIES',
  'TAR_HEADER_TOO_LARGE', // PAX/GNU long header beyond its limit, or a huge claimed size
  'TAR_PATH_TOO_LONG',
  'DECOMPRESS_RATIO', // decompression bomb
  'DECOMPRESS_FAILED',
  'SYMLINK_HOPS', // too many hops resolving a symlinked member
  'MANIFEST_INVALID', // manifest.json / index.json / config not JSON or not the right shape
  'MEMBER_MISSING', // a member named by a manifest is not in the archive
  'DIGEST_MISMATCH', // only thrown with strict verification; normally reported as verified:false
  'NOT_AN_ARCHIVE',
  'SOURCE_NOT_FOUND',
  'ENGINE_ERROR',
] as const;

export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number];

export class CoreError extends Error {
  override readonly name = 'CoreError';
  constructor(
    readonly code: CoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isCoreError(e: unknown): e is CoreError {
  return e instanceof CoreError;
}

export function isCoreErrorCode(code: unknown): code is CoreErrorCode {
  return typeof code === 'string' && (CORE_ERROR_CODES as readonly string[]).includes(code);
}
