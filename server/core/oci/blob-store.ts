// Where OCI blobs come from: the members of an archive read in one pass, or the files of a layout directory.
import type { BlobScan } from '../blob-scan.ts';

export interface BlobStore {
  readonly label: string;
  /** A JSON blob's bytes (index, manifest, config). Throws MEMBER_MISSING or MANIFEST_INVALID. */
  json(digest: string, what: string): Promise<Buffer>;
  /** A blob read as a layer. Throws MEMBER_MISSING, or the blob's own tar or decompression error. */
  layer(digest: string, what: string): Promise<BlobScan>;
}

/** "sha256:ab…" → "blobs/sha256/ab…". Digests are validated (schemas.ts) so this cannot leave blobs/. */
export function blobPath(digest: string): string {
  const colon = digest.indexOf(':');
  return `blobs/${digest.slice(0, colon)}/${digest.slice(colon + 1)}`;
}
