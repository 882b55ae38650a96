// The stable `stepwise inspect --json` document, documented in docs/inspect-json.md. Every field is mapped
// explicitly, so a change to the internal model cannot change the output by accident.
import type { ArchiveFormat, Compression, EntryKind, Image, InspectResult, Layer, ReadPath } from './model.ts';

export const INSPECT_JSON_SCHEMA_VERSION = 1;

export interface LayerJson {
  digest: string | null;
  declaredDigest: string | null;
  diffId: string | null;
  declaredDiffId: string | null;
  mediaType: string | null;
  compression: Compression;
  size: number;
  uncompressedSize: number;
  entries: number;
  verified: boolean;
  createdBy: string | null;
  changes?: { added: string[]; changed: string[]; removed: string[] };
}

export interface ImageJson {
  tags: string[];
  configDigest: string | null;
  manifestDigest: string | null;
  platform: string | null;
  config: {
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Env: string[] | null;
    WorkingDir: string | null;
    User: string | null;
    ExposedPorts: string[] | null;
    Labels: Record<string, string> | null;
    architecture: string | null;
    os: string | null;
    history: { created: string | null; createdBy: string | null; comment: string | null; emptyLayer: boolean }[];
  };
  layers: LayerJson[];
  fileCount: number;
  wastedBytes: number;
  paths?: string[];
  tree?: { path: string; kind: EntryKind; size: number; layer: number; sparse?: true }[];
}

export interface InspectJson {
  schemaVersion: typeof INSPECT_JSON_SCHEMA_VERSION;
  source: string;
  format: ArchiveFormat;
  verified: boolean;
  read: { mode: ReadPath['mode']; concurrency: number; reason: string };
  images: ImageJson[];
  tar?: { entries: number; compression: Compression; paths?: string[] };
  warnings: string[];
}

export interface InspectJsonOptions {
  /** paths[] and tree[] per image (and tar.paths), where the result has them. */
  files?: boolean;
  /** changes per layer, where the result has them. */
  changes?: boolean;
}

export function toInspectJson(r: InspectResult, opts: InspectJsonOptions = {}): InspectJson {
  const out: InspectJson = {
    schemaVersion: INSPECT_JSON_SCHEMA_VERSION,
    source: r.source,
    format: r.format,
    verified: r.verified,
    read: { mode: r.read.mode, concurrency: r.read.concurrency, reason: r.read.reason },
    images: r.images.map((i) => imageJson(i, opts)),
    warnings: [...r.warnings],
  };
  if (r.tar) {
    out.tar = { entries: r.tar.entries, compression: r.tar.compression };
    if (opts.files && r.tar.paths) out.tar.paths = r.tar.paths.map((p) => p.path);
  }
  return out;
}

function imageJson(i: Image, opts: InspectJsonOptions): ImageJson {
  const c = i.config;
  const out: ImageJson = {
    tags: [...i.tags],
    configDigest: i.configDigest,
    manifestDigest: i.manifestDigest,
    platform: i.platform,
    config: {
      Cmd: c.Cmd,
      Entrypoint: c.Entrypoint,
      Env: c.Env,
      WorkingDir: c.WorkingDir,
      User: c.User,
      ExposedPorts: c.ExposedPorts,
      Labels: c.Labels,
      architecture: c.architecture,
      os: c.os,
      history: c.history.map((h) => ({
        created: h.created,
        createdBy: h.createdBy,
        comment: h.comment,
        emptyLayer: h.emptyLayer,
      })),
    },
    layers: i.layers.map((l) => layerJson(l, opts)),
    fileCount: i.fileCount,
    wastedBytes: i.wastedBytes,
  };
  if (opts.files && i.paths) {
    out.paths = i.paths.map((p) => p.path);
    out.tree = i.paths.map((p) =>
      p.sparse
        ? { path: p.path, kind: p.kind, size: p.size, layer: p.layer, sparse: true as const }
        : { path: p.path, kind: p.kind, size: p.size, layer: p.layer },
    );
  }
  return out;
}

function layerJson(l: Layer, opts: InspectJsonOptions): LayerJson {
  const out: LayerJson = {
    digest: l.digest,
    declaredDigest: l.declaredDigest,
    diffId: l.diffId,
    declaredDiffId: l.declaredDiffId,
    mediaType: l.mediaType,
    compression: l.compression,
    size: l.size,
    uncompressedSize: l.uncompressedSize,
    entries: l.entries,
    verified: l.verified,
    createdBy: l.createdBy,
  };
  if (opts.changes && l.changes)
    out.changes = { added: [...l.changes.added], changed: [...l.changes.changed], removed: [...l.changes.removed] };
  return out;
}
