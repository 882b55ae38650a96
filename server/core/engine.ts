// docker://REF: the image streamed from the engine's image export (GET /images/{name}/get), read in one pass
// like any docker-archive. Nothing is written to disk.
import Dockerode from 'dockerode';
import { CoreError, isCoreError } from './errors.ts';
import type { EngineLike } from './model.ts';

export const DOCKER_SCHEME = 'docker://';

/** The slice of an engine the core needs, from a dockerode client. */
export function dockerEngineSource(docker: Dockerode): EngineLike {
  return {
    exportImage: (ref: string) => docker.getImage(ref).get(),
  };
}

/** A dockerode client for "unix:///path", "tcp://host:port" or "http(s)://host:port"; DOCKER_HOST when omitted. */
export function dockerClient(host?: string): Dockerode {
  if (!host) return new Dockerode();
  if (host.startsWith('unix://')) return new Dockerode({ socketPath: host.slice('unix://'.length) });
  const url = URL.canParse(host) ? new URL(host) : null;
  if (!url || !['tcp:', 'http:', 'https:'].includes(url.protocol) || !url.hostname) {
    throw new CoreError('ENGINE_ERROR', `docker host "${host}" is not unix:///path or tcp://host:port`);
  }
  return new Dockerode({
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? '2376' : '2375'),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
  });
}

/** Opens the export stream of `ref`; a missing image is SOURCE_NOT_FOUND, anything else ENGINE_ERROR. */
export async function openEngineExport(engine: EngineLike, ref: string): Promise<AsyncIterable<Uint8Array>> {
  if (!ref) throw new CoreError('SOURCE_NOT_FOUND', 'docker:// needs an image reference, e.g. docker://busybox:latest');
  let stream: NodeJS.ReadableStream;
  try {
    stream = await engine.exportImage(ref);
  } catch (e: unknown) {
    throw engineError(e, ref);
  }
  return translateStreamErrors(stream as NodeJS.ReadableStream & AsyncIterable<Uint8Array>, ref);
}

async function* translateStreamErrors(stream: AsyncIterable<Uint8Array>, ref: string): AsyncIterable<Uint8Array> {
  try {
    yield* stream;
  } catch (e: unknown) {
    throw engineError(e, ref);
  }
}

function engineError(e: unknown, ref: string): CoreError {
  if (isCoreError(e)) return e;
  const status = typeof e === 'object' && e !== null && 'statusCode' in e ? (e as { statusCode: unknown }).statusCode : undefined;
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (status === 404) return new CoreError('SOURCE_NOT_FOUND', `no image "${ref}" in the Docker engine`);
  return new CoreError('ENGINE_ERROR', `exporting "${ref}" from the Docker engine failed: ${message}`);
}
