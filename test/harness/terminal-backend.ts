// Which session backend the terminal and http suites run on. Default `local`; set STEPWISE_TEST_BACKEND=docker
// to run the same suites on the docker backend against the wrapper's private engine (`npm test -- FILES`).
import { join } from 'node:path';
import type { Backend, BackendName } from '../../server/terminal/backend.ts';
import { createBackend, isBackendName } from '../../server/terminal/backends/index.ts';
import { LocalBackend } from '../../server/terminal/backends/local.ts';
import { ENV_DOCKER_HOST, requireDockerHost } from './env.ts';

export const ENV_TEST_BACKEND = 'STEPWISE_TEST_BACKEND';

export function testBackendName(): BackendName {
  const name = process.env[ENV_TEST_BACKEND] ?? 'local';
  if (!isBackendName(name)) throw new Error(`${ENV_TEST_BACKEND}=${name} is not a backend (local or docker)`);
  return name;
}

/** Sessions opened and destroyed by the leak test: containers are far heavier than local shells. */
export function leakTestSessions(): number {
  return testBackendName() === 'docker' ? 20 : 200;
}

/**
 * A backend for one test file. Local sessions live under `stateDir`; a local shell sees the wrapper's private
 * engine when there is one, and never the host's. Docker containers carry a per-file scope label, so list()
 * and reaping in one file never touch another file's containers.
 */
export function createTestBackend(stateDir: string, scope: string): Backend {
  if (testBackendName() === 'docker') {
    return createBackend('docker', { dockerHost: requireDockerHost(), scope });
  }
  return new LocalBackend({ baseDir: join(stateDir, 'sessions'), dockerHost: process.env[ENV_DOCKER_HOST] ?? null });
}
