// inspect(): what an archive, an OCI layout directory or an engine's image is. Every source is read in one
// streaming pass (a layout directory blob by blob), verifying digests as it goes.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolveDockerArchive } from './archive/docker-archive.ts';
import type { ArchiveContents } from './archive/read-archive.ts';
import { readArchive } from './archive/read-archive.ts';
import { memberJson } from './archive/members.ts';
import type { ByteSource } from './compress/stream.ts';
import { DOCKER_SCHEME, dockerClient, dockerEngineSource, openEngineExport } from './engine.ts';
import { CoreError } from './errors.ts';
import { buildImage, type ResolvedImage } from './image/build-image.ts';
import { mergeLayers } from './image/merge.ts';
import { EntryBudget, resolveLimits, type Limits } from './limits.ts';
import type { ArchiveFormat, InspectOptions, InspectResult } from './model.ts';
import { ArchiveBlobStore } from './oci/archive-store.ts';
import { DirBlobStore, FILE_READ_CHUNK_BYTES } from './oci/dir-store.ts';
import { resolveOciIndex } from './oci/resolve.ts';

interface Session {
  source: string;
  limits: Limits;
  budget: EntryBudget;
  warnings: string[];
  opts: InspectOptions;
}

export async function inspect(source: string, opts: InspectOptions = {}): Promise<InspectResult> {
  const s = session(source, opts);
  if (source.startsWith(DOCKER_SCHEME)) {
    const ref = source.slice(DOCKER_SCHEME.length);
    const engine = opts.engine ?? dockerEngineSource(dockerClient());
    const contents = await readArchive(await openEngineExport(engine, ref), readOptions(s));
    if (!contents.members.has('manifest.json')) {
      throw new CoreError('MANIFEST_INVALID', `the engine's export of ${ref} has no manifest.json`);
    }
    return finish(s, 'docker-engine', await resolveDockerArchive(contents, s.limits, s.warnings));
  }
  const info = await stat(source).catch((e: unknown) => {
    const why = e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file or directory' : e instanceof Error ? e.message : String(e);
    throw new CoreError('SOURCE_NOT_FOUND', `${source}: ${why}`);
  });
  if (info.isDirectory()) {
    const store = await DirBlobStore.open(source, source, s.limits, s.budget, opts.signal);
    const index = await store.readJson('index.json', 'index.json').catch((e: unknown) => {
      throw e instanceof CoreError && e.code === 'MEMBER_MISSING'
        ? new CoreError('NOT_AN_ARCHIVE', `${source} is a directory without index.json, not an OCI layout`)
        : e;
    });
    return finish(s, 'oci-layout', await resolveOciIndex(store, index, s.limits, s.warnings));
  }
  return inspectStream(createReadStream(source, { highWaterMark: FILE_READ_CHUNK_BYTES }), source, opts);
}

/** Inspects an archive from a stream (e.g. a file read through a session backend). `label` names it. */
export async function inspectStream(stream: ByteSource, label: string, opts: InspectOptions = {}): Promise<InspectResult> {
  const s = session(label, opts);
  const contents = await readArchive(stream, readOptions(s));
  return fromContents(s, contents);
}

function session(source: string, opts: InspectOptions): Session {
  const limits = resolveLimits(opts.limits);
  return { source, limits, budget: new EntryBudget(limits.maxEntries), warnings: [], opts };
}

function readOptions(s: Session): Parameters<typeof readArchive>[1] {
  return { label: s.source, limits: s.limits, budget: s.budget, ...(s.opts.signal ? { signal: s.opts.signal } : {}) };
}

async function fromContents(s: Session, contents: ArchiveContents): Promise<InspectResult> {
  if (contents.members.has('manifest.json')) {
    return finish(s, 'docker-archive', await resolveDockerArchive(contents, s.limits, s.warnings));
  }
  if (contents.members.has('index.json')) {
    const index = memberJson(contents, 'index.json', s.limits, 'index.json');
    return finish(s, 'oci-archive', await resolveOciIndex(new ArchiveBlobStore(contents, s.limits), index, s.limits, s.warnings));
  }
  const result = finish(s, 'tar', []);
  result.tar = { entries: contents.listing.length, compression: contents.compression };
  if (s.opts.files) result.tar.paths = mergeLayers([contents.listing]).paths;
  return result;
}

function finish(s: Session, format: ArchiveFormat, resolved: ResolvedImage[]): InspectResult {
  let verified = true;
  const images = resolved.map((r) => {
    const built = buildImage(r, s.opts.files === true);
    verified &&= built.verified;
    s.warnings.push(...built.problems);
    return built.image;
  });
  return { source: s.source, format, verified, images, warnings: s.warnings };
}
