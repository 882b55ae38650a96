// Reads one file of an image in a Docker engine, through the Engine API: an unstarted container is created
// from the image, the file is copied out of it (GET /containers/{id}/archive), and the container is removed.
// The core library reports which paths an image holds; this gives the content for `file: {contains}`.
import type Docker from 'dockerode';
import { MAX_SYMLINK_HOPS } from './limits.ts';
import { EnvReadError, readBounded, resolveLink, withFirstTarEntry, type EnvEntryKind } from './env-tar.ts';

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
      const found = await withFirstTarEntry(stream, `${current} in the image ${ref}`, async (entry, content) => ({
        entry,
        content: entry.kind === 'file' ? await readBounded(content, maxBytes) : Buffer.alloc(0),
      }));
      const { entry, content } = found;
      if (entry.kind !== 'symlink') return { kind: entry.kind, content, truncated: entry.size > maxBytes };
      current = resolveLink(current, entry.linkTarget ?? '');
    }
    throw new EnvReadError('SYMLINK_HOPS', `${path} in the image ${ref} is a chain of more than ${MAX_SYMLINK_HOPS} symlinks`);
  } finally {
    await container.remove({ force: true, v: true });
  }
}
