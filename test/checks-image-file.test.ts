// image checks with `file: {path, contains|matches|exists}` against an image archive and an OCI layout folder in a
// real local environment (LocalBackend): the file's content comes from the core library's wantFiles, read while
// the image streams out of the environment, with plain-language expected/seen text when it fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from '../server/environment/providers/local.ts';
import type { SessionEnv } from '../server/environment/backend.ts';
import { evaluateCheck, type CheckContext, type CheckOutcome } from '../server/checks/index.ts';
import { parseCheckList } from '../server/lesson/check-schema.ts';
import { IMAGE_FIXTURES } from './harness/fixtures.ts';
import { expectedFile, layerTruth } from './harness/layer-truth.ts';
import { Environment } from '../server/environment/index.ts';

const FIXTURES = IMAGE_FIXTURES;
const WHITEOUT_ARCHIVE = join(FIXTURES, '12-docker-legacy-whiteout-empty-layer.tar'); // /bar.txt stays, /foo.txt is whited out
const EDGE_ARCHIVE = join(FIXTURES, '15-SYNTHETIC-docker-legacy-tar-edge-cases.tar'); // /etc/app-link -> /etc/app.conf
const OCI_LAYOUT = join(FIXTURES, '14-oci-layout-dir-ggcr-test_index'); // image "1" holds /foo

let scratch: string;
let backend: LocalBackend;
let env: SessionEnv;
let ctx: CheckContext;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'stepwise-image-file-'));
  backend = new LocalBackend({ baseDir: join(scratch, 'sessions'), dockerHost: null });
  env = await backend.create({ sessionId: 'image-file', lessonId: 'image-file', lessonDir: scratch, requires: [] });
  ctx = { environment: new Environment(backend, env), lessonDir: scratch };
  await cp(WHITEOUT_ARCHIVE, join(env.workdir, 'img.tar'));
  await cp(EDGE_ARCHIVE, join(env.workdir, 'edge.tar'));
  await symlink('edge.tar', join(env.workdir, 'edge-link.tar'));
  await cp(OCI_LAYOUT, join(env.workdir, 'layout'), { recursive: true });
});

after(async () => {
  await backend.destroy(env);
  await rm(scratch, { recursive: true, force: true });
});

async function check(yaml: string): Promise<CheckOutcome> {
  const { checks, problems } = parseCheckList(yaml, { file: 'test.md', line: 1 });
  assert.deepEqual(problems, [], `the test's check YAML is valid: ${JSON.stringify(problems)}`);
  return evaluateCheck(checks[0]!, ctx);
}

/** A file's text as Python's tarfile reads it from the fixture, for what a result quotes. */
function truthText(source: string, path: string): string {
  const content = expectedFile(layerTruth(source, path)).content;
  assert.ok(content, `${path} is a file in ${source}`);
  return content.toString('utf8');
}

test("an archive: contains passes on the file's real content, and a wrong text says what the file holds", async () => {
  assert.equal(truthText(WHITEOUT_ARCHIVE, '/bar.txt'), 'bar\n');
  const ok = await check('- image: img.tar\n  file: {path: /bar.txt, contains: bar}\n');
  assert.equal(ok.passed, true, ok.seen);
  const bad = await check(
    '- image: img.tar\n  file: {path: /bar.txt, contains: baz}\n  hint: Build the image from the bar layer.\n',
  );
  assert.equal(bad.passed, false);
  assert.equal(bad.expected, 'img.tar is an image, has /bar.txt and contains "baz"');
  assert.equal(bad.seen, '/bar.txt in img.tar does not contain "baz"; it holds "bar"');
  assert.equal(bad.hint, 'Build the image from the bar layer.');
  const pattern = await check('- image: img.tar\n  file: {path: bar.txt, matches: "^ba[rz]$"}\n');
  assert.equal(pattern.passed, true, pattern.seen);
});

test('an archive: a file a later layer whited out is not there, whatever a lower layer holds', async () => {
  const rows = layerTruth(WHITEOUT_ARCHIVE, '/foo.txt');
  assert.deepEqual(
    [rows[0]?.writes, rows[1]?.removes],
    [true, true],
    'layer 0 writes /foo.txt and layer 1 whites it out',
  );
  const gone = await check('- image: img.tar\n  file: {path: /foo.txt, contains: foo}\n');
  assert.equal(gone.passed, false);
  assert.equal(gone.seen, 'img.tar has no /foo.txt (it holds 1 file)');
  assert.equal((await check('- image: img.tar\n  file: {path: /foo.txt, exists: false}\n')).passed, true);
});

test('an archive: a symlink in the image is followed inside it (a second read through the backend, which only that can give), also via a linked archive', async () => {
  const conf = truthText(EDGE_ARCHIVE, '/etc/app.conf');
  const needle = conf.trim();
  for (const archive of ['edge.tar', 'edge-link.tar']) {
    const ok = await check(`- image: ${archive}\n  file: {path: /etc/app-link, contains: "${needle}"}\n`);
    assert.equal(ok.passed, true, `${archive}: ${ok.seen}`);
  }
  const dir = await check('- image: edge.tar\n  file: {path: /etc, contains: x}\n');
  assert.equal(dir.seen, '/etc in edge.tar is not a readable regular file: it is a directory');
  const pipe = await check('- image: edge.tar\n  file: {path: /dev/fifo, contains: x}\n');
  assert.equal(pipe.seen, '/dev/fifo in edge.tar is not a readable regular file: it is a named pipe');
});

test("an OCI layout folder: the chosen image's file passes, a wrong text fails in plain words", async () => {
  assert.equal(truthText(OCI_LAYOUT, '/foo'), 'foo\n');
  const ok = await check('- image: layout\n  format: oci-layout\n  tags: ["1"]\n  file: {path: /foo, contains: foo}\n');
  assert.equal(ok.passed, true, ok.seen);
  const bad = await check('- image: layout\n  tags: ["1"]\n  file: {path: /foo, contains: bar}\n');
  assert.equal(bad.passed, false);
  assert.equal(bad.expected, 'layout is an image, is tagged 1, has /foo and contains "bar"');
  assert.equal(bad.seen, '/foo in layout does not contain "bar"; it holds "foo"');
  const other = await check('- image: layout\n  tags: ["2"]\n  file: {path: /foo, contains: foo}\n');
  assert.equal(other.seen, 'layout has no /foo (it holds 2 files)');
});
