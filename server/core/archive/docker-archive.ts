// Images of a docker-archive: `docker save` (≤24 "<id>/layer.tar", ≥25 OCI blobs), podman/skopeo ("<diffid>.tar"
// with symlinked "<id>/layer.tar"), kaniko/ggcr ("<digest>.tar.gz") and containerd exports. manifest.json is the
// authority; an OCI index beside it (Docker ≥25, containerd) adds manifest digests, layer media types and, for
// untagged images, tags from its annotations.
import { isCoreError } from '../errors.ts';
import { sha256Digest, type ResolvedImage } from '../image/build-image.ts';
import { DockerManifestSchema, ImageConfigSchema, parseJson, type DockerManifestEntry } from '../image/schemas.ts';
import type { Limits } from '../limits.ts';
import { ArchiveBlobStore } from '../oci/archive-store.ts';
import { resolveOciIndex } from '../oci/resolve.ts';
import { memberJson, memberLayer } from './members.ts';
import type { ArchiveContents } from './read-archive.ts';

/** Names that are content addresses: "blobs/sha256/<hex>" (OCI), "<hex>.json" (legacy config), "sha256:<hex>" (ggcr). */
const BLOB_PATH = /^blobs\/(sha256)\/([a-f0-9]{64})$/;
const LEGACY_CONFIG = /^(?:sha256:)?([a-f0-9]{64})(?:\.json)?$/;

function declaredConfigDigest(ref: string): string | null {
  const blob = BLOB_PATH.exec(ref);
  if (blob) return `${blob[1]}:${blob[2]}`;
  const legacy = LEGACY_CONFIG.exec(ref);
  return legacy ? `sha256:${legacy[1]}` : null;
}

function declaredBlobDigest(ref: string): string | null {
  const blob = BLOB_PATH.exec(ref);
  return blob ? `${blob[1]}:${blob[2]}` : null;
}

export async function resolveDockerArchive(
  contents: ArchiveContents,
  limits: Limits,
  warnings: string[],
): Promise<ResolvedImage[]> {
  const manifestBytes = memberJson(contents, 'manifest.json', limits, 'manifest.json');
  const entries = parseJson(DockerManifestSchema, manifestBytes, `${contents.label}: manifest.json`);
  const hints = await ociHints(contents, limits, warnings);
  return entries.map((entry, i) => resolveEntry(contents, entry, i, hints, limits));
}

function resolveEntry(
  contents: ArchiveContents,
  entry: DockerManifestEntry,
  index: number,
  hints: Map<string, ResolvedImage>,
  limits: Limits,
): ResolvedImage {
  const what = `manifest.json image ${index}`;
  const configBytes = memberJson(contents, entry.Config, limits, `${what} config`);
  const rawConfig = parseJson(ImageConfigSchema, configBytes, `${contents.label}: config ${entry.Config}`);
  const configDigest = sha256Digest(configBytes);
  const hint = hints.get(configDigest);
  const diffIds = rawConfig.rootfs?.diff_ids ?? [];
  const layers = entry.Layers.map((ref, j) => {
    const scan = memberLayer(contents, ref, limits, `${what} layer ${j}`);
    const source = entry.LayerSources?.[diffIds[j] ?? ''];
    const hinted = hint?.layers.find((l) => l.declaredDigest === scan.digest);
    return {
      scan,
      ref,
      declaredDigest: source?.digest ?? declaredBlobDigest(ref),
      declaredSize: source?.size ?? null,
      mediaType: source?.mediaType ?? hinted?.mediaType ?? null,
    };
  });
  return {
    tags: entry.RepoTags?.length ? entry.RepoTags : (hint?.tags ?? []),
    configBytes,
    declaredConfigDigest: declaredConfigDigest(entry.Config),
    manifestDigest: hint?.manifestDigest ?? null,
    manifestVerified: hint?.manifestVerified ?? true,
    rawConfig,
    layers,
  };
}

/** The OCI view of the same archive, by config digest. Best effort: its faults are warnings, not errors. */
async function ociHints(
  contents: ArchiveContents,
  limits: Limits,
  warnings: string[],
): Promise<Map<string, ResolvedImage>> {
  const hints = new Map<string, ResolvedImage>();
  if (!contents.members.has('index.json')) return hints;
  try {
    const indexBytes = memberJson(contents, 'index.json', limits, 'index.json');
    for (const image of await resolveOciIndex(new ArchiveBlobStore(contents, limits), indexBytes, limits, [])) {
      const digest = sha256Digest(image.configBytes);
      if (!hints.has(digest)) hints.set(digest, image);
    }
  } catch (e: unknown) {
    if (!isCoreError(e)) throw e;
    warnings.push(`index.json beside manifest.json was not usable: ${e.code}: ${e.message}`);
  }
  return hints;
}
