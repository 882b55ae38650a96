// The stepwise/shell image: built locally from the host's own bash, coreutils, tar and gzip (nothing can be
// pulled), imported through the Engine API (`POST /images/create?fromSrc=-`) as one layer with its config set by
// `changes`. It is rebuilt only when missing or when the content hash in its label differs from the host's files.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { z } from 'zod';
import { BackendError } from '../backend.ts';
import { collectHostFiles } from './docker-host-files.ts';
import type { HostEntry } from './docker-host-files.ts';
import { engineMessage, isEngineStatus, readAll } from './docker-engine.ts';
import { nodeReadable } from './docker-tar.ts';
import { LEARNER_GID, LEARNER_HOME, LEARNER_NAME, LEARNER_UID, LEARNER_USER, SHELL_PATH } from './docker-learner.ts';

export const DEFAULT_SHELL_IMAGE = 'stepwise/shell:latest';
/** The image label holding the sha256 of the rootfs description; a different value means "rebuild". */
export const CONTENT_LABEL = 'io.stepwise.content';
/** Bumped when the layout written here changes, so an image from an older stepwise is rebuilt. */
const IMAGE_LAYOUT_VERSION = '1';
/** Fixed mtime for every entry, so the same host files always give the same tar. */
const FIXED_MTIME = new Date(0);

interface RootfsEntry {
  name: string; // absolute path inside the image
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
  linkname?: string;
  content?: Buffer;
}

export interface ShellRootfs {
  entries: RootfsEntry[]; // sorted by name, so parents come before children
  hash: string; // sha256 hex of the description of every entry
  hasLocale: boolean;
}

/** Builds the rootfs description from the host (reads a few MB of binaries). */
export async function describeShellRootfs(): Promise<ShellRootfs> {
  const host = await collectHostFiles();
  const byName = new Map<string, RootfsEntry>();
  for (const entry of host.entries.values()) byName.set(entry.path, await fromHost(entry));
  const text = (content: string) => Buffer.from(content, 'utf8');
  const learner = `${LEARNER_NAME}:x:${LEARNER_UID}:${LEARNER_GID}:${LEARNER_NAME}:${LEARNER_HOME}:/bin/bash`;
  const own: RootfsEntry[] = [
    { name: '/etc', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
    {
      name: '/etc/passwd',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      content: text(`root:x:0:0:root:/root:/bin/sh\n${learner}\n`),
    },
    {
      name: '/etc/group',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      content: text(`root:x:0:\n${LEARNER_NAME}:x:${LEARNER_GID}:\n`),
    },
    {
      name: '/etc/nsswitch.conf',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      content: text('passwd: files\ngroup: files\nhosts: files\n'),
    },
    { name: '/tmp', type: 'directory', mode: 0o1777, uid: 0, gid: 0 },
    { name: '/root', type: 'directory', mode: 0o700, uid: 0, gid: 0 },
    { name: '/home', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
    { name: LEARNER_HOME, type: 'directory', mode: 0o755, uid: LEARNER_UID, gid: LEARNER_GID },
  ];
  for (const entry of own) {
    if (byName.get(entry.name)?.type === 'symlink') {
      throw new BackendError(
        'IMAGE_BUILD_FAILED',
        `cannot build stepwise/shell: the host's ${entry.name} is a symlink`,
      );
    }
    byName.set(entry.name, entry);
  }
  const entries = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, hash: hashEntries(entries), hasLocale: host.hasLocale };
}

async function fromHost(entry: HostEntry): Promise<RootfsEntry> {
  switch (entry.type) {
    case 'dir':
      return { name: entry.path, type: 'directory', mode: 0o755, uid: 0, gid: 0 };
    case 'symlink':
      return { name: entry.path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, linkname: entry.target };
    case 'file':
      return {
        name: entry.path,
        type: 'file',
        mode: entry.mode,
        uid: 0,
        gid: 0,
        content: await readFile(entry.hostPath),
      };
  }
}

function hashEntries(entries: RootfsEntry[]): string {
  const hash = createHash('sha256');
  hash.update(`stepwise/shell layout ${IMAGE_LAYOUT_VERSION}\n`);
  for (const e of entries) {
    const body = e.content ? createHash('sha256').update(e.content).digest('hex') : '';
    hash.update(JSON.stringify([e.name, e.type, e.mode, e.uid, e.gid, e.linkname ?? '', body]) + '\n');
  }
  return hash.digest('hex');
}

/** The rootfs as a tar stream; names are relative (`usr/bin/bash`), directories end in `/`. */
export function packRootfs(rootfs: ShellRootfs): Readable {
  const pack = tar.pack();
  for (const e of rootfs.entries) {
    const name = e.name.slice(1) + (e.type === 'directory' ? '/' : '');
    const header = { name, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, mtime: FIXED_MTIME };
    if (e.type === 'symlink') pack.entry({ ...header, linkname: e.linkname ?? '' });
    else if (e.type === 'file') pack.entry({ ...header, size: e.content?.length ?? 0 }, e.content ?? Buffer.alloc(0));
    else pack.entry(header);
  }
  pack.finalize();
  return nodeReadable(pack);
}

/** Dockerfile-style instructions the engine applies to the imported layer's config. */
export function imageChanges(rootfs: ShellRootfs): string[] {
  const changes = [
    `ENV PATH=${SHELL_PATH}`,
    `ENV HOME=${LEARNER_HOME}`,
    `USER ${LEARNER_USER}`,
    `WORKDIR ${LEARNER_HOME}`,
    'CMD ["sleep", "infinity"]',
    `LABEL ${CONTENT_LABEL}=${rootfs.hash}`,
  ];
  if (rootfs.hasLocale) changes.push('ENV LANG=C.UTF-8');
  return changes;
}

const ImageInspectSchema = z.object({
  Id: z.string(),
  Config: z
    .object({ Labels: z.record(z.string(), z.string()).nullable().optional() })
    .nullable()
    .optional(),
});

/** The image's id and content label ('' when it has none), or null when the image is missing. */
async function installed(docker: Docker, image: string): Promise<{ id: string; hash: string } | null> {
  let raw: unknown;
  try {
    raw = await docker.getImage(image).inspect();
  } catch (err) {
    if (isEngineStatus(err, 404)) return null;
    throw err;
  }
  const parsed = ImageInspectSchema.parse(raw);
  return { id: parsed.Id, hash: parsed.Config?.Labels?.[CONTENT_LABEL] ?? '' };
}

const ImportEventSchema = z.object({ error: z.string().optional(), status: z.string().optional() }).loose();

/** Imports the rootfs under `image` (`name:tag`). Throws IMAGE_BUILD_FAILED with the engine's words on error. */
async function importRootfs(docker: Docker, image: string, rootfs: ShellRootfs): Promise<void> {
  const { repo, tag } = splitReference(image);
  const response = await docker.importImage(packRootfs(rootfs), {
    repo,
    tag,
    changes: imageChanges(rootfs),
    message: 'built by stepwise from the host',
  });
  const body = (await readAll(response as unknown as Readable)).toString('utf8');
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const event = ImportEventSchema.safeParse(JSON.parse(line));
    if (event.success && event.data.error) {
      throw new BackendError('IMAGE_BUILD_FAILED', `importing ${image} failed: ${event.data.error}`);
    }
  }
}

