// `stepwise check` against the test harness's private Docker engine and registry mirror (DESIGN.md "Testing").
// The mirror holds a STAND-IN for redis:3.2.11-alpine (the real image cannot be pulled offline): a busybox
// rootfs with a /STAND-IN marker, tagged as redis. The container-images lesson only needs some image by that tag.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, REPO_ROOT, type CliResult } from './harness/cli.ts';
import { requireDockerHost, requireRegistry, SEEDED_IMAGES } from './harness/env.ts';
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

test('--backend docker: container-images is refused with exit 2 and the reason', async () => {
  const r = await check(['--backend', 'docker', CONTAINER_IMAGES]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /container-images requires docker: the docker backend cannot run lessons that require Docker: an engine inside a container needs privileges; use --backend local/,
  );
  assert.doesNotMatch(r.stderr, /step 1/, 'nothing ran');
});
