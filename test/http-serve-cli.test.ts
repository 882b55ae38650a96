// `stepwise serve DIR` from the command line: prints the URL with its token like Jupyter, serves it, and stops
// cleanly on Ctrl-C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './harness/cli.ts';
import { httpGet } from './harness/http-get.ts';
import { serveCli } from './harness/serve-cli.ts';
import { bash, lessonMarkdown } from './harness/terminal-server.ts';
import { EXIT_USAGE } from '../server/cli/exit-codes.ts';

async function lessonsDir(): Promise<{ root: string; state: string }> {
  const base = await mkdtemp(join(tmpdir(), 'stepwise-serve-'));
  await mkdir(join(base, 'lessons', 'one'), { recursive: true });
  await writeFile(join(base, 'lessons', 'one', 'lesson.md'), lessonMarkdown('One', { Step: bash('echo hi') }));
  return { root: join(base, 'lessons'), state: join(base, 'state') };
}

function serve(args: string[], state: string) {
  const s = serveCli(args, state);
  const url = s.printed(/^\s+(http:\/\/\S+)$/m, 'a URL').then((m) => m[1] ?? '');
  url.catch(() => undefined); // awaited by the test when it wants it
  return { child: s.child, url, exited: s.exited, output: () => s.output() };
}

test('serve prints a URL with a token; the URL logs the browser in; Ctrl-C stops it cleanly', async () => {
  const { root, state } = await lessonsDir();
  const s = serve([root, '--port', '0', '--log-level', 'info'], state);
  const url = await s.url;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/);
  assert.match(s.output().stdout, /serving 1 lesson from/);
  const login = await httpGet(url);
  assert.equal(login.status, 302);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const lessons = await httpGet(new URL('/api/lessons', url).href, { Cookie: cookie });
  assert.equal((JSON.parse(lessons.body) as { id: string }[])[0]!.id, 'one');
  s.child.kill('SIGINT');
  assert.equal(await s.exited, 0);
  assert.match(s.output().stderr, /server stopped/);
});

test('--no-token on loopback serves without a token', async () => {
  const { root, state } = await lessonsDir();
  const s = serve([root, '--port', '0', '--no-token'], state);
  const url = await s.url;
  assert.doesNotMatch(url, /token=/);
  assert.equal((await httpGet(new URL('/api/lessons', url).href)).status, 200);
  s.child.kill('SIGINT');
  assert.equal(await s.exited, 0);
});

test('usage errors exit 2 with a plain message', async () => {
  const { root, state } = await lessonsDir();
  const badBackend = await runCli(['serve', root, '--backend', 'kubernetes'], { env: { XDG_STATE_HOME: state } });
  assert.equal(badBackend.code, EXIT_USAGE);
  assert.match(badBackend.stderr, /kubernetes/);
  const noDir = await runCli(['serve', join(root, 'missing')], { env: { XDG_STATE_HOME: state } });
  assert.equal(noDir.code, EXIT_USAGE);
  assert.match(noDir.stderr, /no such folder/);
});
