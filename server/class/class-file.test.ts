import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { ClassNameError, classFileName, classFilePath } from './class-file.ts';

test('class names map to one plain file inside the classes folder, whatever they hold', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 100 }), (name) => {
      let path: string;
      try {
        path = classFilePath('/state', name);
      } catch (e: unknown) {
        assert.ok(e instanceof ClassNameError);
        return;
      }
      assert.equal(dirname(path), join('/state', 'classes'));
      assert.match(path.slice('/state/classes/'.length), /^[a-z0-9][a-z0-9-]*-[0-9a-f]{16}\.sqlite$/);
    }),
  );
});

test('names that slug alike keep their own files; hostile names are refused or made plain', () => {
  assert.notEqual(classFileName('Docker 101'), classFileName('docker-101'));
  assert.match(classFileName('Docker 101'), /^docker-101-[0-9a-f]{16}\.sqlite$/);
  assert.match(classFilePath('/s', '../../etc/passwd'), /^\/s\/classes\/etc-passwd-[0-9a-f]{16}\.sqlite$/);
  assert.match(classFilePath('/s', '...'), /^\/s\/classes\/class-[0-9a-f]{16}\.sqlite$/);
  assert.throws(() => classFilePath('/s', '   '), ClassNameError);
  assert.throws(() => classFilePath('/s', 'a\u0000b'), ClassNameError);
  assert.throws(() => classFilePath('/s', 'x'.repeat(101)), ClassNameError);
});
