// The session backend contract (server/terminal/backend.ts) on the backend named by STEPWISE_TEST_BACKEND:
// exec with timeouts that kill the whole group, readTar, copyIn, engine, destroy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import tar from 'tar-stream';
import type { Readable } from 'node:stream';
import { BackendError, type Backend, type SessionEnv } from '../server/environment/backend.ts';
import { openTestEnvironment, testBackendName, type TestEnvironment } from './harness/terminal-backend.ts';
import { listProcesses, processEnvironmentHas } from '../server/environment/providers/process-table.ts';
import { LocalBackend, SESSION_MARKER_VAR } from '../server/environment/providers/local.ts';

let dir: string;
let backend: Backend;
let env: SessionEnv;
let opened: TestEnvironment | undefined;

before(async () => {
  opened = await openTestEnvironment('backend');
  ({ dir, backend, env } = opened);
});
after(async () => opened?.close());

async function tarEntries(stream: Readable): Promise<Map<string, string>> {
  const extract = tar.extract();
  const entries = new Map<string, string>();
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => {
      if (Buffer.isBuffer(c)) chunks.push(c);
    });
    body.on('end', () => {
      entries.set(header.name, Buffer.concat(chunks).toString());
      next();
    });
  });
  stream.pipe(extract);
  await new Promise<void>((ok, fail) => {
    extract.on('finish', ok);
    extract.on('error', fail);
    stream.on('error', fail);
  });
  return entries;
}

test('exec runs in the working directory with the session environment', async () => {
  const r = await backend.exec(env, ['sh', '-c', 'pwd; echo "$HOME"; echo err >&2; exit 3'], { timeoutMs: 60_000 });
  assert.equal(r.exitCode, 3);
  assert.equal(r.timedOut, false);
  assert.equal(r.stdout.split('\n')[0], env.workdir);
  assert.equal(r.stderr, 'err\n');
  const input = await backend.exec(env, ['cat'], { timeoutMs: 60_000, stdin: 'from stdin' });
  assert.equal(input.stdout, 'from stdin');
});

test('an exec timeout kills the whole process group and reports 124', async () => {
  const marker = `exec-timeout-${process.pid}`;
  const r = await backend.exec(env, ['sh', '-c', `sleep 300 | cat; : ${marker}`], { timeoutMs: 500 });
  assert.equal(r.timedOut, true);
  assert.equal(r.exitCode, 124);
  if (testBackendName() === 'local') {
    const stragglers = listProcesses().filter(
      (p) => processEnvironmentHas(p.pid, `${SESSION_MARKER_VAR}=${env.id}`) && p.state !== 'Z',
    );
    assert.deepEqual(
      stragglers.map((p) => p.pid),
      [],
      'sleep and cat were killed with their shell',
    );
  }
});

test('readTar streams a file or folder; a missing path is a NOT_FOUND error naming it', async () => {
  await backend.exec(env, ['sh', '-c', 'mkdir -p box/inner && echo hello > box/inner/a.txt && echo top > top.txt'], {
    timeoutMs: 60_000,
  });
  const file = await tarEntries(await backend.readTar(env, 'top.txt'));
  assert.equal(file.get('top.txt'), 'top\n');
  const folder = await tarEntries(await backend.readTar(env, 'box'));
  assert.equal([...folder.entries()].find(([name]) => name.endsWith('inner/a.txt'))?.[1], 'hello\n');
  await assert.rejects(
    backend.readTar(env, 'no/such/file'),
    (e: unknown) => e instanceof BackendError && e.code === 'NOT_FOUND' && /no\/such\/file/.test(e.message),
  );
  await assert.rejects(
    backend.readTar(env, '--checkpoint-action=exec=touch pwned'),
    (e: unknown) => e instanceof BackendError && e.code === 'NOT_FOUND',
  );
});

test('copyIn places a host file and a host folder in the environment', async () => {
  const src = join(dir, 'src');
  await mkdir(join(src, 'sub'), { recursive: true });
  await writeFile(join(src, 'sub', 'f.txt'), 'copied');
  await backend.copyIn(env, join(src, 'sub', 'f.txt'), 'one/f.txt');
  await backend.copyIn(env, src, 'tree');
  const r = await backend.exec(env, ['sh', '-c', 'cat one/f.txt tree/sub/f.txt'], { timeoutMs: 60_000 });
  assert.equal(r.stdout, 'copiedcopied');
});

test('destroy ends the whole unit and is idempotent', async () => {
  const other = await backend.create({ sessionId: `d${process.pid}`, lessonId: 'x', lessonDir: dir, requires: [] });
  await backend.exec(other, ['sh', '-c', 'setsid sleep 300 > /dev/null 2>&1 < /dev/null &'], { timeoutMs: 60_000 });
  await backend.destroy(other);
  await backend.destroy(other);
  await assert.rejects(backend.exec(other, ['true'], { timeoutMs: 10_000 }), (e: unknown) => e instanceof BackendError);
  if (testBackendName() === 'local') {
    assert.equal(existsSync(other.workdir), false, 'the working directory is removed');
    const left = listProcesses().filter(
      (p) => processEnvironmentHas(p.pid, `${SESSION_MARKER_VAR}=${other.id}`) && p.state !== 'Z',
    );
    assert.deepEqual(left, [], 'the setsid daemon is gone too');
  }
});

test(
  'local: list() offers only environments whose server is gone',
  { skip: testBackendName() !== 'local' ? 'local-only: reaping by owner pid' : false },
  async () => {
    const base = join(dir, 'reap');
    const mine = new LocalBackend({ baseDir: base, dockerHost: null });
    const live = await mine.create({ sessionId: 'alive', lessonId: 'x', lessonDir: dir, requires: [] });
    await mkdir(join(base, 'orphan', 'work'), { recursive: true });
    await writeFile(join(base, 'orphan', 'owner'), '999999999 1\n'); // a pid that cannot exist
    await mkdir(join(base, 'half-made'));
    await mkdir(join(base, '..bad name'), { recursive: true });
    const another = new LocalBackend({ baseDir: base, dockerHost: null });
    assert.deepEqual((await another.list()).sort(), ['half-made', 'orphan'], "a live server's session is not listed");
    await another.destroy({ id: 'orphan', backend: 'local', workdir: '', createdAt: 0 });
    assert.equal(existsSync(join(base, 'orphan')), false);
    await mine.destroy(live);
  },
);

test(
  'local: engine() is the configured Docker host, or null without one',
  { skip: testBackendName() !== 'local' ? 'local-only' : false },
  () => {
    const none = new LocalBackend({ baseDir: join(dir, 'e1'), dockerHost: null });
    assert.equal(none.engine(env), null);
    const missing = new LocalBackend({ baseDir: join(dir, 'e2'), dockerHost: 'unix:///nonexistent/docker.sock' });
    assert.equal(missing.engine(env), null);
  },
);
