// The Docker engine the server (and so the local learner's shell and the checks) talks to: DOCKER_HOST or the
// default socket. One place parses it, so the shell's `docker` and dockerode always agree.
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { DEFAULT_DOCKER_SOCKET, dockerClient, isCoreError } from '../core/index.ts';
import { CodedError } from '../protocol/index.ts';

export const DEFAULT_DOCKER_HOST = `unix://${DEFAULT_DOCKER_SOCKET}`;

export class DockerHostError extends CodedError<'BAD_DOCKER_HOST'> {}

/** DOCKER_HOST as the docker CLI would read it. */
export function dockerHostFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST && env.DOCKER_HOST !== '' ? env.DOCKER_HOST : DEFAULT_DOCKER_HOST;
}

/** A dockerode client for `host` (unix://, tcp:// or http(s)://), with a typed error for anything else. */
export function dockerFromHost(host: string): Docker {
  try {
    return dockerClient(host); // the core's parser and connection policy: one place for both
  } catch (e: unknown) {
    if (isCoreError(e))
      throw new DockerHostError(
        'BAD_DOCKER_HOST',
        `unsupported DOCKER_HOST "${host}": use unix:///path/to/docker.sock or tcp://HOST:PORT`,
      );
    throw e;
  }
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
