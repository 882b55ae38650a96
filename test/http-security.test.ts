// Issue 4, "Done when" 4: the security defaults, against a real server on port 0 with real ws clients.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient, UpgradeRefused } from './harness/terminal-client.ts';
import { httpGet } from './harness/http-get.ts';
import { runCli } from './harness/cli.ts';
import { createServer, ServerConfigError, WS_MAX_PAYLOAD_BYTES } from '../server/http/server.ts';
import { CLOSE_BAD_MESSAGE, CLOSE_BAD_VERSION } from '../server/protocol/index.ts';
import { EXIT_USAGE } from '../server/cli/exit-codes.ts';

let t: TestServer;
let clientDir: string;

before(async () => {
  clientDir = await mkdtemp(join(tmpdir(), 'stepwise-client-'));
  await writeFile(join(clientDir, 'index.html'), '<!doctype html><title>stepwise test page</title>');
  await writeFile(join(clientDir, 'app.js'), 'export {};');
  t = await startTestServer({
    lessons: { sec: lessonMarkdown('Security', { One: bash('echo ok') }) },
    files: {
      'sec/picture.svg': '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      'sec/.secret': 'token=hunter2',
      'sec/.git/config': '[core]',
    },
    clientDir: `${clientDir}/`,
  });
  await writeFile(join(t.root, '..', 'outside.txt'), 'OUTSIDE-CONTENT');
  await symlink(join(t.root, '..', 'outside.txt'), join(t.root, 'sec', 'link-out.txt'));
  await mkdir(join(t.root, 'sec', 'img'));
  await writeFile(join(t.root, 'sec', 'img', 'ok.txt'), 'fine');
});
after(async () => t?.stop());

async function refusedStatus(
  url: string,
  headers: { cookie?: string; origin?: string; headers?: Record<string, string> },
): Promise<number> {
  try {
    const c = await TestClient.connect(url, headers);
    await c.close();
    return 101;
  } catch (e: unknown) {
    if (e instanceof UpgradeRefused) return e.status;
    throw e;
  }
}

test('an upgrade without the cookie gets 401', async () => {
  assert.equal(await refusedStatus(t.wsUrl, { origin: t.origin }), 401);
  assert.equal(await refusedStatus(t.wsUrl, { origin: t.origin, cookie: `${t.server.cookieName}=wrong` }), 401);
});

test('an upgrade with a foreign Origin gets 403, even with the cookie', async () => {
  assert.equal(await refusedStatus(t.wsUrl, { cookie: t.cookie, origin: 'http://evil.example' }), 403);
  assert.equal(await refusedStatus(t.wsUrl, { cookie: t.cookie, origin: 'null' }), 403);
  assert.equal(await refusedStatus(t.wsUrl, { cookie: t.cookie, origin: t.origin }), 101, 'the same origin is let in');
});

test('a token in the query string is refused on the upgrade', async () => {
  assert.equal(await refusedStatus(`${t.wsUrl}?token=${t.server.token}`, { origin: t.origin }), 401);
});

test('hostile: DNS rebinding (a foreign Host) is refused on pages, the API and the upgrade', async () => {
  const evil = { Host: 'evil.example', Cookie: t.cookie };
  assert.equal((await httpGet(`${t.origin}/`, evil)).status, 403);
  assert.equal((await httpGet(`${t.origin}/api/lessons`, evil)).status, 403);
  assert.equal(await refusedStatus(t.wsUrl, { cookie: t.cookie, headers: { Host: 'evil.example' } }), 403);
});

test('a page GET with ?token= sets an HttpOnly SameSite=Strict cookie and redirects without it, as often as asked', async () => {
  for (let i = 0; i < 2; i++) {
    const answer = await httpGet(`${t.origin}/lesson/sec?token=${t.server.token}&x=1`);
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, '/lesson/sec?x=1');
    const cookie = String(answer.headers['set-cookie']);
    assert.match(cookie, new RegExp(`^${t.server.cookieName}=${t.server.token};`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
  }
  assert.equal((await httpGet(`${t.origin}/?token=not-the-token`)).status, 401);
  assert.equal((await httpGet(`${t.origin}/`)).status, 401, 'no token, no cookie');
  const page = await httpGet(`${t.origin}/lesson/sec`, { Cookie: t.cookie });
  assert.equal(page.status, 200);
  assert.match(page.body, /stepwise test page/);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal((await httpGet(`${t.origin}/static/app.js`)).status, 401);
  assert.equal((await httpGet(`${t.origin}/static/app.js`, { Cookie: t.cookie })).status, 200);
});

test('the API takes only the cookie', async () => {
  assert.equal((await httpGet(`${t.origin}/api/lessons?token=${t.server.token}`)).status, 401);
  const ok = await httpGet(`${t.origin}/api/lessons`, { Cookie: t.cookie });
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.body) as { id: string }[])[0]!.id, 'sec');
  const unauthorized = JSON.parse((await httpGet(`${t.origin}/api/lessons`)).body) as { error: { code: string } };
  assert.equal(unauthorized.error.code, 'UNAUTHORIZED');
});

