// InspectResult (server/core's model, read with `files: true`) → ExplorerResponse (server/protocol/api.ts), the
// shape the image explorer draws: layers with their history command and added/changed/removed paths, the merged
// paths with the layer that last wrote each, and the whiteout entries each layer carries.
import type { Image, InspectResult } from '../../core/index.ts';
import type { ExplorerImage, ExplorerResponse } from '../../protocol/index.ts';

export function toExplorerResponse(result: InspectResult): ExplorerResponse {
  return {
    source: result.source,
    format: result.format,
    verified: result.verified,
    images: result.images.map(toExplorerImage),
  };
}

function toExplorerImage(image: Image): ExplorerImage {
  const whiteouts: ExplorerImage['whiteouts'] = [];
  image.layers.forEach((layer, index) => {
    for (const e of layer.entryList ?? []) {
      // Kept as the layer spells them (`/etc/.wh.motd`, `/etc/.wh..wh..opq`): the client names what they remove.
      if (e.kind === 'whiteout' || e.kind === 'opaque') whiteouts.push({ path: e.path, layer: index });
    }
  });
  return {
    tags: image.tags,
    configDigest: image.configDigest,
    fileCount: image.fileCount,
    wastedBytes: image.wastedBytes,
    layers: image.layers.map((l, index) => ({
      index,
      digest: l.digest,
      diffId: l.diffId,
      size: l.size,
      uncompressedSize: l.uncompressedSize,
      entries: l.entries,
      verified: l.verified,
      createdBy: l.createdBy,
      added: l.changes?.added ?? [],
      changed: l.changes?.changed ?? [],
      removed: l.changes?.removed ?? [],
    })),
    paths: (image.paths ?? []).map((p) => ({ path: p.path, kind: p.kind, size: p.size, layer: p.layer })),
    whiteouts,
  };
}
