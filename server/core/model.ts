// The public model of what an archive holds. Shared by `stepwise inspect --json`, checks and the image explorer.
// docs/inspect-json.md documents this shape; changing a field name is a breaking change.
import type { Limits } from './limits.ts';

export type ArchiveFormat = 'docker-archive' | 'oci-archive' | 'oci-layout' | 'tar' | 'docker-engine';
export type Compression = 'none' | 'gzip' | 'zstd';

export interface ImageConfig {
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Env: string[] | null;
  WorkingDir: string | null;
  User: string | null;
  ExposedPorts: string[] | null; // keys of the config's ExposedPorts object, e.g. "6379/tcp"
  Labels: Record<string, string> | null;
  architecture: string | null;
  os: string | null;
  history: HistoryEntry[];
}

export interface HistoryEntry {
  created: string | null;
  createdBy: string | null;
  comment: string | null;
  emptyLayer: boolean;
}

export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'whiteout' | 'opaque';

/** One path in a layer's tar, normalised: absolute, directories end in '/'. */
export interface LayerEntry {
  path: string;
  kind: EntryKind;
  size: number; // bytes of content (0 for non-regular files)
  mode: number; // permission bits, e.g. 0o644
  linkTarget?: string; // symlink/hardlink target as written in the header
  sparse?: boolean; // GNU sparse entry: size is the logical size, reported honestly
}

export interface LayerChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

export interface Layer {
  digest: string | null; // sha256 of the stored blob (compressed when compressed), as computed while reading
  declaredDigest: string | null; // the blob digest the archive declares (OCI descriptor, LayerSources, blob path); null where it names none
  diffId: string | null; // sha256 of the whole decompressed stream, as computed while reading
  declaredDiffId: string | null; // as the image config says
  mediaType: string | null;
  compression: Compression;
  size: number; // stored bytes
  uncompressedSize: number;
  entries: number; // tar entries excluding the root dir and meta headers
  verified: boolean; // blob digest (where declared) and diff_id both matched
  createdBy: string | null; // from history, for the explorer
  /** Only filled when the caller asks for entries (tree, files, layers view); bounded by MAX_ENTRIES. */
  entryList?: LayerEntry[];
  changes?: LayerChanges;
}

/** Who last wrote each path of the merged filesystem. */
export interface MergedPath {
  path: string; // absolute; directories end in '/'
  kind: EntryKind;
  size: number;
  layer: number; // index into Image.layers; -1 for directories implied by deeper paths
  sparse?: boolean; // a GNU sparse file; size is its logical size
}

export interface Image {
  tags: string[];
  configDigest: string | null;
  manifestDigest: string | null;
  platform: string | null; // e.g. "linux/arm/v7"
  config: ImageConfig;
  layers: Layer[];
  fileCount: number; // non-directory paths of the merged filesystem
  wastedBytes: number; // dive's figure: every copy of each path written by two or more layers (see docs/inspect-json.md)
  paths?: MergedPath[]; // with files/tree option
  files?: ImageFile[]; // with wantFiles: one per distinct asked path, in the order asked
}

/**
 * One path of the merged filesystem read with `InspectOptions.wantFiles`. Whether it is there is decided like
 * lstat(2): symlinked directories on the way are followed, a final symlink is itself the answer. Its content is
 * read like cat(1): a final symlink, and a hardlink, lead to the file they name. Symlinks are resolved inside the
 * image (an absolute target starts at the image's root and '..' stops there), so nothing outside is ever read.
 */
export interface ImageFile {
  path: string; // as asked, made absolute and canonical: "/etc/os-release"
  found: boolean; // false when no layer writes it, or a later whiteout or opaque directory removed it
  kind: EntryKind | null; // of the path itself; null when not found
  layer: number; // index into Image.layers of the layer that last wrote it; -1 when not found or implied
  size: number; // bytes, as its tar entry says (the logical size of a sparse file)
  linkTarget?: string; // a symlink's or hardlink's target, as written
  contentPath?: string; // the regular file `content` comes from, when links led elsewhere
  content?: Buffer; // the first Limits.maxFileContentBytes bytes, when it is (or leads to) a regular file
  truncated: boolean; // content stops before the file's end
  noContent?: string; // why a found path has no content, in words: "it is a directory", …
}

/**
 * How the source's layers were read. 'parallel': the source allows a second reader (a file, an OCI layout
 * directory), so up to `concurrency` layers were decompressed and hashed at once. 'single-pass': it can be read
 * only once (stdin, a stream, an engine's export) or only as a whole (an archive compressed as a whole).
 */
export interface ReadPath {
  mode: 'parallel' | 'single-pass';
  concurrency: number; // layers scanned at once; 1 for a single pass
  reason: string; // in words, e.g. "a stream can be read only once"
}

export interface InspectResult {
  source: string;
  format: ArchiveFormat;
  verified: boolean; // true only when every digest and diff_id matched
  read: ReadPath;
  images: Image[];
  /** For format 'tar': the plain entries of the tar itself. */
  tar?: { entries: number; compression: Compression; paths?: MergedPath[] };
  warnings: string[];
}

export interface InspectOptions {
  /** Collect per-path detail: merged paths, per-layer entry lists and changes. Costs memory per entry. */
  files?: boolean;
  /**
   * Paths whose final content to read (Image.files), captured while the layers stream past. Links are followed
   * inside the image; a link whose target was not asked for costs a second read of the source (one-shot streams
   * given to inspectStream cannot be read twice, and say so in ImageFile.noContent).
   */
  wantFiles?: string[];
  /** For docker:// sources: the engine to read from. */
  engine?: EngineLike;
  signal?: AbortSignal;
  /** Overrides for the hostile-input limits (server/core/limits.ts); the defaults suit real archives. */
  limits?: Partial<Limits>;
}

/** The smallest slice of a Docker engine the core needs: a stream of `GET /images/{name}/get`. */
export interface EngineLike {
  exportImage(ref: string): Promise<NodeJS.ReadableStream>;
}
