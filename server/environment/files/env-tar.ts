// Reads the learner's environment through `Environment.readTar`: the one way checks see files, whether the
// environment is a host folder or a container. A missing path is `null`, never an exception.
import type { Readable } from 'node:stream';
import { posix } from 'node:path';
import tar from 'tar-stream';
import { CodedError } from '../../protocol/index.ts';
import { BackendError } from '../backend.ts';
import { isCoreError } from '../../core/index.ts';
import type { Environment } from '../environment.ts';
import { MAX_SYMLINK_HOPS } from '../limits.ts';

export type EnvEntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface EnvEntry {
  path: string; // as asked for, after following symlinks
  kind: EnvEntryKind;
  mode: number; // permission bits, e.g. 0o644
  size: number; // bytes, for regular files
  linkTarget?: string;
}

export class EnvReadError extends CodedError<'READ_FAILED' | 'TOO_LARGE' | 'ENV_SYMLINK_HOPS' | 'NOT_A_FILE'> {}

export function entryKind(type: tar.Header['type'] | undefined): EnvEntryKind {
  switch (type) {
    case 'file':
    case 'contiguous-file':
    case undefined:
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** Opens a tar stream of `path` in the environment; null when the path does not exist. */
export async function openEnvTar(env: Environment, path: string): Promise<Readable | null> {
  try {
    return await env.readTar(path);
  } catch (e: unknown) {
    if (e instanceof BackendError && e.code === 'NOT_FOUND') return null;
    throw new EnvReadError('READ_FAILED', `could not read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface EntryWithContent {
  entry: EnvEntry;
  /** The first `maxBytes` bytes of a regular file, when asked for. */
  content?: Buffer;
  truncated: boolean;
}

/** The bytes of a tar entry, checked to be bytes (tar-stream's streams are typed as yielding unknown). */
async function* entryBytes(item: AsyncIterable<unknown>, path: string): AsyncIterable<Uint8Array> {
  for await (const chunk of item) {
    if (!(chunk instanceof Uint8Array))
      throw new EnvReadError('READ_FAILED', `could not read ${path}: the archive stream sent a non-byte chunk`);
    yield chunk;
  }
}

/**
 * Opens `path` in the environment and calls `use` with its entry and a stream of its content (empty unless a
 * regular file). With `follow`, a symlink is followed inside the environment. The stream is closed when `use`
 * settles, read to the end or not. Null when the path does not exist.
 */
export async function withEnvEntry<T>(
  env: Environment,
  path: string,
  follow: boolean,
  use: (entry: EnvEntry, content: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T | null> {
  let current = path;
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
    const result = await withFirstEntry(
      env,
      current,
      async (entry, content): Promise<{ link: string } | { value: T }> => {
        if (follow && entry.kind === 'symlink' && entry.linkTarget !== undefined) return { link: entry.linkTarget };
        return { value: await use({ ...entry, path: current }, content) };
      },
    );
    if (result === null) return null;
    if ('value' in result) return result.value;
    current = resolveLink(current, result.link);
  }
  throw new EnvReadError('ENV_SYMLINK_HOPS', `${path} is a chain of more than ${MAX_SYMLINK_HOPS} symlinks`);
}

/** The path's entry and the first `maxBytes` bytes of its content (0: none). */
export async function readEnvEntry(
  env: Environment,
  path: string,
  opts: { maxBytes: number; follow: boolean },
): Promise<EntryWithContent | null> {
  return withEnvEntry(env, path, opts.follow, async (entry, content) => {
    if (entry.kind !== 'file' || opts.maxBytes <= 0) return { entry, truncated: false };
    return { entry, content: await readBounded(content, opts.maxBytes), truncated: entry.size > opts.maxBytes };
  });
}

/** The first `maxBytes` bytes of a stream; stops reading there. */
export async function readBounded(content: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of content) {
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    bytes += chunk.length;
    if (bytes >= maxBytes) break;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

/** Where a symlink at `from` points, as a path in the environment (relative to workdir unless absolute). */
export function resolveLink(from: string, target: string): string {
  if (target.startsWith('/')) return posix.normalize(target);
  return posix.normalize(posix.join(posix.dirname(from), target));
}

async function withFirstEntry<T>(
  env: Environment,
  path: string,
  use: (entry: EnvEntry, content: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T | null> {
  const source = await openEnvTar(env, path);
  return source === null ? null : withFirstTarEntry(source, path, use);
}

/** A tar stream of the environment piped into a tar-stream extractor. */
function extractFrom(source: NodeJS.ReadableStream): tar.Extract {
  const extract = tar.extract();
  source.on('error', (e: Error) => extract.destroy(e));
  source.pipe(extract);
  return extract;
}

function closeExtract(source: NodeJS.ReadableStream, extract: tar.Extract): void {
  source.unpipe(extract);
  (source as { destroy?: () => void }).destroy?.(); // a plain ReadableStream has no destroy
  extract.destroy();
}

/** Errors that are not already typed become READ_FAILED naming the path. */
function asReadError(e: unknown, path: string): unknown {
  if (e instanceof EnvReadError || e instanceof BackendError || isCoreError(e) || !(e instanceof Error)) return e;
  return new EnvReadError('READ_FAILED', `could not read ${path}: ${e.message}`);
}

/**
 * Calls `use` with the first entry of the tar stream `source` (named `path` in messages) and its content, then
 * closes the stream whether or not it was read to the end.
 */
export async function withFirstTarEntry<T>(
  source: NodeJS.ReadableStream,
  path: string,
  use: (entry: EnvEntry, content: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T> {
  const extract = extractFrom(source);
  try {
    for await (const item of extract) {
      const h = item.header;
      const entry: EnvEntry = { path, kind: entryKind(h.type), mode: (h.mode ?? 0) & 0o7777, size: h.size ?? 0 };
      if (h.linkname) entry.linkTarget = h.linkname;
      return await use(entry, entryBytes(item, path));
    }
    throw new EnvReadError('READ_FAILED', `could not read ${path}: the environment sent an empty archive`);
  } catch (e: unknown) {
    throw asReadError(e, path);
  } finally {
    closeExtract(source, extract);
  }
}

/**
 * The content of the regular file at `path` (a symlink is not followed), opened afresh: for reading a file a
 * second time outside a withEnvEntry call. The environment's stream is closed when iteration ends or stops.
 */
export async function* envFileContent(env: Environment, path: string): AsyncGenerator<Uint8Array> {
  const source = await openEnvTar(env, path);
  if (source === null) throw new EnvReadError('READ_FAILED', `could not read ${path} again: it no longer exists`);
  const extract = extractFrom(source);
  try {
    for await (const item of extract) {
      if (entryKind(item.header.type) !== 'file')
        throw new EnvReadError('NOT_A_FILE', `${path} is no longer a regular file`);
      yield* entryBytes(item, path);
      return;
    }
    throw new EnvReadError('READ_FAILED', `could not read ${path}: the environment sent an empty archive`);
  } catch (e: unknown) {
    throw asReadError(e, path);
  } finally {
    closeExtract(source, extract);
  }
}
