// Each check kind against a real local environment (LocalBackend: a real folder, real bash, real tar), with
// passing and failing cases, plain-language results, and hostile inputs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from '../server/environment/providers/local.ts';
import type { SessionEnv } from '../server/environment/backend.ts';
import { evaluateCheck, runStepChecks, type CheckContext, type CheckOutcome } from '../server/checks/index.ts';
import { parseCheckList } from '../server/lesson/check-schema.ts';
import type { CheckSpec, Step } from '../server/lesson/model.ts';
import { IMAGE_FIXTURES } from './harness/fixtures.ts';
import { processesWith } from './check-command-lessons.ts';
import { Environment } from '../server/environment/index.ts';

const FIXTURES = IMAGE_FIXTURES;

let scratch: string;
let backend: LocalBackend;
let env: SessionEnv;
let ctx: CheckContext;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'stepwise-checks-test-'));
  await mkdir(join(scratch, 'lesson'));
  backend = new LocalBackend({ baseDir: join(scratch, 'sessions'), dockerHost: null });
  env = await backend.create({
    sessionId: 'checks-eval',
    lessonId: 'checks',
    lessonDir: join(scratch, 'lesson'),
    requires: [],
  });
  ctx = { environment: new Environment(backend, env), lessonDir: join(scratch, 'lesson') };
});

after(async () => {
  await backend.destroy(env);
  await rm(scratch, { recursive: true, force: true });
});

function spec(yaml: string): CheckSpec {
  const { checks, problems } = parseCheckList(yaml, { file: 'test.md', line: 1 });
  assert.deepEqual(problems, [], `the test's check YAML is valid: ${JSON.stringify(problems)}`);
  assert.equal(checks.length, 1);
  return checks[0] as CheckSpec;
}

async function check(yaml: string, context: CheckContext = ctx): Promise<CheckOutcome> {
  return evaluateCheck(spec(yaml), context);
}

async function sh(script: string): Promise<void> {
  const r = await backend.exec(env, ['bash', '-c', script], { timeoutMs: 20_000 });
  assert.equal(r.exitCode, 0, `setup script failed: ${r.stderr}`);
}

test('file: exists and contains pass; a wrong content says what it holds, with the hint', async () => {
  await sh('mkdir -p busybox && echo KatacodaPrivateBuild > busybox/release');
  const ok = await check('- file: busybox/release\n  contains: KatacodaPrivateBuild\n');
  assert.equal(ok.passed, true, ok.seen);
  const bad = await check('- file: busybox/release\n  contains: OtherBuild\n  hint: Write the text with echo.\n');
  assert.equal(bad.passed, false);
  assert.equal(bad.expected, 'busybox/release exists and contains "OtherBuild"');
  assert.equal(bad.seen, 'busybox/release does not contain "OtherBuild"; it holds "KatacodaPrivateBuild"');
  assert.equal(bad.hint, 'Write the text with echo.');
});

test('file: a missing file, absent, mode, type and a regular expression', async () => {
  const missing = await check('- file: nothing-here.txt\n');
  assert.deepEqual([missing.passed, missing.seen], [false, 'nothing-here.txt does not exist']);
  assert.equal((await check('- file: nothing-here.txt\n  absent: true\n')).passed, true);
  await sh('printf "port 6379\\n" > conf && chmod 0640 conf && mkdir -p d && ln -sf conf link');
  assert.equal((await check('- file: conf\n  mode: "0640"\n  type: file\n  matches: "^port [0-9]+$"\n')).passed, true);
  const mode = await check('- file: conf\n  mode: "0644"\n');
  assert.deepEqual([mode.passed, mode.seen], [false, 'conf has mode 0640']);
  const dir = await check('- file: d\n  type: file\n');
  assert.deepEqual([dir.passed, dir.seen], [false, 'd is a directory']);
  assert.equal((await check('- file: link\n  type: symlink\n')).passed, true);
  assert.equal(
    (await check('- file: link\n  contains: "port 6379"\n')).passed,
    true,
    'content checks follow a symlink',
  );
});

