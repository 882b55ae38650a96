// `stepwise check` against the test harness's private Docker engine and registry mirror (DESIGN.md "Testing").
// The mirror holds a STAND-IN for redis:3.2.11-alpine (the real image cannot be pulled offline): a busybox
// rootfs with a /STAND-IN marker, tagged as redis. The container-images lesson only needs some image by that tag.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, REPO_ROOT, type CliResult } from './harness/cli.ts';
import { requireDockerHost, requireRegistry, SEEDED_IMAGES } from './harness/env.ts';
import { dockerFromHost } from '../server/environment/docker-host.ts';
import { outerEngineDir } from '../server/environment/learner-engine/outer-engine.ts';
import { findAll, lastLine, leftoverSessions, parseXml, scratchDir } from './check-command-lessons.ts';

const CONTAINER_IMAGES = join(REPO_ROOT, 'scenarios', 'container-images');
const TAR_BASICS = join(REPO_ROOT, 'scenarios', 'tar-basics');
/** A Docker lesson pulls, saves, imports and runs images on a vfs engine: give it room (ms). */
const DOCKER_LESSON_TIMEOUT_MS = 8 * 60_000;

let scratch: string;

before(async () => {
  scratch = await scratchDir('check-docker');
});

after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function check(args: string[]): Promise<CliResult> {
  return runCli(['check', ...args], {
    env: { DOCKER_HOST: requireDockerHost(), XDG_STATE_HOME: join(scratch, 'state') },
    timeoutMs: DOCKER_LESSON_TIMEOUT_MS,
  });
}

/** Every step passed, and every step's checks were shown to fail before it ran. */
function assertProven(r: CliResult, junitXml: string): number {
  assert.equal(r.code, 0, r.stderr);
  const steps = r.stderr.match(/^ {2}PASS step \d+/gm) ?? [];
  const befores = r.stderr.match(/checks before: all \d+ fail before the step, as they should/g) ?? [];
  assert.ok(steps.length >= 3, `the lesson ran its steps:\n${r.stderr}`);
  assert.equal(befores.length, steps.length, 'each step has checks, and all of them failed before the step');
  assert.equal(lastLine(r.stderr), `stepwise check: ${steps.length} passed, 0 failed, 0 vacuous`);
  const cases = findAll(parseXml(junitXml), 'testcase');
  assert.equal(cases.length, steps.length);
  for (const c of cases)
    assert.deepEqual(
      c.children.filter((e) => e.name !== 'system-out'),
      [],
      `${c.attributes.name} passed`,
    );
  return steps.length;
}

test('container-images passes end to end, twice in a row on the same engine (its setup makes the rerun honest)', async () => {
  requireRegistry(); // docker pull goes through the mirror, which holds the redis stand-in
  assert.equal(SEEDED_IMAGES.redis, 'redis:3.2.11-alpine', 'the lesson pulls the stand-in by the real tag');
  for (const round of [1, 2]) {
    const junit = join(scratch, `container-images-${round}.xml`);
    const r = await check(['--junit', junit, CONTAINER_IMAGES]);
    const steps = assertProven(r, await readFile(junit, 'utf8'));
    assert.equal(steps, 3, `round ${round}: the tutorial's three steps`);
    assert.match(
      r.stderr,
      /setup: docker rmi -f redis:3\.2\.11-alpine empty busybox/,
      `round ${round}: setup ran first`,
    );
  }
  assert.deepEqual(await leftoverSessions(join(scratch, 'state')), []);
});

test('--backend docker: tar-basics passes in a learner container', async () => {
  const junit = join(scratch, 'tar-basics-docker.xml');
  const r = await check(['--backend', 'docker', '--junit', junit, TAR_BASICS]);
  assertProven(r, await readFile(junit, 'utf8'));
  assert.match(r.stderr, /\(\d+ steps, docker backend\)/);
});

test("--backend docker: container-images passes against an engine of its own; the host engine's images are untouched", async () => {
  requireRegistry(); // the learner engine pulls through the host engine's mirror
  const host = dockerFromHost(requireDockerHost());
  const imagesBefore = (await host.listImages()).map((i) => i.Id).sort();
  const containersBefore = (await host.listContainers({ all: true })).map((c) => c.Id).sort();
  const junit = join(scratch, 'container-images-docker.xml');
  // A short state folder: the engines' containerd socket lives under it, and a socket path has at most 107 bytes.
  const state = await mkdtemp('/tmp/swc-');
  const r = await runCli(['check', '--backend', 'docker', '--junit', junit, CONTAINER_IMAGES], {
    env: { DOCKER_HOST: requireDockerHost(), XDG_STATE_HOME: state },
    timeoutMs: DOCKER_LESSON_TIMEOUT_MS,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(assertProven(r, await readFile(junit, 'utf8')), 3);
  assert.match(r.stderr, /\(\d+ steps, docker backend\)/);
  assert.match(r.stderr, /^stepwise check: .*userns/m, 'the isolation level is said');
  // The lesson's setup removes busybox and redis, and its steps pull and build: all of it in its own engine.
  assert.deepEqual((await host.listImages()).map((i) => i.Id).sort(), imagesBefore);
  assert.deepEqual(await leftoverSessions(state), []);
  // Its shell container, its engine and the engines' own dockerd are all gone once the command is.
  assert.deepEqual((await host.listContainers({ all: true })).map((c) => c.Id).sort(), containersBefore);
  // The engines' dockerd lived under /var/lib/stepwise (the state folder is a 0700 temp folder): its folder goes too.
  await rm(outerEngineDir(join(state, 'stepwise', 'learner-engines')), { recursive: true, force: true });
  await rm(state, { recursive: true, force: true });
});

test('--learner-engines takes safe or privileged; anything else is a usage error that names it', async () => {
  const r = await check(['--backend', 'docker', '--learner-engines', 'yolo', CONTAINER_IMAGES]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--learner-engines yolo: expected safe or privileged/);
});
