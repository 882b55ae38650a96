// inspect(): what an archive, an OCI layout directory or an engine's image is. Every source is read in one
// streaming pass (a layout directory blob by blob), verifying digests as it goes. Wanted files (wantFiles) are
// captured in the same pass; only a wanted file that is a link to a path not asked for costs a second pass.
import { stat } from 'node:fs/promises';
import { resolveDockerArchive } from './archive/docker-archive.ts';
import type { ArchiveContents } from './archive/read-archive.ts';
import { readArchive } from './archive/read-archive.ts';
import { readArchiveFile } from './archive/read-archive-file.ts';
import { memberJson } from './archive/members.ts';
import type { ByteSource } from './compress/stream.ts';
import { DOCKER_SCHEME, dockerClient, dockerEngineSource, openEngineExport } from './engine.ts';
import { CoreError } from './errors.ts';
import { ByteBudget, type CaptureRequest } from './files/capture.ts';
import { wantedPath, type FileRequest } from './files/read-files.ts';
import { buildImage, type ResolvedImage } from './image/build-image.ts';
import { mergeLayers } from './image/merge.ts';
import { EntryBudget, resolveLimits, type Limits } from './limits.ts';
import type { ArchiveFormat, InspectOptions, InspectResult, ReadPath } from './model.ts';
import { ArchiveBlobStore } from './oci/archive-store.ts';
import { DirBlobStore } from './oci/dir-store.ts';
import { resolveOciIndex } from './oci/resolve.ts';
import { sharedLayerScanPool, type LayerScanPool } from './scan-worker/pool.ts';

/** Reads of one source for wantFiles: the first finds where links lead (every entry is known by then), the
 *  second captures their targets. A third would only chase a source that changed between reads. */
export const MAX_READ_PASSES = 2;

/** Opens a fresh stream of the same archive, so inspectStream can read it twice when wanted files are links. */
export type ByteSourceOpener = () => Promise<ByteSource>;

interface Session {
  source: string;
  limits: Limits;
  budget: EntryBudget;
  warnings: string[];
  opts: InspectOptions;
  capture: CaptureRequest | null;
  fileRequest: FileRequest | null;
  needs: Set<string>; // link targets the wanted files lead to that this read did not capture
  read: ReadPath; // set by the read, reported in the result
  pool: LayerScanPool; // layer scans on worker threads, for sources with a second reader: the process's one pool
}

const STREAM_READ: ReadPath = Object.freeze({
  mode: 'single-pass',
  concurrency: 1,
  reason: 'a stream can be read only once',
});
const ENGINE_READ: ReadPath = Object.freeze({
  mode: 'single-pass',
  concurrency: 1,
  reason: "the engine's export is a stream, read only once",
});

export async function inspect(source: string, opts: InspectOptions = {}): Promise<InspectResult> {
  return readUntilAnswered(source, opts, true, (s) => inspectOnce(source, s));
}

/**
 * Inspects an archive from a stream (e.g. a file read through a session backend). `label` names it. Given an
 * opener instead of a stream, it may open the archive twice: once more when a wanted file is a link.
 */
export async function inspectStream(
  stream: ByteSource | ByteSourceOpener,
  label: string,
  opts: InspectOptions = {},
): Promise<InspectResult> {
  const read = async (s: Session, bytes: ByteSource): Promise<InspectResult> =>
    fromContents(s, await readArchive(bytes, readOptions(s)));
  if (typeof stream === 'function') return readUntilAnswered(label, opts, true, async (s) => read(s, await stream()));
  return readUntilAnswered(label, opts, false, (s) => read(s, stream)); // one read: a stream cannot be rewound
}

/** Reads until every wanted file is answered or no further read can help. Without wantFiles: one read. */
async function readUntilAnswered(
  label: string,
  opts: InspectOptions,
  repeatable: boolean,
  once: (s: Session) => Promise<InspectResult>,
): Promise<InspectResult> {
  const asked = [...new Set((opts.wantFiles ?? []).map(wantedPath))];
  let wanted = new Set(asked);
  for (let pass = 0; ; pass++) {
    const s = session(label, opts, asked, wanted);
    const result = await once(s);
    const more = [...s.needs].filter((key) => !wanted.has(key));
    if (more.length === 0 || !repeatable || pass + 1 >= MAX_READ_PASSES) return result;
    wanted = new Set([...wanted, ...more]);
  }
}

