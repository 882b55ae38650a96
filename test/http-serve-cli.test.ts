// `stepwise serve DIR` from the command line: prints the URL with its token like Jupyter, serves it, and stops
// cleanly on Ctrl-C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, runCli } from './harness/cli.ts';
import { httpGet } from './harness/http-get.ts';
import { bash, lessonMarkdown } from './harness/terminal-server.ts';
import { EXIT_USAGE } from '../server/cli/exit-codes.ts';

const CLI = fileURLToPath(new URL('../server/cli.ts', import.meta.url));
/** Starting the CLI from source transpiles it first; on a loaded machine that takes a while (ms). */
const START_TIMEOUT_MS = 120_000;

async function lessonsDir(): Promise<{ root: string; state: string }> {
  const base = await mkdtemp(join(tmpdir(), 'stepwise-serve-'));
  await mkdir(join(base, 'lessons', 'one'), { recursive: true });
  await writeFile(join(base, 'lessons', 'one', 'lesson.md'), lessonMarkdown('One', { Step: bash('echo hi') }));
  return { root: join(base, 'lessons'), state: join(base, 'state') };
}

function serve(args: string[], state: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, XDG_STATE_HOME: state },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', () => {
      const m = /^\s+(http:\/\/\S+)$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}) before printing a URL: ${stderr}`)));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
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
