// Makes a provider by name (`stepwise serve --backend`, `stepwise check --backend`).
import { join } from 'node:path';
import type { Backend } from '../backend.ts';
import type { BackendName } from '../names.ts';
import { DEFAULT_DOCKER_HOST, dockerFromHost, dockerHostFromEnv } from '../docker-host.ts';
import { Provider } from '../provider.ts';
import { Requirements, type HostFacts } from '../requirements.ts';
import { LocalBackend } from './local.ts';
import { DockerBackend } from './docker.ts';

export interface CreateProviderOptions {
  /** stepwise's state folder; local session directories go in its `sessions/`. Default: $XDG_STATE_HOME/stepwise. */
  stateDir?: string;
  /** The Docker engine: exported to local shells, or where docker-provider containers run. null: none (local
   *  only). Default: DOCKER_HOST, or the default socket. */
  dockerHost?: string | null;
  /** docker provider: labels this server's containers so list() never reaps another server's. */
  scope?: string;
  /** Where DOCKER_HOST and PATH are read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Where the engine address comes from, for requirement wording. */
export function hostFacts(dockerHost: string | null | undefined, env: NodeJS.ProcessEnv = process.env): HostFacts {
  const path = env.PATH ?? '';
  if (dockerHost !== undefined) return { dockerHost, dockerHostSource: 'option', path };
  const fromEnv = dockerHostFromEnv(env);
  return {
    dockerHost: fromEnv,
    dockerHostSource: fromEnv === DEFAULT_DOCKER_HOST && !env.DOCKER_HOST ? 'default' : 'env',
    path,
  };
}

/** A provider over an existing driver (tests make their own drivers). */
export function providerOf(driver: Backend, facts: HostFacts): Provider {
  const refusal = driver instanceof DockerBackend ? () => driver.dockerLessonRefusal() : undefined;
  return new Provider(driver, new Requirements(driver.name, facts, refusal));
}

export function createProvider(name: BackendName, opts: CreateProviderOptions = {}): Provider {
  const facts = hostFacts(opts.dockerHost, opts.env);
  switch (name) {
    case 'local':
      return providerOf(
        new LocalBackend({
          ...(opts.stateDir ? { baseDir: join(opts.stateDir, 'sessions') } : {}),
          dockerHost: facts.dockerHost,
        }),
        facts,
      );
    case 'docker': {
      const host = facts.dockerHost ?? DEFAULT_DOCKER_HOST;
      return providerOf(
        new DockerBackend({ docker: dockerFromHost(host), ...(opts.scope ? { scope: opts.scope } : {}) }),
        { ...facts, dockerHost: host },
      );
    }
  }
}
