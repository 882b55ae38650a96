// The session backends a system test runs against (issue 4, DoD 6: the terminal suite passes on `local` and on
// `docker`). `describeBackends(title, fn)` declares the suite once per backend; each gets a fresh backend whose
// leftovers (session folders, or containers) can be counted for leak tests and are removed afterwards.
//
// STEPWISE_TEST_BACKENDS=local (or docker, or local,docker) narrows the run; the default is both. The docker
// backend uses the harness's private engine (requireDockerHost): without it, its suite fails and says why.
import { after, before, describe } from 'node:test';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Backend, BackendName } from '../../server/terminal/backend.ts';
import { DockerBackend } from '../../server/terminal/backends/docker.ts';
import { LocalBackend } from '../../server/terminal/backends/local.ts';
import { MANAGED_LABEL, SCOPE_LABEL } from '../../server/terminal/backends/docker-container-spec.ts';
import { dockerFromHost } from '../../server/terminal/docker-host.ts';
import { requireDockerHost } from './env.ts';

export const ENV_TEST_BACKENDS = 'STEPWISE_TEST_BACKENDS';
const ALL_BACKENDS: readonly BackendName[] = ['local', 'docker'];

export interface BackendUnderTest {
  readonly name: BackendName;
  readonly backend: Backend;
  /** Environments still present: session folders (local) or labelled containers (docker). */
  leftovers(): Promise<number>;
  /** Removes whatever is left and any temp folders. */
  cleanup(): Promise<void>;
}

/** The backends this run covers, from STEPWISE_TEST_BACKENDS; an unknown name is an error, never a silent skip. */
export function backendsUnderTest(): BackendName[] {
  const raw = process.env[ENV_TEST_BACKENDS];
  if (raw === undefined || raw.trim() === '') return [...ALL_BACKENDS];
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of names) {
    if (!(ALL_BACKENDS as readonly string[]).includes(name)) {
      throw new Error(`${ENV_TEST_BACKENDS} names an unknown backend "${name}" (known: ${ALL_BACKENDS.join(', ')})`);
    }
  }
  return names as BackendName[];
}

let scopeCounter = 0;

export async function makeTestBackend(name: BackendName): Promise<BackendUnderTest> {
  if (name === 'local') {
    const baseDir = await mkdtemp(join(tmpdir(), 'stepwise-test-sessions-'));
    const backend = new LocalBackend({ baseDir, dockerHost: process.env.DOCKER_HOST ?? null });
    return {
      name,
      backend,
      leftovers: async () => (await readdir(baseDir)).length,
      cleanup: () => rm(baseDir, { recursive: true, force: true }),
    };
  }
  const docker = dockerFromHost(requireDockerHost());
  const scope = `test-${process.pid}-${Date.now()}-${++scopeCounter}`;
  const backend = new DockerBackend({ docker, scope });
  const containers = () => docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=1`, `${SCOPE_LABEL}=${scope}`] } });
  return {
    name,
    backend,
    leftovers: async () => (await containers()).length,
    cleanup: async () => {
      for (const c of await containers()) await removeContainer(docker, c.Id);
    },
  };
}

async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true });
  } catch (err) {
    if ((err as { statusCode?: unknown }).statusCode !== 404) throw err;
  }
}

/**
 * `describe(`${title} [${backend}]`)` for each backend under test. `get()` is valid inside tests and hooks; the
 * backend is made in a `before` hook (so a missing engine fails that suite with the reason) and cleaned up after.
 */
export function describeBackends(title: string, fn: (get: () => BackendUnderTest) => void): void {
  for (const name of backendsUnderTest()) {
    describe(`${title} [${name}]`, () => {
      let current: BackendUnderTest | undefined;
      before(async () => {
        current = await makeTestBackend(name);
      });
      after(async () => {
        await current?.cleanup();
      });
      fn(() => {
        if (!current) throw new Error(`the ${name} backend was not set up (see the failing before hook)`);
        return current;
      });
    });
  }
}
