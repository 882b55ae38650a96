// Walks an OCI index (index.json) down to image manifests: nested OCI indexes and Docker manifest lists are
// followed; attestation manifests (buildx provenance/SBOM, platform unknown/unknown) and non-image artifacts are
// skipped. A descriptor whose media type does not say what it points at is sniffed from the document.
import { CoreError } from '../errors.ts';
import type { ResolvedImage } from '../image/build-image.ts';
import { sha256Digest } from '../image/build-image.ts';
import { ImageConfigSchema, IndexSchema, ManifestSchema, parseJson, type Descriptor } from '../image/schemas.ts';
import { tagsFromAnnotations } from '../image/tags.ts';
import type { Limits } from '../limits.ts';
import type { BlobStore } from './blob-store.ts';

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);
const IMAGE_CONFIG_TYPES = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);

type Annotations = Record<string, string> | null | undefined;

export function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown')
  );
}

export async function resolveOciIndex(
  store: BlobStore,
  indexBytes: Buffer,
  limits: Limits,
  warnings: string[],
): Promise<ResolvedImage[]> {
  const index = parseJson(IndexSchema, indexBytes, `${store.label}: index.json`);
  const images: ResolvedImage[] = [];

  const visit = async (d: Descriptor, chain: Annotations[], depth: number): Promise<void> => {
    if (depth > limits.maxIndexDepth) {
      throw new CoreError(
        'MANIFEST_INVALID',
        `indexes in ${store.label} nest deeper than ${limits.maxIndexDepth} at ${d.digest}`,
      );
    }
    if (isAttestation(d)) return;
    const what = `blob ${d.digest} (${d.mediaType ?? 'no media type'})`;
    const bytes = await store.json(d.digest, what);
    const verified = sha256Digest(bytes) === d.digest && bytes.length === d.size;
    const kind = kindOf(d, bytes);
    if (kind === 'index') {
      const child = parseJson(IndexSchema, bytes, `${store.label}: index ${d.digest}`);
      for (const c of child.manifests ?? []) await visit(c, [...chain, c.annotations], depth + 1);
      if (!verified) warnings.push(`index ${d.digest} does not match its descriptor's digest or size`);
      return;
    }
    if (kind === 'other') {
      warnings.push(`skipped ${what}: neither an image manifest nor an index`);
      return;
    }
    const manifest = parseJson(ManifestSchema, bytes, `${store.label}: manifest ${d.digest}`);
    if (manifest.config.mediaType && !IMAGE_CONFIG_TYPES.has(manifest.config.mediaType)) {
      warnings.push(
        `skipped artifact ${d.digest}: config media type ${manifest.config.mediaType} is not an image config`,
      );
      return;
    }
    const configBytes = await store.json(manifest.config.digest, `config ${manifest.config.digest}`);
    // Every layer is asked for before any is awaited, so a store with a second reader scans them in parallel.
    const scans = await Promise.allSettled(manifest.layers.map((l) => store.layer(l.digest, `layer ${l.digest}`)));
    const layers = manifest.layers.map((l, i) => {
      const scan = scans[i]!;
      if (scan.status === 'rejected') throw scan.reason; // the lowest failing layer, as a sequential read would report
      return {
        scan: scan.value,
        ref: l.digest,
        declaredDigest: l.digest,
        declaredSize: l.size,
        mediaType: l.mediaType ?? null,
      };
    });
    images.push({
      tags: tagsFromAnnotations(...chain),
      configBytes,
      declaredConfigDigest: manifest.config.digest,
      manifestDigest: d.digest,
      manifestVerified: verified,
      rawConfig: parseJson(ImageConfigSchema, configBytes, `${store.label}: config ${manifest.config.digest}`),
      layers,
    });
  };

  for (const d of index.manifests ?? []) await visit(d, [d.annotations], 0);
  return images;
}

function kindOf(d: Descriptor, bytes: Buffer): 'index' | 'manifest' | 'other' {
  if (d.mediaType && INDEX_TYPES.has(d.mediaType)) return 'index';
  if (d.mediaType && MANIFEST_TYPES.has(d.mediaType)) return 'manifest';
  // e.g. "application/vnd.oci.descriptor.v1+json", or none: look at the document itself.
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e: unknown) {
    throw new CoreError(
      'MANIFEST_INVALID',
      `blob ${d.digest} is not JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (typeof doc !== 'object' || doc === null) return 'other';
  if ('manifests' in doc) return 'index';
  if ('layers' in doc && 'config' in doc) return 'manifest';
  return 'other';
}
