// Copies a folder (an OCI layout) out of the learner's environment into a private temp dir, so the core library,
// which reads a folder by its host path, can inspect it. The copy goes through `Environment.readTar`, so
// it works for a container as for a local folder. Only regular files and directories are written: a symlink
// or device from the environment never becomes one on the host. The TempArea owns the copy; dispose removes it.
import { link, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import tar from 'tar-stream';
import type { Environment } from '../environment.ts';
import { EnvReadError, entryKind, openEnvTar, resolveLink } from './env-tar.ts';
import { MAX_MATERIALIZE_BYTES, MAX_SYMLINK_HOPS } from '../limits.ts';

/** A private (0700) temp dir, removed by dispose. */
export class TempArea {
  private disposed = false;
  private constructor(readonly dir: string) {}

  static async create(): Promise<TempArea> {
    return new TempArea(await mkdtemp(join(tmpdir(), 'stepwise-check-')));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs `fn` with a fresh TempArea and always removes it. */
export async function withTempArea<T>(fn: (area: TempArea) => Promise<T>): Promise<T> {
  const area = await TempArea.create();
  try {
    return await fn(area);
  } finally {
    await area.dispose();
  }
}

export interface Materialized {
  hostPath: string;
  /** Entries left out of a folder copy (symlinks, devices), in plain words. */
  skipped: string[];
}

/** Copies the folder `path` (following a symlinked target) into `area`; null when it does not exist. */
export async function materialize(env: Environment, path: string, area: TempArea): Promise<Materialized | null> {
  let current = path;
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
    const copied = await copyOut(env, current, join(area.dir, `m${hop}`));
    if (copied === null || 'hostPath' in copied) return copied;
    current = resolveLink(current, copied.symlink);
  }
  throw new EnvReadError('ENV_SYMLINK_HOPS', `${path} is a chain of more than ${MAX_SYMLINK_HOPS} symlinks`);
}

/** Member name → path below the copied root, or null if it is outside it or unsafe. */
function relativeMember(name: string, root: string): string | null {
  const clean = posix.normalize(name.replace(/^\/+/, ''));
  if (clean === root || clean === `${root}/`) return '';
  if (!clean.startsWith(`${root}/`)) return null;
  const rel = clean.slice(root.length + 1).replace(/\/+$/, '');
  if (rel.split('/').some((seg) => seg === '..' || seg === '')) return null;
  return rel;
}

async function copyOut(
  env: Environment,
  path: string,
  dest: string,
): Promise<Materialized | { symlink: string } | null> {
  const source = await openEnvTar(env, path);
  if (source === null) return null;
  const extract = tar.extract();
  source.on('error', (e: Error) => extract.destroy(e));
  source.pipe(extract);
  let budget = MAX_MATERIALIZE_BYTES;
  const writeFile = async (entry: AsyncIterable<unknown>, hostPath: string): Promise<void> => {
    const file = await open(hostPath, 'w', 0o600);
    try {
      for await (const chunk of entry) {
        if (!(chunk instanceof Uint8Array))
          throw new EnvReadError('READ_FAILED', `could not copy ${path}: the archive stream sent a non-byte chunk`);
        budget -= chunk.length;
        if (budget < 0)
          throw new EnvReadError(
            'TOO_LARGE',
            `${path} is larger than ${MAX_MATERIALIZE_BYTES} bytes; checks do not copy more`,
          );
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
  };
  let root: string | null = null;
  const skipped: string[] = [];
  const written = new Map<string, string>(); // member name → host path, for hardlinks
  try {
    for await (const item of extract) {
      const h = item.header;
      const kind = entryKind(h.type);
      if (root === null) {
        root = posix.normalize(h.name.replace(/^\/+/, '')).replace(/\/+$/, '');
        if (kind === 'symlink') return { symlink: h.linkname };
        if (kind !== 'dir') throw new EnvReadError('NOT_A_FILE', `${path} is not a folder`);
        await mkdir(dest, { recursive: true });
        item.resume();
        continue;
      }
      const rel = relativeMember(h.name, root);
      if (rel === null || rel === '') {
        skipped.push(`${h.name} (outside ${path})`);
        item.resume();
        continue;
      }
      const hostPath = join(dest, ...rel.split('/'));
      if (kind === 'dir') {
        await mkdir(hostPath, { recursive: true });
        item.resume();
      } else if (kind === 'file') {
        await mkdir(join(hostPath, '..'), { recursive: true });
        await writeFile(item, hostPath);
        written.set(posix.normalize(h.name.replace(/^\/+/, '')), hostPath);
      } else if (kind === 'hardlink' && written.has(posix.normalize(h.linkname.replace(/^\/+/, '')))) {
        await mkdir(join(hostPath, '..'), { recursive: true });
        await link(written.get(posix.normalize(h.linkname.replace(/^\/+/, ''))) ?? '', hostPath);
        item.resume();
      } else {
        skipped.push(`${rel} (${kind === 'symlink' ? `a symlink to ${h.linkname}` : `a ${kind}`})`);
        item.resume();
      }
    }
    if (root === null)
      throw new EnvReadError('READ_FAILED', `could not read ${path}: the environment sent an empty archive`);
    return { hostPath: dest, skipped };
  } catch (e: unknown) {
    if (e instanceof EnvReadError) throw e;
    throw new EnvReadError(
      'READ_FAILED',
      `could not copy ${path} out of the environment: ${e instanceof Error ? e.message : String(e)}`,
    );
  } finally {
    source.unpipe(extract);
    source.destroy();
    extract.destroy();
  }
}
