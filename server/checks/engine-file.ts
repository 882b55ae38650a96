// Reads one file of an image in a Docker engine, through the Engine API: an unstarted container is created
// from the image, the file is copied out of it (GET /containers/{id}/archive), and the container is removed.
// The core library reports which paths an image holds; this gives the content for `file: {contains}`.
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { posix } from 'node:path';
import { MAX_SYMLINK_HOPS } from './limits.ts';
import { EnvReadError, entryKind, type EnvEntryKind } from './env-tar.ts';

/** Never run: a container needs some command to be created, and import-made images have none. */
const PLACEHOLDER_CMD = ['/stepwise-check-never-runs'];
/** Labels the throwaway container so a leftover one can be recognised and removed. */
export const CHECK_CONTAINER_LABEL = 'io.stepwise.check-reader';

export interface ImageFile {
  kind: EnvEntryKind;
  content: Buffer; // empty unless a regular file
  truncated: boolean;
}

function statusOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null || !('statusCode' in e)) return undefined;
  const code = (e as { statusCode: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

async function firstEntry(stream: NodeJS.ReadableStream, maxBytes: number): Promise<ImageFile & { linkTarget: string }> {
  const extract = tar.extract();
  const source = stream as NodeJS.ReadableStream & { destroy?: () => void };
  source.on('error', (e: Error) => extract.destroy(e));
  source.pipe(extract);
  try {
    for await (const item of extract) {
      const kind = entryKind(item.header.type);
      const chunks: Buffer[] = [];
      let bytes = 0;
      if (kind === 'file') {
        for await (const chunk of item) {
          if (!(chunk instanceof Uint8Array)) throw new EnvReadError('READ_FAILED', 'the engine sent a non-byte chunk');
          chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
          bytes += chunk.length;
          if (bytes >= maxBytes) break;
        }
      }
      return { kind, content: Buffer.concat(chunks).subarray(0, maxBytes), truncated: item.header.size > maxBytes, linkTarget: item.header.linkname ?? '' };
    }
    throw new EnvReadError('READ_FAILED', 'the engine sent an empty archive');
  } finally {
    source.unpipe(extract);
    source.destroy?.();
    extract.destroy();
  }
}

/** The file at absolute `path` in image `ref` (symlinks followed inside the image); null if it is not there. */
export async function readImageFile(docker: Docker, ref: string, path: string, maxBytes: number): Promise<ImageFile | null> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({ Image: ref, Cmd: PLACEHOLDER_CMD, Labels: { [CHECK_CONTAINER_LABEL]: '1' }, NetworkDisabled: true });
  } catch (e: unknown) {
    throw new EnvReadError('READ_FAILED', `could not open the image ${ref} to read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    let current = path;
    for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
      let stream: NodeJS.ReadableStream;
      try {
        stream = await container.getArchive({ path: current });
      } catch (e: unknown) {
        if (statusOf(e) === 404) return null;
        throw new EnvReadError('READ_FAILED', `could not read ${current} from the image ${ref}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const entry = await firstEntry(stream, maxBytes);
      if (entry.kind !== 'symlink') return { kind: entry.kind, content: entry.content, truncated: entry.truncated };
      current = entry.linkTarget.startsWith('/') ? posix.normalize(entry.linkTarget) : posix.join(posix.dirname(current), entry.linkTarget);
    }
    throw new EnvReadError('SYMLINK_HOPS', `${path} in the image ${ref} is a chain of more than ${MAX_SYMLINK_HOPS} symlinks`);
  } finally {
    await container.remove({ force: true, v: true });
  }
}
