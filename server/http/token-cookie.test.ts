import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_TOKEN_COOKIES_COMPARED, cookieCarriesToken, cookieValues, tokenSetCookie } from './token-cookie.ts';

const NAME = 'stepwise-token-80';
const TOKEN = 'Zq3-token_value';

test('cookies are read by exact name, decoded', () => {
  assert.deepEqual(cookieValues(`a=1; ${NAME}=xyz; b=2`, NAME), ['xyz']);
  assert.deepEqual(cookieValues(`x${NAME}=bad; ${NAME}x=bad`, NAME), []);
  assert.deepEqual(cookieValues(`${NAME}=a%20b`, NAME), ['a b']);
  assert.deepEqual(cookieValues(undefined, NAME), []);
  assert.equal(cookieCarriesToken(`a=1; ${NAME}=${TOKEN}`, NAME, TOKEN), true);
  assert.equal(cookieCarriesToken(`${NAME}=${TOKEN}x`, NAME, TOKEN), false);
});

test('hostile: a value that is not valid percent-encoding is no credential, and nothing throws (issue 9, finding 1)', () => {
  for (const bad of ['%', '%E0%A4%A', '%%%', '%uD800', '%C0%80', '"%"']) {
    const header = `${NAME}=${bad}`;
    assert.doesNotThrow(() => cookieCarriesToken(header, NAME, TOKEN));
    assert.equal(cookieCarriesToken(header, NAME, TOKEN), false, bad);
    // ...and a malformed planted cookie beside the real one does not hide it.
    assert.equal(cookieCarriesToken(`${header}; ${NAME}=${TOKEN}`, NAME, TOKEN), true, bad);
  }
});

test('hostile: a planted same-named cookie does not shadow the real one (issue 9, finding 2)', () => {
  // A page on another local port sets `NAME=x; path=/ws`: the browser sends it first.
  assert.equal(cookieCarriesToken(`${NAME}=x; other=1; ${NAME}=${TOKEN}`, NAME, TOKEN), true);
  assert.equal(cookieCarriesToken(`${NAME}=x; ${NAME}=y`, NAME, TOKEN), false);
});

test('hostile: at most MAX_TOKEN_COOKIES_COMPARED same-named cookies are compared', () => {
  const planted = Array.from({ length: MAX_TOKEN_COOKIES_COMPARED }, (_, i) => `${NAME}=p${i}`).join('; ');
  assert.equal(cookieValues(`${planted}; ${NAME}=${TOKEN}`, NAME).length, MAX_TOKEN_COOKIES_COMPARED);
  assert.equal(cookieCarriesToken(`${planted}; ${NAME}=${TOKEN}`, NAME, TOKEN), false);
  assert.equal(cookieCarriesToken(`${planted.split('; ').slice(1).join('; ')}; ${NAME}=${TOKEN}`, NAME, TOKEN), true);
});

test('property: no Cookie header makes the reader throw, and the real cookie is found wherever it sits', () => {
  const junkPair = fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 24 })).map(([k, v]) => `${k}=${v}`);
  fc.assert(
    fc.property(
      fc.array(fc.oneof(junkPair, fc.string({ maxLength: 24 })), { maxLength: 10 }),
      fc.nat(10),
      (junk, at) => {
        const header = junk.join('; ');
        assert.doesNotThrow(() => cookieCarriesToken(header, NAME, TOKEN));
        const withReal = [...junk.slice(0, at), `${NAME}=${TOKEN}`, ...junk.slice(at)].join('; ');
        const sameNamedBefore = junk.slice(0, at).filter((p) => cookieValues(p, NAME).length > 0).length;
        if (sameNamedBefore < MAX_TOKEN_COOKIES_COMPARED)
          assert.equal(cookieCarriesToken(withReal, NAME, TOKEN), true, withReal);
      },
    ),
    { seed: 9, numRuns: 500 },
  );
});

test('the Set-Cookie is HttpOnly, SameSite=Strict, for the whole server', () => {
  assert.equal(tokenSetCookie(NAME, TOKEN), `${NAME}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
});
