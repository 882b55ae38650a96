// docker://REF: the image streamed from the engine's image export (GET /images/{name}/get), read in one pass
// like any docker-archive. Nothing is written to disk.
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import type Dockerode from 'dockerode';
import { CoreError, isCoreError } from './errors.ts';
import type { EngineLike } from './model.ts';

export const DOCKER_SCHEME = 'docker://';

/** The slice of an engine the core needs, from a dockerode client. */
export function dockerEngineSource(docker: Dockerode): EngineLike {
  return {
    exportImage: (ref: string) => docker.getImage(ref).get(),
  };
}

/**
 * Engine clients open one connection per request and close it when the answer ends. Node's default agent keeps
 * idle connections for 5 s, up to 256 per engine, so a burst of sessions left dozens of fds open; reuse saves
 * about 1 ms per call, against about 170 ms for an exec. Hijacked exec streams leave the agent either way.
 */
const ENGINE_AGENT = new Agent({ keepAlive: false });

/** dockerode hands its options on to docker-modem, which takes an `agent`; @types/dockerode leaves that field out. */
type EngineClientOptions = Dockerode.DockerOptions & { agent: Agent };

/**
 * dockerode is loaded on the first engine client, not when this module loads: with docker-modem it brings ssh2,
 * grpc-js and protobufjs (about 20 MB of a server's RSS), which a server whose lessons never reach an engine, and
 * an inspect of a file, never need. require() keeps dockerClient() synchronous; dockerode is CommonJS.
 */
let DockerodeClass: typeof Dockerode | null = null;

/**
 * HAZARD: dockerode is a dev dependency, bundled into dist/ (an install has no node_modules/dockerode). esbuild
 * bundles the plain `require('dockerode')` below (evaluated on first call); a createRequire() call it cannot see
 * would look in node_modules at run time and fail in an installed package. From source (tsx, ES modules) there is
 * no `require`, and the dev dependency is there.
 */
function loadDockerode(): typeof Dockerode {
  return (
    typeof require === 'function'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- esbuild bundles only a plain require() (HAZARD above)
        require('dockerode')
      : createRequire(import.meta.url)('dockerode')
  ) as typeof Dockerode;
}

function engineClient(options: EngineClientOptions): Dockerode {
  DockerodeClass ??= loadDockerode();
  return new DockerodeClass(options);
}

/** The engine's socket when DOCKER_HOST is not set, as the docker CLI assumes it. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * A dockerode client for "unix:///path", "tcp://host:port" or "http(s)://host:port"; DOCKER_HOST when omitted.
 * The one parser of engine addresses: server/environment/docker-host.ts builds on it.
 */
export function dockerClient(host: string | undefined = process.env.DOCKER_HOST || undefined): Dockerode {
  if (!host) return engineClient({ socketPath: DEFAULT_DOCKER_SOCKET, agent: ENGINE_AGENT });
  if (host.startsWith('unix://'))
    return engineClient({ socketPath: host.slice('unix://'.length), agent: ENGINE_AGENT });
  const url = URL.canParse(host) ? new URL(host) : null;
  if (!url || !['tcp:', 'http:', 'https:'].includes(url.protocol) || !url.hostname) {
    throw new CoreError('ENGINE_ERROR', `docker host "${host}" is not unix:///path or tcp://host:port`);
  }
  return engineClient({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || (url.protocol === 'https:' ? '2376' : '2375'),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    agent: ENGINE_AGENT,
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
  const status =
    typeof e === 'object' && e !== null && 'statusCode' in e ? (e as { statusCode: unknown }).statusCode : undefined;
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (status === 404) return new CoreError('SOURCE_NOT_FOUND', `no image "${ref}" in the Docker engine`);
  return new CoreError('ENGINE_ERROR', `exporting "${ref}" from the Docker engine failed: ${message}`);
}
