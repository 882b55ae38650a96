// Which session backend the terminal and http suites run on. Default `local`; with STEPWISE_TEST_BACKEND=docker the
// same suites run on the docker backend against the wrapper's private engine. `npm test` runs both: each file in
// test/docker-suite/ sets the variable and imports one suite. Tests that cannot apply to docker skip with a reason.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Backend, SessionEnv } from '../../server/environment/backend.ts';
import {
  createProvider,
  hostFacts,
  isBackendName,
  providerOf,
  type BackendName,
  type Provider,
} from '../../server/environment/index.ts';
import { LocalBackend } from '../../server/environment/providers/local.ts';
import { DockerBackend } from '../../server/environment/providers/docker.ts';
import { SESSION_LABEL } from '../../server/environment/providers/docker-container-spec.ts';
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
  return createTestProvider(stateDir, scope).driver;
}

/** The same, as the provider the server and the check runner use. `dockerHost` is the engine local shells
 *  and the requirement checks see (null: none). */
export function createTestProvider(
  stateDir: string,
  scope: string,
  dockerHost: string | null = process.env[ENV_DOCKER_HOST] ?? null,
): Provider {
  if (testBackendName() === 'docker') {
    return createProvider('docker', { dockerHost: requireDockerHost(), scope });
  }
  return providerOf(new LocalBackend({ baseDir: join(stateDir, 'sessions'), dockerHost }), hostFacts(dockerHost));
}

const ContainerListSchema = z.array(
  z.object({ Id: z.string(), Labels: z.record(z.string(), z.string()).nullable().optional() }),
);

/**
 * The containers of the given sessions that still exist, described, on the docker backend; none elsewhere. A session's
 * container is labelled with its environment id, which is the session id or `${sessionId}-${generation}`.
 */
export async function leftoverContainers(backend: Backend, sessionIds: Set<string>): Promise<string[]> {
  if (!(backend instanceof DockerBackend)) return [];
  const raw: unknown = await backend.docker.listContainers({ all: true, filters: { label: [SESSION_LABEL] } });
  const left: string[] = [];
  for (const c of ContainerListSchema.parse(raw)) {
    const envId = c.Labels?.[SESSION_LABEL] ?? '';
    if ([...sessionIds].some((id) => envId === id || envId.startsWith(`${id}-`)))
      left.push(`container ${c.Id.slice(0, 12)} of ${envId}`);
  }
  return left;
}

export interface TestEnvironment {
  dir: string; // a temp folder for the test's own files
  backend: Backend;
  env: SessionEnv;
  close(): Promise<void>;
}

/** A backend and one environment in it, for tests of the backend and shell layers below sessions. */
export async function openTestEnvironment(name: string): Promise<TestEnvironment> {
  const dir = await mkdtemp(join(tmpdir(), `stepwise-${name}-`));
  const backend = createTestBackend(dir, `${name}-test-${process.pid}`);
  const env = await backend.create({ sessionId: `${name}${process.pid}`, lessonId: 'x', lessonDir: dir, requires: [] });
  return {
    dir,
    backend,
    env,
    close: async () => {
      await backend.destroy(env);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
