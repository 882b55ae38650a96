// Issue 9: a server no client can stop. Findings 1, 2 and 4 each have a test here, then a seeded, bounded
// stream of malformed input (fast-check) is thrown at a running server: request lines, cookies, headers,
// upgrade requests, JSON messages and binary frames, from unauthenticated and authenticated clients. After every
// case: the server still answers, no response was a 5xx, and nothing was logged at error level.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient, UpgradeRefused } from './harness/terminal-client.ts';
import { httpGet } from './harness/http-get.ts';
import { rawStatus } from './harness/raw-http.ts';
import { encodeTerminalFrame } from '../server/protocol/index.ts';

/** Fixed, so a failure replays exactly; fast-check prints the failing case and its path. */
const SEED = 20261207;
/** Cases per property: together well under a minute on a loaded 2-core machine. */
const HTTP_RUNS = 400;
const UPGRADE_RUNS = 300;
const WS_RUNS = 100;
/** Messages and frames per WebSocket case. */
const MAX_MESSAGES_PER_CASE = 8;
/** pino's numeric level for `error` (and `fatal` above it). */
const PINO_ERROR_LEVEL = 50;

interface LogLine {
  level: number;
  msg?: string;
}

const logLines: LogLine[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { level?: unknown }).level === 'number') {
        logLines.push(parsed as LogLine);
      }
    }
    done();
  },
});

let t: TestServer;
let sessionId: string;

before(async () => {
  const clientDir = await mkdtemp(join(tmpdir(), 'stepwise-robust-client-'));
  await writeFile(join(clientDir, 'index.html'), '<!doctype html><title>stepwise test page</title>');
  await writeFile(join(clientDir, 'app.js'), 'export {};');
  t = await startTestServer({
    lessons: { robust: lessonMarkdown('Robust', { One: bash('echo one') }) },
    clientDir: `${clientDir}/`,
    logger: pino({ level: 'debug' }, logSink),
    limits: { maxSessions: 200 }, // every 'hello' case makes a session; they outlive their sockets
  });
  const c = await connect();
  sessionId = (await c.hello('robust')).sessionId;
  await c.close();
});
after(async () => t?.stop());
afterEach(() => assertNoErrorLogged('the test'));

function connect(cookie = t.cookie): Promise<TestClient> {
  return TestClient.connect(t.wsUrl, { cookie, origin: t.origin });
}

function assertNoErrorLogged(after: string): void {
  const errors = logLines.filter((l) => l.level >= PINO_ERROR_LEVEL);
  assert.deepEqual(errors, [], `error-level log after ${after}`);
}

async function upgradeStatus(cookie: string): Promise<number> {
  try {
    const c = await TestClient.connect(t.wsUrl, { cookie, origin: t.origin });
    await c.close();
    return 101;
  } catch (e: unknown) {
    if (e instanceof UpgradeRefused) return e.status;
    throw e;
  }
}

/** The server still answers an honest request. */
async function assertAlive(after: string): Promise<void> {
  const answer = await httpGet(`${t.origin}/api/lessons`, { Cookie: t.cookie });
  assert.equal(answer.status, 200, `the server stopped answering after ${after}`);
  assertNoErrorLogged(after);
}

const MALFORMED_VALUES = ['%', '%E0%A4%A', '%%', '%uD800', '%ED%A0%80', '"', '"%"', '\\'];

test('finding 1: a malformed token cookie on the upgrade is no credential (401), and the server lives', async () => {
  const name = t.server.cookieName;
  for (const bad of MALFORMED_VALUES) {
    assert.equal(await upgradeStatus(`${name}=${bad}`), 401, bad);
    assert.equal(await upgradeStatus(`a=b; ${name}=${bad}; c=d`), 401, bad);
  }
  await assertAlive('malformed cookies on the upgrade');
});

test('finding 1: a malformed token cookie on every HTTP route is 401, with no error log', async () => {
  const name = t.server.cookieName;
  for (const path of [
    '/',
    '/lesson/robust',
    '/static/app.js',
    '/api/lessons',
    '/api/lesson?id=robust',
    '/api/inspect?session=x&source=y',
    '/nothing',
  ]) {
    for (const bad of MALFORMED_VALUES) {
      const answer = await httpGet(`${t.origin}${path}`, { Cookie: `${name}=${bad}` });
      assert.equal(answer.status, 401, `${path} with ${bad}`);
    }
  }
  await assertAlive('malformed cookies on HTTP routes');
});

