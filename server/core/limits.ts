// Limits that keep hostile archives from exhausting memory or time. Each default is a named constant with its
// reason and unit; `InspectOptions.limits` may override any of them (tests use small ones).

/** Entries kept across one inspect (outer members plus every layer's entries): ~200 B each, so ~200 MB at most. */
export const MAX_ENTRIES = 1_000_000;
/** Bytes of one PAX or GNU long-name header: real ones are a few hundred bytes; 1 MiB is generous. */
export const MAX_META_HEADER_BYTES = 1024 * 1024;
/** Bytes of a path after PAX/GNU long names are applied: Linux PATH_MAX. */
export const MAX_PATH_BYTES = 4096;
/** Bytes one tar entry may claim: 1 TiB, far beyond any real layer file; a bigger size is a lie. */
export const MAX_ENTRY_BYTES = 2 ** 40;
/** Decompressed bytes per compressed byte, once past the floor below: gzip peaks near 1032:1 on zeros. */
export const MAX_DECOMPRESSION_RATIO = 250;
/** Decompressed bytes before the ratio is enforced, so tiny highly compressible layers pass: 16 MiB. */
export const DECOMPRESSION_RATIO_FLOOR_BYTES = 16 * 1024 * 1024;
/** Symlink hops when resolving one archive member (Docker dedups layers with one hop). */
export const MAX_SYMLINK_HOPS = 16;
/** Bytes of one JSON member (manifest.json, index.json, a config, an OCI manifest): 8 MiB. */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** Bytes of metadata members kept while streaming, in total: a real archive's configs are a few MB. */
export const MAX_METADATA_BYTES = 64 * 1024 * 1024;
/** Nesting of OCI indexes (index → index → manifest): real layouts nest two deep. */
export const MAX_INDEX_DEPTH = 8;
/** GNU sparse extension blocks after one 'S' header: 21 map entries each; 4096 blocks is 86k holes. */
export const MAX_SPARSE_EXTENSION_BLOCKS = 4096;
/** Bytes kept of one file read with `wantFiles` (1 MiB): checks judge text files; a bigger one reports truncated. */
export const MAX_FILE_CONTENT_BYTES = 1024 * 1024;
/**
 * Bytes of wanted files kept across one read (64 MiB). Every layer's copy is kept until the layer order is known
 * (legacy saves name it last), so a path rewritten in many layers costs one copy per layer.
 */
export const MAX_CAPTURED_BYTES = 64 * 1024 * 1024;

export interface Limits {
  maxEntries: number;
  maxMetaHeaderBytes: number;
  maxPathBytes: number;
  maxEntryBytes: number;
  maxDecompressionRatio: number;
  decompressionRatioFloorBytes: number;
  maxSymlinkHops: number;
  maxJsonBytes: number;
  maxMetadataBytes: number;
  maxIndexDepth: number;
  maxSparseExtensionBlocks: number;
  maxFileContentBytes: number;
  maxCapturedBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxEntries: MAX_ENTRIES,
  maxMetaHeaderBytes: MAX_META_HEADER_BYTES,
  maxPathBytes: MAX_PATH_BYTES,
  maxEntryBytes: MAX_ENTRY_BYTES,
  maxDecompressionRatio: MAX_DECOMPRESSION_RATIO,
  decompressionRatioFloorBytes: DECOMPRESSION_RATIO_FLOOR_BYTES,
  maxSymlinkHops: MAX_SYMLINK_HOPS,
  maxJsonBytes: MAX_JSON_BYTES,
  maxMetadataBytes: MAX_METADATA_BYTES,
  maxIndexDepth: MAX_INDEX_DEPTH,
  maxSparseExtensionBlocks: MAX_SPARSE_EXTENSION_BLOCKS,
  maxFileContentBytes: MAX_FILE_CONTENT_BYTES,
  maxCapturedBytes: MAX_CAPTURED_BYTES,
});

export function resolveLimits(overrides?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/**
 * Counts entries kept across one inspect; throws TAR_TOO_MANY_ENTRIES past the limit. The count lives in shared
 * memory, so layer scans on worker threads (scan-worker/) draw on the same budget as the main thread.
 */
export class EntryBudget {
  private readonly used: Int32Array;
  /** The limit in force: `max`, or MAX_ENTRIES_LIMIT for a larger one (Infinity included). */
  private readonly limit: number;

  /** `shared`: the count of a budget made on another thread (`budget.shared`); a new count when absent. */
  constructor(
    readonly max: number,
    readonly shared: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT),
  ) {
    this.used = new Int32Array(shared);
    // Every take past the limit fails, and a scan stops at its first failure, so the count stays far below 2^31.
    this.limit = Math.min(max, MAX_ENTRIES_LIMIT);
  }

  take(n: number): boolean {
    return Atomics.add(this.used, 0, n) + n <= this.limit;
  }

  get count(): number {
    return Atomics.load(this.used, 0);
  }
}

/** The highest maxEntries an EntryBudget enforces: its shared count is a 32-bit integer, with room for overshoot. */
export const MAX_ENTRIES_LIMIT = 2 ** 30;
