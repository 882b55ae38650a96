import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { CodedError, describeError, ERROR_CODES, INTERNAL_MESSAGE, isErrorCode } from './errors.ts';
import { decodeServerMessage, encodeServerMessage } from './messages.ts';

test('a Node system error goes out as INTERNAL, without its host path', async () => {
  const secret = '/home/someone/.ssh/id_ed25519-no-such-file';
  const systemError: unknown = await readFile(secret).catch((e: unknown) => e);
  assert.ok(
    systemError instanceof Error && 'code' in systemError,
    'readFile of a missing file rejects with a system error',
  );
  const described = describeError(systemError);
  assert.deepEqual(described, { code: 'INTERNAL', message: INTERNAL_MESSAGE });
  assert.doesNotMatch(JSON.stringify(described), /someone|ENOENT/);
});

test('anything that is not a CodedError is INTERNAL; a CodedError keeps its code and message', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.anything(), (code, message, thrown) => {
      const lookalike = Object.assign(new Error(message), { code });
      assert.deepEqual(describeError(lookalike), { code: 'INTERNAL', message: INTERNAL_MESSAGE });
      assert.equal(describeError(thrown).code, 'INTERNAL');
    }),
  );
  fc.assert(
    fc.property(fc.constantFrom(...ERROR_CODES), fc.string(), (code, message) => {
      assert.deepEqual(describeError(new CodedError(code, message)), { code, message });
    }),
  );
});

test("the wire's error.code is the closed list: an unknown code does not decode", () => {
  const known = decodeServerMessage(encodeServerMessage({ type: 'error', code: 'SCRIPT_FAILED', message: 'x' }));
  assert.equal(known.ok, true);
  const unknown = decodeServerMessage(JSON.stringify({ v: 1, type: 'error', code: 'ENOENT', message: 'x' }));
  assert.equal(unknown.ok, false);
  assert.equal(isErrorCode('ENOENT'), false);
});

test('subclasses are named after themselves, for logs', () => {
  class ExampleError extends CodedError<'BUSY'> {}
  const e = new ExampleError('BUSY', 'busy');
  assert.equal(e.name, 'ExampleError');
  assert.ok(e instanceof CodedError);
});

test('no two close codes share a number', async () => {
  const closes = Object.entries(await import('./errors.ts')).filter(([name]) => name.startsWith('CLOSE_'));
  assert.equal(new Set(closes.map(([, value]) => value)).size, closes.length, JSON.stringify(closes));
});