test('file: a glob passes if any match fits, and says which; odd names are listed safely', async () => {
  await sh(
    'mkdir -p layers/aaa layers/bbb && echo one > layers/aaa/layer.txt && echo two > layers/bbb/layer.txt && touch "layers/new\nline.txt"',
  );
  const any = await check('- file: "layers/*/layer.txt"\n  contains: two\n');
  assert.equal(any.passed, true);
  assert.match(any.seen, /layers\/bbb\/layer\.txt matches layers\/\*\/layer\.txt/);
  const none = await check('- file: "layers/*/layer.txt"\n  contains: three\n');
  assert.equal(none.passed, false);
  assert.match(none.seen, /2 paths match layers\/\*\/layer\.txt/);
  assert.equal((await check('- file: "layers/*.txt"\n')).passed, true, 'a name with a newline still matches');
  const nothing = await check('- file: "nowhere/**/x"\n');
  assert.deepEqual([nothing.passed, nothing.seen], [false, 'nothing matches nowhere/**/x']);
});

test('tar: entries, count and compression, streamed from the environment', async () => {
  await sh(
    'mkdir -p notes && echo a > notes/a.txt && echo b > notes/b.txt && tar -czf notes.tar.gz notes && tar -cf plain.tar notes/a.txt',
  );
  const ok = await check(
    '- tar: notes.tar.gz\n  has: [notes/a.txt, "./notes/b.txt", notes]\n  count: 3\n  compressed: gzip\n',
  );
  assert.equal(ok.passed, true, ok.seen);
  const bad = await check('- tar: plain.tar\n  has: [notes/b.txt]\n  compressed: true\n');
  assert.equal(bad.passed, false);
  assert.equal(bad.seen, 'plain.tar does not hold "notes/b.txt"; it holds notes/a.txt; plain.tar is not compressed');
  const notTar = await check('- tar: notes/a.txt\n');
  assert.deepEqual([notTar.passed, notTar.seen], [false, 'notes/a.txt is not a tar archive']);
  assert.equal((await check('- tar: "*.tar.gz"\n  has: ["notes/*.txt"]\n')).passed, true);
});

test('image: a docker-save archive is read through the backend, with tags, layers, files and verification', async () => {
  await cp(join(FIXTURES, '12-docker-legacy-whiteout-empty-layer.tar'), join(env.workdir, 'img.tar'));
  await cp(join(FIXTURES, '13-NEGATIVE-docker-legacy-diffid-mismatch.tar'), join(env.workdir, 'nginx.tar'));
  const ok = await check(
    '- image: img.tar\n  format: docker-archive\n  tags: [bazel/pkg/v1/mutate:whiteout_image]\n  layers: 3\n  files: {min: 1}\n  file: {path: /bar.txt}\n  verified: true\n',
  );
  assert.equal(ok.passed, true, ok.seen);
  assert.equal(ok.inspectSource, 'img.tar');
  const tags = await check('- image: img.tar\n  tags: [redis:3.2.11-alpine]\n  layers: {max: 2}\n');
  assert.equal(tags.passed, false);
  assert.equal(tags.seen, 'img.tar is tagged bazel/pkg/v1/mutate:whiteout_image; img.tar has 3 layers');
  const tampered = await check('- image: nginx.tar\n  verified: true\n');
  assert.deepEqual(
    [tampered.passed, tampered.seen],
    [false, 'nginx.tar has a layer or config whose digest does not match'],
  );
});

test('image: a plain tar or a text file is not an image archive, in plain words', async () => {
  await sh('echo hello > hello.txt && tar -cf redis.tar hello.txt');
  const plain = await check(
    '- image: redis.tar\n  format: docker-archive\n  hint: run docker save redis:3.2.11-alpine > redis.tar\n',
  );
  assert.equal(plain.passed, false);
  assert.equal(plain.seen, 'redis.tar is not an image archive: no manifest.json or index.json inside');
  assert.equal(plain.hint, 'run docker save redis:3.2.11-alpine > redis.tar');
  const text = await check('- image: hello.txt\n');
  assert.deepEqual([text.passed, text.seen], [false, 'hello.txt is not an image archive: it is not a tar file at all']);
});

test('image: an OCI layout folder is copied out safely; a symlink planted in it never reaches the host', async () => {
  await cp(join(FIXTURES, '14-oci-layout-dir-ggcr-test_index'), join(env.workdir, 'layout'), { recursive: true });
  const ok = await check('- image: layout\n  format: oci-layout\n  tags: ["2"]\n  file: {path: /baz}\n');
  assert.equal(ok.passed, true, ok.seen);
  // A layout whose blob is a symlink to a host file: the copy leaves the link out, so the blob is missing.
  await cp(join(FIXTURES, '14-oci-layout-dir-ggcr-test_index'), join(env.workdir, 'evil'), { recursive: true });
  await sh('cd evil/blobs/sha256 && f=$(ls | head -1) && rm "$f" && ln -s /etc/passwd "$f"');
  const evil = await check('- image: evil\n');
  assert.equal(evil.passed, false);
  assert.match(evil.seen, /^evil /);
});

