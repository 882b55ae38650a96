// An image config as the model shows it. Empty strings (Docker writes "WorkingDir": "") read as null.
import type { HistoryEntry, ImageConfig } from '../model.ts';
import type { RawImageConfig } from './schemas.ts';

export function toImageConfig(raw: RawImageConfig): ImageConfig {
  const c = raw.config;
  return {
    Cmd: c?.Cmd ?? null,
    Entrypoint: c?.Entrypoint ?? null,
    Env: c?.Env ?? null,
    WorkingDir: c?.WorkingDir || null,
    User: c?.User || null,
    ExposedPorts: c?.ExposedPorts ? Object.keys(c.ExposedPorts) : null,
    Labels: c?.Labels ?? null,
    architecture: raw.architecture ?? null,
    os: raw.os ?? null,
    history: (raw.history ?? []).map((h): HistoryEntry => ({
      created: h.created ?? null,
      createdBy: h.created_by ?? null,
      comment: h.comment ?? null,
      emptyLayer: h.empty_layer === true,
    })),
  };
}

export function diffIdsOf(raw: RawImageConfig): string[] {
  return raw.rootfs?.diff_ids ?? [];
}

/** "linux/arm/v7" from the config's os, architecture and variant. */
export function platformOf(raw: RawImageConfig): string | null {
  if (!raw.os || !raw.architecture) return null;
  return [raw.os, raw.architecture, raw.variant].filter(Boolean).join('/');
}

/** The history line that created each layer: history entries without empty_layer, in order. */
export function layerCreators(config: ImageConfig, layerCount: number): (string | null)[] {
  const creators = config.history.filter((h) => !h.emptyLayer).map((h) => h.createdBy);
  return Array.from({ length: layerCount }, (_, i) => creators[i] ?? null);
}
