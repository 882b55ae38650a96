import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostAllowed, isLoopbackHost, newToken, originAllowed, tokenMatches } from './auth.ts';

test('tokens are long, random and compared exactly', () => {
  const a = newToken();
  assert.ok(a.length >= 40);
  assert.notEqual(a, newToken());
  assert.equal(tokenMatches(a, a), true);
  assert.equal(tokenMatches(a, a.slice(1)), false);
  assert.equal(tokenMatches(a, undefined), false);
  assert.equal(tokenMatches(a, ''), false);
});

test('loopback names', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1', 'app.localhost'])
    assert.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '10.0.0.1', 'example.com', '127.0.0.1.evil.com', '::']) assert.ok(!isLoopbackHost(h), h);
});

test('hostile: DNS rebinding (a foreign Host on a loopback server) is refused', () => {
  const policy = { bindHost: '127.0.0.1' };
  assert.ok(hostAllowed('127.0.0.1:8642', policy));
  assert.ok(hostAllowed('localhost:8642', policy));
  assert.ok(hostAllowed('[::1]:8642', policy));
  assert.ok(!hostAllowed('evil.example:8642', policy));
  assert.ok(!hostAllowed(undefined, policy));
  assert.ok(hostAllowed('my-box.lan:8642', { bindHost: '0.0.0.0' }));
});

test('hostile: a cross-site Origin is refused; the same origin is accepted', () => {
  assert.ok(originAllowed('http://127.0.0.1:8642', '127.0.0.1:8642'));
  assert.ok(originAllowed(undefined, '127.0.0.1:8642'));
  assert.ok(!originAllowed('http://evil.example', '127.0.0.1:8642'));
  assert.ok(!originAllowed('http://127.0.0.1:9999', '127.0.0.1:8642'));
  assert.ok(!originAllowed('null', '127.0.0.1:8642'));
  assert.ok(!originAllowed('file://', '127.0.0.1:8642'));
});