async function inspectOnce(source: string, s: Session): Promise<InspectResult> {
  const opts = s.opts;
  if (source.startsWith(DOCKER_SCHEME)) {
    const ref = source.slice(DOCKER_SCHEME.length);
    const engine = opts.engine ?? dockerEngineSource(dockerClient());
    s.read = ENGINE_READ;
    const contents = await readArchive(await openEngineExport(engine, ref), readOptions(s));
    if (!contents.members.has('manifest.json')) {
      throw new CoreError('MANIFEST_INVALID', `the engine's export of ${ref} has no manifest.json`);
    }
    return finish(s, 'docker-engine', await resolveDockerArchive(contents, s.limits, s.warnings));
  }
  const info = await stat(source).catch((e: unknown) => {
    const why =
      e instanceof Error && 'code' in e && e.code === 'ENOENT'
        ? 'no such file or directory'
        : e instanceof Error
          ? e.message
          : String(e);
    throw new CoreError('SOURCE_NOT_FOUND', `${source}: ${why}`);
  });
  if (info.isDirectory()) {
    const store = await DirBlobStore.open(source, source, s.limits, s.budget, s.pool, {
      signal: opts.signal,
      capture: s.capture,
    });
    s.read = {
      mode: 'parallel',
      concurrency: s.pool.size,
      reason: 'a layout directory holds each layer as its own file: layers are scanned on worker threads',
    };
    const index = await store.readJson('index.json', 'index.json').catch((e: unknown) => {
      throw e instanceof CoreError && e.code === 'MEMBER_MISSING'
        ? new CoreError('NOT_AN_ARCHIVE', `${source} is a directory without index.json, not an OCI layout`)
        : e;
    });
    return finish(s, 'oci-layout', await resolveOciIndex(store, index, s.limits, s.warnings));
  }
  const { contents, read } = await readArchiveFile(source, readOptions(s), s.pool);
  s.read = read;
  return fromContents(s, contents);
}

function session(source: string, opts: InspectOptions, asked: readonly string[], wanted: ReadonlySet<string>): Session {
  const limits = resolveLimits(opts.limits);
  const files = asked.length > 0;
  return {
    source,
    limits,
    budget: new EntryBudget(limits.maxEntries),
    warnings: [],
    opts,
    capture: files
      ? { wanted, maxFileBytes: limits.maxFileContentBytes, budget: new ByteBudget(limits.maxCapturedBytes) }
      : null,
    fileRequest: files
      ? { asked, wanted, maxSymlinkHops: limits.maxSymlinkHops, maxCapturedBytes: limits.maxCapturedBytes }
      : null,
    needs: new Set(),
    read: STREAM_READ,
    pool: sharedLayerScanPool(),
  };
}

function readOptions(s: Session): Parameters<typeof readArchive>[1] {
  return {
    label: s.source,
    limits: s.limits,
    budget: s.budget,
    ...(s.opts.signal ? { signal: s.opts.signal } : {}),
    ...(s.capture ? { capture: s.capture } : {}),
  };
}

async function fromContents(s: Session, contents: ArchiveContents): Promise<InspectResult> {
  if (contents.members.has('manifest.json')) {
    return finish(s, 'docker-archive', await resolveDockerArchive(contents, s.limits, s.warnings));
  }
  if (contents.members.has('index.json')) {
    const index = memberJson(contents, 'index.json', s.limits, 'index.json');
    return finish(
      s,
      'oci-archive',
      await resolveOciIndex(new ArchiveBlobStore(contents, s.limits), index, s.limits, s.warnings),
    );
  }
  const result = finish(s, 'tar', []);
  result.tar = { entries: contents.listing.length, compression: contents.compression };
  if (s.opts.files) result.tar.paths = mergeLayers([contents.listing]).paths;
  return result;
}

function finish(s: Session, format: ArchiveFormat, resolved: ResolvedImage[]): InspectResult {
  let verified = true;
  const images = resolved.map((r) => {
    const built = buildImage(r, s.opts.files === true, s.fileRequest);
    for (const key of built.needs) s.needs.add(key);
    verified &&= built.verified;
    s.warnings.push(...built.problems);
    return built.image;
  });
  return { source: s.source, format, verified, read: s.read, images, warnings: s.warnings };
}
