// The Docker engine the server (and so the local learner's shell and the checks) talks to: DOCKER_HOST or the
// default socket. One place parses it, so the shell's `docker` and dockerode always agree.
import { existsSync } from 'node:fs';
import { Agent } from 'node:http';
import Docker from 'dockerode';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export class DockerHostError extends Error {
  override readonly name = 'DockerHostError';
  readonly code = 'BAD_DOCKER_HOST';
}

/** DOCKER_HOST as the docker CLI would read it. */
export function dockerHostFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST && env.DOCKER_HOST !== '' ? env.DOCKER_HOST : DEFAULT_DOCKER_HOST;
}

/**
 * Every engine client made here opens a connection per request and closes it when the answer ends. Node 20's
 * global agent (dockerode's default) keeps idle connections open for 5 s, up to 256 per engine, so a burst of
 * sessions left dozens of fds open for a while; reuse is not worth that: it saves about 1 ms per call (ping 0.5 ms
 * vs 1.5 ms on a loaded 2-core machine), against about 170 ms for an exec. Hijacked exec streams leave the agent
 * either way.
 */
const ENGINE_AGENT = new Agent({ keepAlive: false });

/** dockerode hands its options on to docker-modem, which takes an `agent`; @types/dockerode leaves that field out. */
type EngineClientOptions = Docker.DockerOptions & { agent: Agent };

function engineClient(options: EngineClientOptions): Docker {
  return new Docker(options);
}

/** A dockerode client for `host` (unix:// or tcp://; TLS is not supported here). */
export function dockerFromHost(host: string): Docker {
  if (host.startsWith('unix://')) return engineClient({ socketPath: host.slice('unix://'.length), agent: ENGINE_AGENT });
  const tcp = /^tcp:\/\/([^:/]+|\[[0-9a-fA-F:]+\]):(\d+)\/?$/.exec(host);
  if (tcp) return engineClient({ protocol: 'http', host: tcp[1]!.replace(/^\[|\]$/g, ''), port: Number(tcp[2]), agent: ENGINE_AGENT });
  throw new DockerHostError(`unsupported DOCKER_HOST "${host}": use unix:///path/to/docker.sock or tcp://HOST:PORT`);
}

/** Cheap, synchronous guess whether an engine could be there: a unix socket must exist; tcp is assumed. */
export function dockerHostPlausible(host: string): boolean {
  return host.startsWith('unix://') ? existsSync(host.slice('unix://'.length)) : host.startsWith('tcp://');
}

/** Asks the engine itself. Resolves to null when it answers, else a plain reason naming the host. */
export async function probeDockerHost(host: string, timeoutMs = 2000): Promise<string | null> {
  if (!dockerHostPlausible(host)) return `no Docker engine at ${host}`;
  try {
    const docker = dockerFromHost(host);
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref()),
    ]);
    return null;
  } catch (e: unknown) {
    return `the Docker engine at ${host} does not answer (${e instanceof Error ? e.message : String(e)})`;
  }
}
