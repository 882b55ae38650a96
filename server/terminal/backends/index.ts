// Picks a session backend by name (`stepwise serve --backend`).
import { join } from 'node:path';
import type { Backend, BackendName } from '../backend.ts';
import { dockerFromHost, dockerHostFromEnv } from '../docker-host.ts';
import { LocalBackend } from './local.ts';
import { DockerBackend } from './docker.ts';

export { BACKEND_NAMES, isBackendName } from '../backend.ts';

export interface CreateBackendOptions {
  /** stepwise's state folder; local session directories go in its `sessions/`. Default: $XDG_STATE_HOME/stepwise. */
  stateDir?: string;
  /** The Docker engine: exported to local shells, or where docker-backend containers run. null: none (local only). */
  dockerHost?: string | null;
  /** docker backend: labels this server's containers so list() never reaps another server's. */
  scope?: string;
}

export function createBackend(name: BackendName, opts: CreateBackendOptions = {}): Backend {
  switch (name) {
    case 'local':
      return new LocalBackend({
        ...(opts.stateDir ? { baseDir: join(opts.stateDir, 'sessions') } : {}),
        ...(opts.dockerHost !== undefined ? { dockerHost: opts.dockerHost } : {}),
      });
    case 'docker': {
      const host = opts.dockerHost ?? dockerHostFromEnv();
      return new DockerBackend({ docker: dockerFromHost(host), ...(opts.scope ? { scope: opts.scope } : {}) });
    }
  }
}
