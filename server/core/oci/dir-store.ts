// OCI blobs in a layout directory. A blob must resolve (symlinks included) to a file inside the directory.
import { open, readFile, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { BlobScan } from '../blob-scan.ts';
import { CoreError } from '../errors.ts';
import type { CaptureRequest } from '../files/capture.ts';
import type { EntryBudget, Limits } from '../limits.ts';
import { ScanSlots } from '../scan-slots.ts';
import type { LayerScanPool } from '../scan-worker/pool.ts';
import { blobPath, type BlobStore } from './blob-store.ts';

export class DirBlobStore implements BlobStore {
  private readonly scans = new Map<string, Promise<BlobScan>>();
  // A layout asks for every layer at once. The pool is the whole process's, first come first served, so this
  // read queues at most the pool's size there: a layout of 500 layers does not put every other learner's
  // inspect behind all of them.
  private readonly queued: ScanSlots;

  private constructor(
    private readonly root: string, // realpath of the layout directory
    readonly label: string,
    private readonly limits: Limits,
    private readonly budget: EntryBudget,
    private readonly signal: AbortSignal | undefined,
    private readonly capture: CaptureRequest | null,
    private readonly pool: LayerScanPool,
  ) {
    this.queued = new ScanSlots(pool.size);
  }

  static async open(
    dir: string,
    label: string,
    limits: Limits,
    budget: EntryBudget,
    pool: LayerScanPool,
    opts: { signal?: AbortSignal | undefined; capture?: CaptureRequest | null } = {},
  ): Promise<DirBlobStore> {
    return new DirBlobStore(await realpath(dir), label, limits, budget, opts.signal, opts.capture ?? null, pool);
  }

  /** A file of the layout, by relative path: MEMBER_MISSING if absent, TAR_PATH_ESCAPE if it leads outside. */
  async file(rel: string, what: string): Promise<{ path: string; size: number }> {
    let real: string;
    try {
      real = await realpath(join(this.root, rel));
    } catch (e: unknown) {
      throw new CoreError(
        'MEMBER_MISSING',
        `${what} "${rel}" is not in ${this.label} (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    if (!real.startsWith(this.root + sep)) {
      throw new CoreError('TAR_PATH_ESCAPE', `${what} "${rel}" in ${this.label} leads outside the directory`);
    }
    const info = await stat(real);
    if (!info.isFile()) throw new CoreError('MEMBER_MISSING', `${what} "${rel}" in ${this.label} is not a file`);
    return { path: real, size: info.size };
  }

  async json(digest: string, what: string): Promise<Buffer> {
    return this.readJson(blobPath(digest), what);
  }

  async readJson(rel: string, what: string): Promise<Buffer> {
    const { path, size } = await this.file(rel, what);
    if (size > this.limits.maxJsonBytes) {
      throw new CoreError(
        'MANIFEST_INVALID',
        `${what} "${rel}" is ${size} bytes, over the ${this.limits.maxJsonBytes}-byte limit for JSON`,
      );
    }
    return readFile(path);
  }

  /** Scans run up to the pool's size at once; a caller may ask for every layer before awaiting any. */
  layer(digest: string, what: string): Promise<BlobScan> {
    let scan = this.scans.get(digest);
    if (!scan) {
      scan = this.queued.run(() => this.scanFile(blobPath(digest), what), this.signal);
      this.scans.set(digest, scan);
    }
    return scan;
  }

  private async scanFile(rel: string, what: string): Promise<BlobScan> {
    // Reserved before opening, so at most the pool's size of blobs are open at once.
    const slot = await this.pool.reserve(this.signal);
    let file: FileHandle | null = null;
    try {
      const { path, size } = await this.file(rel, what);
      file = await open(path, 'r');
      const label = `${this.label}: ${rel}`;
      const result = await slot.run(
        {
          fd: file.fd,
          start: 0,
          length: size,
          label,
          truncation: { source: label, member: null },
          limits: this.limits,
          budget: this.budget,
          capture: this.capture,
        },
        this.signal,
      );
      if (result.error) throw result.error;
      return result;
    } finally {
      await file?.close();
      slot.release(); // a blob that could not be found or opened never ran: its slot goes back all the same
    }
  }
}