/** `stepwise/shell:latest` → repo and tag; a reference without a tag means `latest`. */
export function splitReference(image: string): { repo: string; tag: string } {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return { repo: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repo: image, tag: 'latest' };
}

export interface EnsureResult {
  built: boolean;
  hash: string;
}

const inFlight = new WeakMap<Docker, Map<string, Promise<EnsureResult>>>();

/**
 * Makes sure `image` holds the current host-built shell. Concurrent callers in this process share one build;
 * a failed build is forgotten so the next call retries.
 */
export function ensureShellImage(docker: Docker, image: string = DEFAULT_SHELL_IMAGE): Promise<EnsureResult> {
  let perEngine = inFlight.get(docker);
  if (!perEngine) inFlight.set(docker, (perEngine = new Map<string, Promise<EnsureResult>>()));
  const existing = perEngine.get(image);
  if (existing) return existing;
  const pending = buildIfStale(docker, image);
  perEngine.set(image, pending);
  pending.catch(() => perEngine.delete(image)); // forget failures only; the caller sees the rejection itself
  return pending;
}

async function buildIfStale(docker: Docker, image: string): Promise<EnsureResult> {
  const rootfs = await describeShellRootfs();
  const previous = await installed(docker, image);
  if (previous?.hash === rootfs.hash) return { built: false, hash: rootfs.hash };
  try {
    await importRootfs(docker, image, rootfs);
  } catch (err) {
    if (err instanceof BackendError) throw err;
    throw new BackendError('IMAGE_BUILD_FAILED', `importing ${image} failed: ${engineMessage(err)}`);
  }
  const current = await installed(docker, image);
  if (current?.hash !== rootfs.hash) {
    throw new BackendError(
      'IMAGE_BUILD_FAILED',
      `imported ${image} but the engine does not show its content label ${CONTENT_LABEL}`,
    );
  }
  if (previous && previous.id !== current.id) await removeStale(docker, previous.id);
  return { built: true, hash: rootfs.hash };
}

/** Drops the image an older host left behind, unless a container still uses it (409): then it stays, harmlessly. */
async function removeStale(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getImage(id).remove();
  } catch (err) {
    if (isEngineStatus(err, 404) || isEngineStatus(err, 409)) return;
    throw new BackendError(
      'IMAGE_BUILD_FAILED',
      `cannot remove the stale shell image ${id.slice(7, 19)}: ${engineMessage(err)}`,
    );
  }
}
