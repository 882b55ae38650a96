// The host engine's registry mirrors, read from its `docker info` (RegistryConfig.Mirrors), so every learner's
// engine pulls through the same mirrors as the host (offline in tests, as the host engine does).
import type Docker from 'dockerode';
import { z } from 'zod';

/** More mirrors than this are ignored: each one is a proxy port in every learner's engine. */
export const MAX_MIRRORS = 4;

const InfoSchema = z.looseObject({
  RegistryConfig: z
    .looseObject({ Mirrors: z.array(z.string()).nullable().optional() })
    .nullable()
    .optional(),
});

export class MirrorConfigError extends Error {
  override readonly name = 'MirrorConfigError';
  readonly code = 'BAD_REGISTRY_MIRROR';
}

/** The mirrors as URLs (http: or https:), in the host engine's order. */
export async function hostRegistryMirrors(host: Docker): Promise<URL[]> {
  const info = InfoSchema.parse(await host.info());
  return parseMirrors(info.RegistryConfig?.Mirrors ?? []);
}

export function parseMirrors(raw: readonly string[]): URL[] {
  return raw.slice(0, MAX_MIRRORS).map((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new MirrorConfigError(`the host engine's registry mirror "${text}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new MirrorConfigError(`the host engine's registry mirror "${text}" is neither http: nor https:`);
    }
    return url;
  });
}