test('finding 2: a planted same-named cookie does not shadow the real one', async () => {
  const name = t.server.cookieName;
  // What a page on another local port plants with `path=/ws`: the browser sends it before the real one.
  for (const planted of ['x', '%', '%E0%A4%A', '']) {
    assert.equal(await upgradeStatus(`${name}=${planted}; ${t.cookie}`), 101, planted);
    assert.equal(
      (await httpGet(`${t.origin}/api/lessons`, { Cookie: `${name}=${planted}; ${t.cookie}` })).status,
      200,
      planted,
    );
  }
  assert.equal(await upgradeStatus(`${name}=x; ${name}=y`), 401, 'planted cookies alone are still refused');
});

test('finding 4: bad input on HTTP gets a 4xx, at most a warning', async () => {
  const port = t.server.port;
  const get = (target: string, cookie = t.cookie) =>
    rawStatus(
      port,
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`,
    );
  assert.equal(await get('//['), 400, 'GET //[');
  assert.equal(await get('//[?token=x'), 400, 'GET //[ with a token to exchange');
  assert.equal(await get('/static/%E0%A4%A'), 400, 'a static path that is not valid percent-encoding');
  assert.equal(await get('/static/missing.js'), 404, 'a static file that is not there');
  assert.equal(await get('/static/..%2f..%2fetc%2fpasswd'), 403, 'a static path that climbs out');
  assert.equal(await get('/api/lesson?id=%E0%A4%A'), 404, 'a query that is not valid percent-encoding');
  assert.equal(await get('/api/lesson?id=a&id=b'), 400, 'a repeated query parameter');
  assert.equal(await get('/', `${t.server.cookieName}=%`), 401, 'a malformed cookie on a page');
  const body = '{"not json';
  assert.equal(
    await rawStatus(
      port,
      `POST /api/lessons HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${t.cookie}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    ),
    404,
    'a bad JSON body where no body is taken',
  );
  await assertAlive('bad HTTP input');
});

// ---------------------------------------------------------------------------------------------------------------
// The seeded stream.

const urlChar = fc.constantFrom(
  ..."/%[]?#&=.:@!$'()*+,;~-_ aZ09\\\u00e9\u{1F600}".split(''),
  '%E0',
  '%A4%A',
  '%00',
  '%2f',
  '..',
  '//',
);
const urlPath = fc.oneof(
  fc.string({ unit: urlChar, maxLength: 24 }).map((s) => `/${s}`),
  fc.constantFrom(
    '/',
    '/ws',
    '/static/',
    '/api/lesson',
    '/api/lessons',
    '/api/lesson-asset',
    '/api/inspect',
    '/lesson/robust',
    '//[',
  ),
  fc
    .tuple(
      fc.constantFrom('/static/', '/api/lesson?id=', '/api/lesson-asset?id=robust&path=', '/lesson/', '/?token='),
      fc.string({ unit: urlChar, maxLength: 16 }),
    )
    .map(([a, b]) => a + b),
);
const cookieValue = fc.oneof(
  fc.constantFrom(...MALFORMED_VALUES),
  fc.string({ unit: urlChar, maxLength: 16 }),
  fc.string({ unit: 'binary-ascii', maxLength: 16 }),
);
/** A Cookie header: junk, planted same-named cookies, and (sometimes) the real token somewhere among them. */
const cookieHeader = (withToken: boolean) =>
  fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.oneof(fc.constant('NAME'), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 })),
          cookieValue,
        ),
        { maxLength: 5 },
      ),
      fc.nat(5),
    )
    .map(([pairs, at]) => {
      const parts = pairs.map(([k, v]) => `${k === 'NAME' ? t.server.cookieName : k}=${v}`);
      if (withToken) parts.splice(Math.min(at, parts.length), 0, t.cookie);
      return parts.join('; ');
    });
const headerName = fc.oneof(
  fc.constantFrom(
    'Origin',
    'Host',
    'Content-Type',
    'Content-Length',
    'Transfer-Encoding',
    'Accept',
    'X-Forwarded-For',
    'Range',
    'If-None-Match',
  ),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }),
);
const headerValue = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 24 }),
  fc.string({ unit: 'binary-ascii', maxLength: 24 }),
  fc.constantFrom('http://evil.example', 'null', '-1', '99999999999', 'chunked', 'bytes=5-1'),
);
const extraHeaders = fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 });

function requestText(method: string, target: string, headers: [string, string][], body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, ...headers.map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function assertNot5xx(status: number | null, what: string): void {
  assert.ok(status === null || (status >= 100 && status < 500), `${what} answered ${status}`);
}

test('property: malformed request lines, cookies and headers never give a 5xx or an error log', async () => {
  const port = t.server.port;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      urlPath,
      fc.boolean().chain((authed) => cookieHeader(authed)),
      extraHeaders,
      fc.oneof(fc.constant(''), fc.json(), fc.string({ maxLength: 40 })),
      async (method, path, cookie, headers, body) => {
        const all: [string, string][] = [
          ['Host', `127.0.0.1:${port}`],
          ['Cookie', cookie],
          ...headers,
          ['Connection', 'close'],
        ];
        if (body && !headers.some(([k]) => /^(content-length|transfer-encoding)$/i.test(k)))
          all.push(['Content-Length', String(Buffer.byteLength(body))]);
        const request = requestText(method, path, all, body);
        assertNot5xx(await rawStatus(port, request), JSON.stringify(request));
        await assertAlive(JSON.stringify(request));
      },
    ),
    { seed: SEED, numRuns: HTTP_RUNS },
  );
});

