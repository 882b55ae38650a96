// Keeps the content of wanted paths as a layer's tar streams past (InspectOptions.wantFiles). Which layer's copy
// counts is only known once the manifest is read, and a legacy save names it last, so every layer keeps its own
// last copy of each wanted path: at most maxFileContentBytes each, and maxCapturedBytes across one read. Nothing
// else of a layer is kept.
import type { LayerEntry } from '../model.ts';
import type { TarSink } from '../tar/reader.ts';

/** What one read of a source captures; shared by every layer of that read. */
export interface CaptureRequest {
  wanted: ReadonlySet<string>; // path keys (see pathKey)
  maxFileBytes: number;
  budget: ByteBudget;
}

/** A wanted path as one layer last wrote it. */
export interface CapturedFile {
  entry: LayerEntry;
  /** The first bytes of a regular, non-sparse file; null for other kinds, sparse files and dropped ones. */
  content: Buffer | null;
  truncated: boolean; // content stops before entry.size
  dropped: boolean; // a regular file whose bytes were not kept: the read's capture budget was spent
}

/**
 * Bytes of captured content kept across one read. The count lives in shared memory, so layer scans on worker
 * threads (scan-worker/) draw on the same budget as the main thread.
 */
export class ByteBudget {
  private readonly used: BigInt64Array;
  private readonly limit: bigint;

  /** `shared`: the count of a budget made on another thread (`budget.shared`); a new count when absent. */
  constructor(
    readonly max: number,
    readonly shared: SharedArrayBuffer = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT),
  ) {
    this.used = new BigInt64Array(shared);
    this.limit = BigInt(Math.min(max, Number.MAX_SAFE_INTEGER)); // Infinity: no limit a read can reach
  }

  take(n: number): boolean {
    const want = BigInt(n);
    const max = this.limit;
    for (;;) {
      const used = Atomics.load(this.used, 0);
      if (used + want > max) return false;
      if (Atomics.compareExchange(this.used, 0, used, used + want) === used) return true;
    }
  }

  give(n: number): void {
    Atomics.sub(this.used, 0, BigInt(n));
  }
}

/** "/etc/" or "/etc" → "/etc"; the root is "". Keys compare a directory entry with a path asked without '/'. */
export function pathKey(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

export const NO_CAPTURES: ReadonlyMap<string, CapturedFile> = new Map();

/** The wanted paths of one layer. A later entry for the same path replaces an earlier one (and frees its bytes). */
export class LayerCapture {
  readonly files = new Map<string, CapturedFile>();

  constructor(private readonly request: CaptureRequest) {}

  /** Called for every listed entry of the layer; returns a sink for the data of a wanted regular file. */
  sinkFor(entry: LayerEntry): TarSink | null {
    const key = pathKey(entry.path);
    if (!this.request.wanted.has(key)) return null;
    const previous = this.files.get(key);
    if (previous?.content) this.request.budget.give(previous.content.length);
    const captured: CapturedFile = { entry, content: null, truncated: false, dropped: false };
    this.files.set(key, captured);
    if (entry.kind !== 'file' || entry.sparse === true) return null; // a sparse file's stored bytes are not its content
    const keep = Math.min(entry.size, this.request.maxFileBytes);
    if (!this.request.budget.take(keep)) {
      captured.dropped = true;
      return null;
    }
    captured.truncated = entry.size > keep;
    if (keep === 0) {
      captured.content = Buffer.alloc(0);
      return null;
    }
    return new ContentSink(captured, keep);
  }
}

/** Copies the first `keep` bytes of an entry. Copies, because a zstd decoder reuses the memory it hands out. */
class ContentSink implements TarSink {
  private readonly buffer: Buffer;
  private filled = 0;

  constructor(
    private readonly captured: CapturedFile,
    keep: number,
  ) {
    this.buffer = Buffer.alloc(keep);
  }

  write(chunk: Uint8Array): void {
    const take = Math.min(chunk.length, this.buffer.length - this.filled);
    if (take <= 0) return;
    this.buffer.set(chunk.subarray(0, take), this.filled);
    this.filled += take;
  }

  end(): void {
    this.captured.content = this.filled === this.buffer.length ? this.buffer : this.buffer.subarray(0, this.filled);
  }
}
