// `npm run test:unit`: the unit tests that sit beside the code (server/, client/), in seconds, with no
// provisioning: no root, no apt, no Docker engine, no registry, no pty, no browser. `npm run test:unit -- FILE...`
// runs only those files. A test that needs any of those is a system test and belongs in test/ (`npm test`).
//
// The files run in this one process, each as a suite named by its path: starting tsx once instead of once per
// file is what makes the loop fast (about 4 s of CPU instead of 24). Unit tests are pure, so sharing a process
// is safe; a file that throws while loading fails the run.
import { describe } from 'node:test';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './harness/cli.ts';
import { ENV_DOCKER_HOST, ENV_REGISTRY } from './harness/env.ts';
import { findTests, UNIT_TEST_ROOTS } from './harness/find-tests.ts';

const requested = process.argv.slice(2);
const files = requested.length > 0 ? requested : findTests(UNIT_TEST_ROOTS);
if (files.length === 0) throw new Error('test:unit: no unit test files found under server/ or client/');

// A unit test may not reach for an engine: drop any address the caller's environment carries.
for (const name of [ENV_DOCKER_HOST, ENV_REGISTRY, 'DOCKER_HOST']) delete process.env[name];

for (const file of files) {
  describe(file, async () => {
    await import(pathToFileURL(resolve(REPO_ROOT, file)).href);
  });
}
