// Files in and out of a learner's container through the Engine API's archive endpoints.
//
// Layout of readTar (the same as the local backend's): the engine's `GET /containers/{id}/archive?path=P`
// answers with a tar whose first entry is P itself, named by P's basename (`notes.txt`, or `project/` followed by
// `project/a.txt` …). A symlink at P is returned as the symlink, not followed; symlinks on the way to P are
// resolved inside the container's root. copyIn writes with `PUT /containers/{id}/archive`, entries owned by the
// learner (uid 1000), after making the target's parent folder as the learner.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { BackendError } from '../backend.ts';
import { LEARNER_GID, LEARNER_UID } from './docker-learner.ts';
import { engineMessage, isEngineStatus } from './docker-engine.ts';

/** A path as the environment sees it: relative to `workdir`, or absolute inside the container. */
export function containerPath(workdir: string, path: string): string {
  if (path.includes('\0')) throw new BackendError('NOT_FOUND', `path contains a NUL byte: ${JSON.stringify(path)}`);
  return posix.resolve(workdir, path);
}

export async function readContainerTar(docker: Docker, containerId: string, absPath: string): Promise<Readable> {
  try {
    // dockerode types the archive as a ReadableStream; it is the engine's HTTP response, a node Readable.
    return (await docker.getContainer(containerId).getArchive({ path: absPath })) as unknown as Readable;
  } catch (err) {
    if (isEngineStatus(err, 404))
      throw new BackendError('NOT_FOUND', `${absPath} does not exist in the learner's container`);
    throw new BackendError(
      'EXEC_FAILED',
      `could not read ${absPath} from container ${containerId.slice(0, 12)}: ${engineMessage(err)}`,
    );
  }
}

/** Extracts `archive` into the container's folder `absDir` (which must exist); entries keep their owners. */
export async function putContainerTar(
  docker: Docker,
  containerId: string,
  absDir: string,
  archive: Readable,
): Promise<void> {
  try {
    await docker.getContainer(containerId).putArchive(archive, { path: absDir });
  } catch (err) {
    throw new BackendError(
      'EXEC_FAILED',
      `could not copy into ${absDir} in container ${containerId.slice(0, 12)}: ${engineMessage(err)}`,
    );
  }
}

/**
 * A tar of the host file or folder `hostPath`, its top entry named `name`, every entry owned by the learner.
 * Regular files, folders and symlinks are copied; sockets, fifos and devices are skipped.
 */
export function packHostPath(hostPath: string, name: string): Readable {
  const pack = tar.pack();
  const add = async (from: string, as: string): Promise<void> => {
    const st = await lstat(from);
    const header = { name: as, mode: st.mode & 0o7777, uid: LEARNER_UID, gid: LEARNER_GID, mtime: st.mtime };
    if (st.isSymbolicLink()) {
      await addEntry(pack, { ...header, type: 'symlink', linkname: await readlink(from) });
    } else if (st.isDirectory()) {
      await addEntry(pack, { ...header, name: `${as}/`, type: 'directory' });
      for (const child of (await readdir(from)).sort()) await add(join(from, child), `${as}/${child}`);
    } else if (st.isFile()) {
      await addEntry(pack, { ...header, type: 'file', size: st.size }, createReadStream(from));
    }
  };
  add(hostPath, name).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return nodeReadable(pack);
}

export type TarHeader = Parameters<tar.Pack['entry']>[0];

/** Adds one entry; directories and links need no body (tar-stream finishes them itself). */
function addEntry(pack: tar.Pack, header: TarHeader, body?: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    if (body) {
      body.on('error', reject);
      body.pipe(sink);
    }
  });
}

/** tar-stream's streams are streamx streams; callers of the Backend get a plain Node Readable of bytes. */
export function nodeReadable(pack: tar.Pack): Readable {
  const readable = Readable.from(pack, { objectMode: false });
  // streamx also emits the error as an event, which would be thrown if nobody listened: hand it to the reader.
  pack.on('error', (err: Error) => readable.destroy(err));
  return readable;
}

/** Files stepwise itself puts in a container, written as root (read-only to the learner) unless told otherwise. */
export interface SupportFile {
  path: string; // absolute, e.g. /opt/stepwise/bashrc
  content: string;
  mode: number;
}

/** Folders to create (absolute, with owner) and files to write, as one tar for extraction at `/`. */
export function packSupportFiles(dirs: { path: string; uid: number; gid: number }[], files: SupportFile[]): Readable {
  const pack = tar.pack();
  for (const dir of dirs) {
    pack.entry({ name: `${dir.path.slice(1)}/`, type: 'directory', mode: 0o755, uid: dir.uid, gid: dir.gid });
  }
  for (const file of files) {
    const body = Buffer.from(file.content, 'utf8');
    pack.entry({ name: file.path.slice(1), type: 'file', mode: file.mode, uid: 0, gid: 0, size: body.length }, body);
  }
  pack.finalize();
  return nodeReadable(pack);
}

export function targetName(absTarget: string): string {
  const name = posix.basename(absTarget);
  if (name === '' || name === '.' || name === '..') {
    throw new BackendError('EXEC_FAILED', `cannot copy onto ${absTarget}: name a file or folder to create`);
  }
  return name;
}