test('hostile: lesson assets stay inside the lesson folder, without dotfiles, and cannot script this origin', async () => {
  const asset = (path: string) =>
    httpGet(`${t.origin}/api/lesson-asset?id=sec&path=${encodeURIComponent(path)}`, { Cookie: t.cookie });
  const ok = await asset('img/ok.txt');
  assert.equal(ok.status, 200);
  assert.equal(ok.body, 'fine');
  const svg = await asset('picture.svg');
  assert.equal(svg.status, 200);
  assert.match(String(svg.headers['content-security-policy']), /sandbox/);
  for (const [path, status] of [
    ['.secret', 403],
    ['.git/config', 403],
    ['img/../.secret', 403],
    ['../outside.txt', 403],
    ['link-out.txt', 403],
    ['/etc/passwd', 403],
    ['missing.txt', 404],
    ['img', 404],
  ] as const) {
    const answer = await asset(path);
    assert.equal(answer.status, status, `${path}: ${answer.body}`);
    assert.doesNotMatch(answer.body, /hunter2|OUTSIDE-CONTENT|root:x:0/);
  }
});

test('a public bind without auth refuses to start, with a clear error', async () => {
  await assert.rejects(
    createServer({ root: t.root, host: '0.0.0.0', token: false, stateDir: t.stateDir, dockerHost: null }),
    (e: unknown) =>
      e instanceof ServerConfigError &&
      e.code === 'PUBLIC_BIND_WITHOUT_AUTH' &&
      /0\.0\.0\.0 without a token/.test(e.message),
  );
  const cli = await runCli(['serve', t.root, '--host', '0.0.0.0', '--no-token'], {
    env: { XDG_STATE_HOME: t.stateDir },
  });
  assert.equal(cli.code, EXIT_USAGE, cli.stderr);
  assert.match(cli.stderr, /refusing to listen on 0\.0\.0\.0 without a token/);
  assert.doesNotMatch(cli.stderr, /\n\s+at /, 'no stack trace');
});

test('hostile: protocol abuse closes the socket with the right code', async () => {
  const open = () => TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  const badVersion = await open();
  badVersion.sendRaw(JSON.stringify({ v: 2, type: 'hello', lessonId: 'sec', cols: 80, rows: 24 }));
  assert.equal((await badVersion.waitClosed()).code, CLOSE_BAD_VERSION);

  const notJson = await open();
  notJson.sendRaw('{"v":1,');
  assert.equal((await notJson.waitClosed()).code, CLOSE_BAD_MESSAGE);

  const noHello = await open();
  noHello.send({ type: 'run', cellId: 's1.c1' });
  assert.equal((await noHello.waitClosed()).code, CLOSE_BAD_MESSAGE);

  const wrongShape = await open();
  await wrongShape.hello('sec');
  wrongShape.sendRaw(JSON.stringify({ v: 1, type: 'ack', term: 0, bytes: -5 }));
  assert.equal((await wrongShape.waitClosed()).code, CLOSE_BAD_MESSAGE);

  const huge = await open();
  huge.ws.send(Buffer.alloc(WS_MAX_PAYLOAD_BYTES + 1, 0x61), { binary: true });
  assert.equal((await huge.waitClosed()).code, 1009, 'message too big');

  const unknownLesson = await open();
  unknownLesson.send({ type: 'hello', lessonId: '../../etc', cols: 80, rows: 24 });
  const refused = await unknownLesson.next((m) => m.type === 'error');
  assert.equal(refused.type === 'error' && refused.code, 'LESSON_NOT_FOUND');
  await unknownLesson.waitClosed();
});

test('hostile: an absurd resize is clamped, not obeyed', async () => {
  const c = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  const welcome = await c.hello('sec');
  c.send({ type: 'resize', term: 0, cols: 1_000_000, rows: -4 });
  c.type(0, 'echo "size=$(stty size)"\r');
  await c.waitForText(0, /size=2 500/);
  assert.ok(t.server.sessions.get(welcome.sessionId));
  await c.close();
});
