import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { serveMirrorProxy } from './mirror-proxy.ts';

/** A stand-in registry that records what reached it. */
async function upstream(): Promise<{ url: URL; seen: IncomingMessage[]; close: () => void }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    res
      .writeHead(200, { 'content-type': 'application/json', connection: 'close', 'x-registry': 'yes' })
      .end('{"ok":true}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return { url: new URL(`http://127.0.0.1:${port}/`), seen, close: () => server.close() };
}

async function proxyOn(target: URL) {
  const listener = createNetServer();
  await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
  const port = (listener.address() as AddressInfo).port;
  return { proxy: serveMirrorProxy(listener, target), base: `http://127.0.0.1:${port}` };
}

test('registry reads pass; writes, other paths and odd headers do not', async () => {
  const up = await upstream();
  const { proxy, base } = await proxyOn(up.url);
  try {
    const get = await fetch(`${base}/v2/library/busybox/manifests/latest`, {
      headers: { 'x-forwarded-for': '10.0.0.1', accept: 'application/json' },
    });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('x-registry'), 'yes');
    assert.equal(await get.text(), '{"ok":true}');
    assert.equal(up.seen.length, 1);
    assert.equal(up.seen[0]?.url, '/v2/library/busybox/manifests/latest');
    assert.equal(up.seen[0]?.headers['x-forwarded-for'], undefined, 'only known registry headers go upstream');
    assert.equal(up.seen[0]?.headers.accept, 'application/json');

    for (const method of ['PUT', 'POST', 'PATCH', 'DELETE']) {
      const res = await fetch(`${base}/v2/library/busybox/blobs/uploads/`, { method });
      assert.equal(res.status, 405, method);
    }
    const other = await fetch(`${base}/etc/passwd`);
    assert.equal(other.status, 404);
    assert.equal(up.seen.length, 1, 'nothing but the GET reached the registry');
  } finally {
    proxy.close();
    up.close();
  }
});

test('an unreachable mirror is a 502 naming it, not a crash', async () => {
  const dead = await upstream();
  dead.close();
  const { proxy, base } = await proxyOn(dead.url);
  try {
    const res = await fetch(`${base}/v2/`);
    assert.equal(res.status, 502);
    assert.match(await res.text(), /mirror unreachable/);
  } finally {
    proxy.close();
  }
});
