// Plain words for the core library's typed errors, as a learner reads them in a check result.
import type { CoreError, CoreErrorCode } from '../core/index.ts';

/** What went wrong, as a phrase that follows the thing's name: "redis.tar <phrase>". */
const PHRASES: Record<CoreErrorCode, string> = {
  NOT_AN_ARCHIVE: 'is not an archive: it is not a tar file at all',
  SOURCE_NOT_FOUND: 'does not exist',
  TAR_TRUNCATED: 'is cut short: the archive ends in the middle (was it still being written?)',
  TAR_BAD_CHECKSUM: 'is damaged: a tar header has a wrong checksum',
  TAR_BAD_HEADER: 'is damaged: a tar header cannot be read',
  TAR_PATH_ESCAPE: 'holds a path that leads out of the archive, so stepwise will not read it',
  TAR_LINK_ESCAPE: 'holds a link that points out of the archive, so stepwise will not read it',
  TAR_BAD_NAME: 'holds a file name with a NUL or newline in it',
  TAR_TOO_MANY_ENTRIES: 'holds more entries than stepwise reads',
  TAR_HEADER_TOO_LARGE: 'has a tar header larger than stepwise reads',
  TAR_PATH_TOO_LONG: 'holds a path longer than stepwise reads',
  DECOMPRESS_RATIO: 'expands far more than real archives do (a decompression bomb?), so stepwise stopped reading it',
  DECOMPRESS_FAILED: 'looks compressed but cannot be decompressed',
  SYMLINK_HOPS: 'has a chain of symlinked members that is too long to follow',
  MANIFEST_INVALID: 'has a manifest (manifest.json, index.json or an image config) that is not valid',
  MEMBER_MISSING: 'names a layer or config that is not inside it',
  DIGEST_MISMATCH: 'has a layer whose content does not match its digest',
  ENGINE_ERROR: 'could not be read from the Docker engine',
};

/** "redis.tar is damaged: a tar header has a wrong checksum (layer abc/layer.tar at byte 512)" */
export function describeCoreError(subject: string, e: CoreError): string {
  const phrase = PHRASES[e.code];
  return e.message && !phrase.includes(e.message) ? `${subject} ${phrase} (${e.message})` : `${subject} ${phrase}`;
}
