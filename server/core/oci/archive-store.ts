// OCI blobs inside an archive already read: blobs/<alg>/<hex> members, symlinks followed.
import type { BlobScan } from '../blob-scan.ts';
import { memberJson, memberLayer } from '../archive/members.ts';
import type { ArchiveContents } from '../archive/read-archive.ts';
import type { Limits } from '../limits.ts';
import { blobPath, type BlobStore } from './blob-store.ts';

export class ArchiveBlobStore implements BlobStore {
  constructor(
    private readonly contents: ArchiveContents,
    private readonly limits: Limits,
  ) {}

  get label(): string {
    return this.contents.label;
  }

  async json(digest: string, what: string): Promise<Buffer> {
    return memberJson(this.contents, blobPath(digest), this.limits, what);
  }

  async layer(digest: string, what: string): Promise<BlobScan> {
    return memberLayer(this.contents, blobPath(digest), this.limits, what);
  }
}