test('command: exit code and stdout, run in the learner directory without a pty', async () => {
  await sh('echo KatacodaPrivateBuild > release.txt');
  assert.equal(
    (await check('- command: cat release.txt && test ! -t 0\n  stdout: {contains: Katacoda}\n')).passed,
    true,
  );
  const bad = await check('- command: grep -q nope release.txt\n');
  assert.deepEqual([bad.passed, bad.seen], [false, 'it exited 1']);
  const exit = await check('- command: "echo oops >&2; exit 3"\n  exit: 3\n  stderr: {matches: "^oops$"}\n');
  assert.equal(exit.passed, true, exit.seen);
  const slow = await check('- command: sleep 30\n  timeout: 0.5\n');
  assert.deepEqual([slow.passed, slow.seen], [false, 'it was still running after 0.5s and was stopped']);
});

test('output: the last run cell, and no run at all', async () => {
  const none = await check('- output: true\n  contains: KatacodaPrivateBuild\n');
  assert.deepEqual([none.passed, none.seen], [false, 'no command has been run yet']);
  const withRun = { ...ctx, lastRun: { cellId: 's3.c9', output: 'KatacodaPrivateBuild\n', exitCode: 0 } };
  assert.equal((await check('- output: true\n  contains: KatacodaPrivateBuild\n  exit: 0\n', withRun)).passed, true);
  const wrong = await check('- output: true\n  matches: "^Other"\n', withRun);
  assert.equal(wrong.expected, 'the output of the last command run (s3.c9) matches /^Other/');
});

test('script: exit 0, done, FAIL: lines and $VERIFICATION_FAILURE_REASON; the copy never lands in the workdir', async () => {
  const dir = ctx.lessonDir;
  await writeFile(join(dir, 'ok.sh'), '#!/bin/bash\ntest -f release.txt\n');
  await writeFile(join(dir, 'legacy.sh'), 'test -f release.txt && echo done\nexit 1\n');
  await writeFile(join(dir, 'fail.sh'), '#!/bin/sh\necho "FAIL: redis.tar is missing"\nexit 1\n');
  await writeFile(
    join(dir, 'reason.sh'),
    '#!/bin/bash\necho "the image is not there" > "$VERIFICATION_FAILURE_REASON"\nexit 1\n',
  );
  await sh('echo x > release.txt');
  assert.equal((await check('- script: ok.sh\n')).passed, true);
  assert.equal((await check('- script: legacy.sh\n')).passed, true);
  const fail = await check('- script: fail.sh\n  hint: save the image first\n');
  assert.deepEqual(
    [fail.passed, fail.seen, fail.hint],
    [false, 'it failed: redis.tar is missing', 'save the image first'],
  );
  assert.equal((await check('- script: reason.sh\n')).seen, 'it failed: the image is not there');
  assert.equal(
    (await check('- script: ../../etc/passwd\n')).seen,
    'the verify script ../../etc/passwd is missing from the lesson folder',
  );
  const listing = await backend.exec(env, ['bash', '-c', 'ls -A'], { timeoutMs: 5000 });
  assert.doesNotMatch(listing.stdout, /stepwise|\.sh/);
});

test('script: a hanging verify script is stopped at its timeout with its whole process group', async () => {
  const marker = `5151.${process.pid}`;
  await writeFile(
    join(ctx.lessonDir, 'hang.sh'),
    `#!/bin/bash\nsleep ${marker} &\n( sleep ${marker} ) &\nsleep ${marker}\n`,
  );
  const hung = await check('- script: hang.sh\n  timeout: 1\n');
  assert.deepEqual([hung.passed, hung.seen], [false, 'it failed: it was still running after 1s and was stopped']);
  assert.deepEqual(
    await processesWith(`sleep ${marker}`),
    [],
    'the script and its children are gone when the check returns',
  );
});

test('runStepChecks: all must pass; a step without checks passes', async () => {
  const step = { checks: [spec('- file: release.txt\n'), spec('- file: no-such\n')] } as unknown as Step;
  const r = await runStepChecks(step, ctx);
  assert.deepEqual([r.passed, r.results.map((o) => o.passed)], [false, [true, false]]);
  assert.equal((await runStepChecks({ checks: [] } as unknown as Step, ctx)).passed, true);
});
