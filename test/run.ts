// `npm test`: provisions once (Debian packages, a local registry, a private dockerd using it as a mirror, seeded
// images), exports their addresses to every test file, runs every suite with node's test runner, then tears
// everything down. `npm test -- FILE...` runs only those files. bench/ is never run here.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureHostPackages } from './harness/provision/packages.ts';
import { startRegistry, type Registry } from './harness/provision/registry.ts';
import { startDockerd, type Engine } from './harness/provision/dockerd.ts';
import { seedImages } from './harness/provision/seed-images.ts';
import { ENV_DOCKER_HOST, ENV_PROVISION_ERROR, ENV_REGISTRY } from './harness/env.ts';
import { ALL_TEST_ROOTS, findTests } from './harness/find-tests.ts';
import { REPO_ROOT } from './harness/cli.ts';

function log(line: string): void {
  process.stderr.write(`[npm test] ${line}\n`);
}

interface Provisioned {
  registry?: Registry;
  engine?: Engine;
  dir: string;
}

async function provision(p: Provisioned, env: NodeJS.ProcessEnv): Promise<void> {
  const started = Date.now();
  ensureHostPackages(log);
  p.registry = await startRegistry(join(p.dir, 'registry'));
  log(`registry on ${p.registry.address}`);
  p.engine = await startDockerd(join(p.dir, 'engine'), p.registry.address);
  log(`dockerd on ${p.engine.host}`);
  seedImages(p.engine, p.registry.address);
  log(`seeded busybox:latest and a redis:3.2.11-alpine stand-in into the mirror (${Date.now() - started} ms)`);
  env[ENV_DOCKER_HOST] = p.engine.host;
  env[ENV_REGISTRY] = p.registry.address;
  // Anything that reaches for "the" engine in a test gets the private one, never the host's.
  env.DOCKER_HOST = p.engine.host;
}

async function teardown(p: Provisioned): Promise<void> {
  await p.engine?.daemon.stop();
  await p.registry?.daemon.stop();
  rmSync(p.dir, { recursive: true, force: true });
}

function runTests(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', '--test', '--test-reporter=spec', ...files];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const files = requested.length > 0 ? requested : findTests(ALL_TEST_ROOTS);
  if (files.length === 0) {
    log('no test files found');
    return 1;
  }
  const p: Provisioned = { dir: mkdtempSync(join(tmpdir(), 'stepwise-test-')) };
  const env: NodeJS.ProcessEnv = { ...process.env };
  let provisionFailed = false;
  try {
    await provision(p, env);
  } catch (e: unknown) {
    provisionFailed = true;
    const reason = e instanceof Error ? e.message : String(e);
    // The suites still run: tests that need the engine fail with this reason; the run fails either way.
    log(`PROVISIONING FAILED: ${reason}`);
    env[ENV_PROVISION_ERROR] = reason;
    delete env[ENV_DOCKER_HOST];
    delete env[ENV_REGISTRY];
  }
  let code: number;
  try {
    code = await runTests(files, env);
  } finally {
    await teardown(p);
  }
  if (provisionFailed) {
    log(`failing the run: provisioning failed (${env[ENV_PROVISION_ERROR]})`);
    return 1;
  }
  return code;
}

process.exitCode = await main();
