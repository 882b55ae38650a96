// The learner engine's image: a few folders and files, no binaries. dockerd, containerd, runc and their libraries
// are the host's own, bind-mounted read-only (engine-container.ts), so nothing is pulled and the engine is the
// host's docker.io version. On a merged-/usr host, /bin, /lib, /lib64 and /sbin are symlinks into /usr here too.
import { createHash } from 'node:crypto';
import { lstatSync, readlinkSync } from 'node:fs';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';

/** The host folders an engine needs; each is bind-mounted read-only, or recreated as the same symlink. */
export const HOST_SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib64'] as const;
/** The group that may use a learner engine's socket, inside the engine; the learner's own gid (1000) too. */
export const ENGINE_SOCKET_GID = 1000;
const IMAGE_REPO = 'stepwise/learner-engine';
/** Bumped when the layout below changes. */
const LAYOUT_VERSION = '1';

type Entry =
  | { name: string; type: 'directory' }
  | { name: string; type: 'symlink'; linkname: string }
  | { name: string; type: 'file'; content: string };

export interface EngineImageLayout {
  entries: Entry[];
  /** Host system folders that are real folders: bind-mounted into the engine. */
  bindDirs: string[];
  tag: string;
}

/** Reads which host system folders are symlinks and describes the image. */
export function engineImageLayout(): EngineImageLayout {
  const entries: Entry[] = [];
  const bindDirs: string[] = [];
  for (const dir of HOST_SYSTEM_DIRS) {
    let isLink = false;
    try {
      isLink = lstatSync(dir).isSymbolicLink();
    } catch {
      continue; // a host without /lib64 has nothing to mount there
    }
    if (isLink) entries.push({ name: dir, type: 'symlink', linkname: readlinkSync(dir) });
    else bindDirs.push(dir);
  }
  for (const dir of ['/etc', '/run', '/tmp', '/var', '/var/lib', '/var/lib/docker', '/root'])
    entries.push({ name: dir, type: 'directory' });
  entries.push({ name: '/var/run', type: 'symlink', linkname: '../run' });
  entries.push({ name: '/etc/passwd', type: 'file', content: 'root:x:0:0:root:/root:/bin/sh\n' });
  entries.push({ name: '/etc/group', type: 'file', content: `root:x:0:\ndocker:x:${ENGINE_SOCKET_GID}:\n` });
  entries.push({ name: '/etc/hosts', type: 'file', content: '127.0.0.1 localhost\n' });
  const hash = createHash('sha256')
    .update(LAYOUT_VERSION + JSON.stringify(entries))
    .digest('hex')
    .slice(0, 16);
  return { entries, bindDirs, tag: `${IMAGE_REPO}:${hash}` };
}

function pack(layout: EngineImageLayout): Readable {
  const p = tar.pack();
  for (const e of layout.entries) {
    const name = e.name.slice(1);
    const header = { name, mode: e.type === 'file' ? 0o644 : 0o755, uid: 0, gid: 0, mtime: new Date(0) };
    if (e.type === 'directory') p.entry({ ...header, name: `${name}/`, type: 'directory' });
    else if (e.type === 'symlink') p.entry({ ...header, mode: 0o777, type: 'symlink', linkname: e.linkname });
    else p.entry({ ...header, type: 'file', size: Buffer.byteLength(e.content) }, e.content);
  }
  p.finalize();
  const readable = Readable.from(p, { objectMode: false });
  p.on('error', (err: Error) => readable.destroy(err));
  return readable;
}

/** Imports the image into `docker` unless its tag is already there. */
export async function ensureEngineImage(docker: Docker, layout: EngineImageLayout): Promise<void> {
  try {
    await docker.getImage(layout.tag).inspect();
    return;
  } catch (err) {
    if ((err as { statusCode?: unknown }).statusCode !== 404) throw err;
  }
  const [repo, tag] = layout.tag.split(':') as [string, string];
  const response = (await docker.importImage(pack(layout), {
    repo,
    tag,
    message: 'built by stepwise',
  })) as unknown as Readable;
  let body = '';
  for await (const chunk of response) body += String(chunk);
  if (body.includes('"error"')) throw new Error(`importing ${layout.tag} failed: ${body.slice(0, 500)}`);
}