test('property: malformed WebSocket upgrades never give a 5xx, never throw, never log an error', async () => {
  const port = t.server.port;
  const key = fc.oneof(fc.constant('dGhlIHNhbXBsZSBub25jZQ=='), fc.string({ unit: 'grapheme-ascii', maxLength: 30 }));
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.constant('/ws'), urlPath),
      fc.boolean().chain((authed) => cookieHeader(authed)),
      fc.oneof(fc.constant(`http://127.0.0.1:${port}`), headerValue),
      key,
      fc.constantFrom('13', '8', '', 'x'),
      extraHeaders,
      async (path, cookie, origin, wsKey, version, headers) => {
        const request = requestText('GET', path, [
          ['Host', `127.0.0.1:${port}`],
          ['Upgrade', 'websocket'],
          ['Connection', 'Upgrade'],
          ['Sec-WebSocket-Key', wsKey],
          ['Sec-WebSocket-Version', version],
          ['Origin', origin],
          ['Cookie', cookie],
          ...headers,
        ]);
        assertNot5xx(await rawStatus(port, request), JSON.stringify(request));
        await assertAlive(JSON.stringify(request));
      },
    ),
    { seed: SEED, numRuns: UPGRADE_RUNS },
  );
});

/** Message types the server takes. `reset` and `catchUp` are left out: they rebuild the environment (slow), and
 *  their input is only a step id, which the `check` and `run` cases already exercise. */
const MESSAGE_TYPES = ['hello', 'resize', 'ack', 'run', 'interrupt', 'check', 'openTerminal', 'nonsense'] as const;
const fieldValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.constant(null),
  fc.constant(2 ** 31),
  fc.constant(-1),
  fc.boolean(),
  fc.constantFrom('robust', 's1.c1', 'one'),
);
const jsonMessage = fc.oneof(
  fc
    .record(
      {
        v: fc.oneof(fc.constant(1), fieldValue),
        type: fc.constantFrom(...MESSAGE_TYPES),
        term: fc.oneof(fc.nat(20), fieldValue),
        cols: fieldValue,
        rows: fieldValue,
        bytes: fieldValue,
        cellId: fieldValue,
        stepId: fieldValue,
        lessonId: fieldValue,
      },
      { requiredKeys: ['v', 'type'] },
    )
    .map((m) => JSON.stringify(m)),
  fc.json(),
  fc.string({ maxLength: 40 }),
);
/** Input bytes: letters, spaces and Ctrl-C only, so a case can never type a command line into the real shell. */
const safeInput = fc
  .uint8Array({ maxLength: 64 })
  .map((bytes) => Buffer.from(bytes.map((b) => (b % 7 === 0 ? 3 : b % 5 === 0 ? 32 : 97 + (b % 26)))));
const wsEvent = fc.oneof(
  jsonMessage.map((text) => ({ text })),
  fc.tuple(fc.nat(255), safeInput).map(([term, bytes]) => ({ frame: Buffer.from(encodeTerminalFrame(term, bytes)) })),
  fc.uint8Array({ maxLength: 3 }).map((bytes) => ({ frame: Buffer.from(bytes.map(() => 0)) })), // empty and tiny frames
);

test('property: malformed JSON messages and binary frames, before and after hello, never stop the server or log an error', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('none', 'hello', 'reattach'),
      fc.array(wsEvent, { minLength: 1, maxLength: MAX_MESSAGES_PER_CASE }),
      async (start, events) => {
        const c = await connect();
        try {
          if (start === 'hello') await c.hello('robust');
          if (start === 'reattach') await c.hello('robust', sessionId);
          for (const e of events) {
            if (c.ws.readyState !== c.ws.OPEN) break; // a bad message closed it: that is the expected answer
            if ('text' in e) c.ws.send(e.text);
            else c.ws.send(e.frame, { binary: true });
          }
          // A round trip through the server: it has handled everything sent before it.
          await assertAlive(`${start} + ${JSON.stringify(events)}`);
        } finally {
          c.ws.terminate();
        }
      },
    ),
    { seed: SEED, numRuns: WS_RUNS },
  );
  // The honest learner's session still works.
  const c = await connect();
  await c.hello('robust', sessionId);
  c.type(0, 'echo robust-$((6*7))\r');
  await c.waitForText(0, /robust-42/);
  await c.close();
});
