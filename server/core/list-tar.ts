// The cheap path for a plain tar (the `tar:` check kind): its entries, normalised like a layer's, with the same
// hostile-input rules, and nothing hashed or kept beyond the listing.
import { openTar } from './archive/open-tar.ts';
import type { ByteSource } from './compress/stream.ts';
import { EntryBudget, resolveLimits, type Limits } from './limits.ts';
import type { Compression, LayerEntry } from './model.ts';
import { EntryCollector } from './tar/entry-collector.ts';
import { TarReader } from './tar/reader.ts';

export interface ListTarOptions {
  label?: string; // names the tar in error messages
  limits?: Partial<Limits>;
  signal?: AbortSignal;
}

/** Lists a tar stream (plain, gzip or zstd). Paths are absolute; directories end in '/'; the root is omitted. */
export async function listTar(
  stream: ByteSource,
  opts: ListTarOptions = {},
): Promise<{ entries: LayerEntry[]; compression: Compression }> {
  const label = opts.label ?? 'tar stream';
  const limits = resolveLimits(opts.limits);
  const { compression, tar } = await openTar(stream, label, limits);
  const collector = new EntryCollector(label, new EntryBudget(limits.maxEntries), false);
  const reader = new TarReader({
    label,
    limits,
    onEntry: (e) => {
      collector.add(e);
      return null;
    },
  });
  for await (const chunk of tar) {
    opts.signal?.throwIfAborted();
    await reader.write(chunk);
  }
  await reader.end();
  return { entries: collector.entries, compression };
}
