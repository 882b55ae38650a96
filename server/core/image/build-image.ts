// From what a manifest names (a config and scanned layers) to the model's Image: verification, the merged
// filesystem, per-layer changes, wasted space and the wanted files.
import { createHash } from 'node:crypto';
import type { BlobScan } from '../blob-scan.ts';
import { readWantedFiles, type FileRequest } from '../files/read-files.ts';
import type { Image, Layer } from '../model.ts';
import { diffIdsOf, layerCreators, platformOf, toImageConfig } from './config.ts';
import { mergeLayers } from './merge.ts';
import type { RawImageConfig } from './schemas.ts';

export interface ResolvedLayer {
  scan: BlobScan;
  ref: string; // the member or blob path, for messages
  declaredDigest: string | null; // where the archive names one: an OCI descriptor, LayerSources, a blob path
  declaredSize: number | null;
  mediaType: string | null;
}

export interface ResolvedImage {
  tags: string[];
  configBytes: Buffer;
  declaredConfigDigest: string | null;
  manifestDigest: string | null;
  /** False when the manifest itself did not match its descriptor's digest or size. */
  manifestVerified: boolean;
  rawConfig: RawImageConfig;
  layers: ResolvedLayer[];
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface BuiltImage {
  image: Image;
  verified: boolean;
  problems: string[]; // why it is not verified, one line each
  needs: Set<string>; // link targets the wanted files lead to that this read did not capture
}

export function buildImage(r: ResolvedImage, withFiles: boolean, fileRequest: FileRequest | null): BuiltImage {
  const problems: string[] = [];
  const config = toImageConfig(r.rawConfig);
  const configDigest = sha256Digest(r.configBytes);
  if (r.declaredConfigDigest !== null && r.declaredConfigDigest !== configDigest) {
    problems.push(`config digest ${configDigest} does not match the declared ${r.declaredConfigDigest}`);
  }
  if (!r.manifestVerified) problems.push(`manifest ${r.manifestDigest} does not match its descriptor`);
  const diffIds = diffIdsOf(r.rawConfig);
  if (diffIds.length !== r.layers.length) {
    problems.push(`the config lists ${diffIds.length} diff_ids for ${r.layers.length} layers`);
  }
  const creators = layerCreators(config, r.layers.length);
  const merged = mergeLayers(r.layers.map((l) => l.scan.entries));
  const layers = r.layers.map((l, i): Layer => {
    const declaredDiffId = diffIds[i] ?? null;
    const digestOk = l.declaredDigest === null || l.declaredDigest === l.scan.digest;
    const sizeOk = l.declaredSize === null || l.declaredSize === l.scan.size;
    const diffOk = declaredDiffId !== null && declaredDiffId === l.scan.diffId;
    if (!digestOk)
      problems.push(
        `layer ${i} (${l.ref}): blob digest ${l.scan.digest} does not match the declared ${l.declaredDigest}`,
      );
    if (!sizeOk) problems.push(`layer ${i} (${l.ref}): blob is ${l.scan.size} bytes, declared ${l.declaredSize}`);
    if (!diffOk)
      problems.push(`layer ${i} (${l.ref}): diff_id ${l.scan.diffId} does not match the config's ${declaredDiffId}`);
    const layer: Layer = {
      digest: l.scan.digest,
      declaredDigest: l.declaredDigest,
      diffId: l.scan.diffId,
      declaredDiffId,
      mediaType: l.mediaType,
      compression: l.scan.compression,
      size: l.scan.size,
      uncompressedSize: l.scan.uncompressedSize,
      entries: l.scan.entries.length,
      verified: digestOk && sizeOk && diffOk,
      createdBy: creators[i] ?? null,
    };
    if (withFiles) {
      layer.entryList = l.scan.entries;
      layer.changes = merged.changes[i]!;
    }
    return layer;
  });
  const image: Image = {
    tags: r.tags,
    configDigest,
    manifestDigest: r.manifestDigest,
    platform: platformOf(r.rawConfig),
    config,
    layers,
    fileCount: merged.fileCount,
    wastedBytes: merged.wastedBytes,
  };
  if (withFiles) image.paths = merged.paths;
  let needs = new Set<string>();
  if (fileRequest) {
    const read = readWantedFiles(
      fileRequest,
      r.layers.map((l) => l.scan),
      merged.paths,
    );
    image.files = read.files;
    needs = read.needs;
  }
  return { image, verified: problems.length === 0, problems, needs };
}
