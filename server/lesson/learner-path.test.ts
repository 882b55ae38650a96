import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { learnerPath, MAX_LEARNER_PATH_LENGTH } from './learner-path.ts';

test('relative paths are normalised; Katacoda home prefixes mean the working directory', () => {
  assert.deepEqual(learnerPath('app.js'), { ok: true, path: 'app.js' });
  assert.deepEqual(learnerPath('./src//a/./b.txt'), { ok: true, path: 'src/a/b.txt' });
  assert.deepEqual(learnerPath('~/app/main.go'), { ok: true, path: 'app/main.go' });
  assert.deepEqual(learnerPath('/root/k8s/pod.yaml'), { ok: true, path: 'k8s/pod.yaml' });
});

test('escapes and junk are refused with a reason that names the problem', () => {
  const refused: [string, RegExp][] = [
    ['../outside', /climbs out/],
    ['a/../../b', /climbs out/],
    ['~/../etc/passwd', /climbs out/],
    ['/etc/passwd', /is absolute/],
    ['/root/../etc/x', /climbs out/],
    ['~//etc/x', /is absolute/],
    ['C:\\x', /is absolute/],
    ['a\\..\\..\\b', /climbs out/],
    ['', /names no file/],
    ['.', /names no file/],
    ['dir/', /names a folder/],
    ['a\u0000b', /control character/],
    ['a\nb', /control character/],
    ['x'.repeat(MAX_LEARNER_PATH_LENGTH + 1), /longer than/],
  ];
  for (const [path, reason] of refused) {
    const result = learnerPath(path);
    assert.equal(result.ok, false, path);
    if (!result.ok) assert.match(result.reason, reason, path);
  }
});

test('property: an accepted path is relative and stays inside the working directory', () => {
  const segment = fc.constantFrom('..', '.', 'a', 'b c', '', '~', 'root', '..a', '/', '\\');
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 8 }), fc.constantFrom('', '/', '~/', '/root/'), (parts, lead) => {
      const result = learnerPath(lead + parts.join('/'));
      if (!result.ok) return;
      assert.ok(!posix.isAbsolute(result.path), result.path);
      const inside = posix.resolve('/work', result.path);
      assert.ok(inside.startsWith('/work/') && inside !== '/work', `${result.path} -> ${inside}`);
    }),
  );
});
