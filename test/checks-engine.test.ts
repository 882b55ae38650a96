// image: docker://REF checks against the harness's private engine, reached through the backend's engine().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from '../server/environment/providers/local.ts';
import type { SessionEnv } from '../server/environment/backend.ts';
import { evaluateCheck, type CheckContext, type CheckOutcome } from '../server/checks/index.ts';
import { parseCheckList } from '../server/lesson/check-schema.ts';
import { requireDockerHost } from './harness/env.ts';
import { Environment } from '../server/environment/index.ts';

const IMAGE = `stepwise-checks-engine-${process.pid}`;
let scratch: string;
let backend: LocalBackend;
let env: SessionEnv;
let ctx: CheckContext;

function docker(args: string[], input?: Buffer): string {
  return execFileSync('docker', args, {
    env: { ...process.env, DOCKER_HOST: requireDockerHost() },
    input,
    encoding: 'utf8',
  });
}

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'stepwise-checks-engine-'));
  backend = new LocalBackend({ baseDir: join(scratch, 'sessions'), dockerHost: requireDockerHost() });
  env = await backend.create({
    sessionId: 'checks-engine',
    lessonId: 'engine',
    lessonDir: scratch,
    requires: ['docker'],
  });
  ctx = { environment: new Environment(backend, env), lessonDir: scratch };
  // A two-file image made from a tar stream, as the container-images lesson does.
  const tar = execFileSync('bash', [
    '-c',
    'd=$(mktemp -d) && mkdir -p "$d/etc" && echo KatacodaPrivateBuild > "$d/release" && ln -s ../release "$d/etc/release" && tar -C "$d" -c . && rm -rf "$d"',
  ]);
  docker(['import', '-', IMAGE], tar);
});

after(async () => {
  docker(['rmi', '-f', IMAGE]);
  await backend.destroy(env);
  await rm(scratch, { recursive: true, force: true });
});

async function check(yaml: string): Promise<CheckOutcome> {
  const { checks, problems } = parseCheckList(yaml, { file: 'test.md', line: 1 });
  assert.deepEqual(problems, []);
  return evaluateCheck(checks[0]!, ctx);
}

test("an imported image: layers, files and a file's contents (through a symlink), read from the engine's image export", async () => {
  const ok = await check(
    `- image: docker://${IMAGE}\n  format: docker-engine\n  layers: 1\n  files: 2\n  file: {path: /etc/release, contains: KatacodaPrivateBuild}\n`,
  );
  assert.equal(ok.passed, true, ok.seen);
  assert.equal(ok.inspectSource, `docker://${IMAGE}`);
  const wrong = await check(`- image: docker://${IMAGE}\n  file: {path: /release, contains: OtherBuild}\n`);
  assert.equal(
    wrong.seen,
    `/release in the image ${IMAGE} does not contain "OtherBuild"; it holds "KatacodaPrivateBuild"`,
  );
  const containers = docker(['ps', '-aq', '--filter', `ancestor=${IMAGE}`]).trim();
  assert.equal(containers, '', 'file contents come from the image export: no container is ever made from the image');
});

test('a missing image, and an environment without an engine, say so plainly', async () => {
  const missing = await check('- image: docker://no-such-image-here\n  layers: 1\n  hint: import it first\n');
  assert.deepEqual(
    [missing.passed, missing.seen, missing.hint],
    [false, 'the Docker engine has no image no-such-image-here', 'import it first'],
  );
  const bare = new LocalBackend({ baseDir: join(scratch, 'bare'), dockerHost: null });
  const bareEnv = await bare.create({ sessionId: 'no-engine', lessonId: 'engine', lessonDir: scratch, requires: [] });
  try {
    const none = await evaluateCheck(
      parseCheckList(`- image: docker://${IMAGE}\n`, { file: 't.md', line: 1 }).checks[0]!,
      { environment: new Environment(bare, bareEnv), lessonDir: scratch },
    );
    assert.deepEqual([none.passed, none.seen], [false, 'this environment has no Docker engine to look in']);
  } finally {
    await bare.destroy(bareEnv);
  }
});
