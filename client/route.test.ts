import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lessonHref, parseRoute } from './route.ts';

test('the home page and lesson pages are recognised', () => {
  assert.deepEqual(parseRoute('/', ''), { page: 'list' });
  assert.deepEqual(parseRoute('/lesson/tar-basics', ''), { page: 'lesson', lessonId: 'tar-basics', stepId: null });
  assert.deepEqual(parseRoute('/lesson/tar-basics/', '#look-inside'), {
    page: 'lesson',
    lessonId: 'tar-basics',
    stepId: 'look-inside',
  });
  assert.deepEqual(parseRoute('/elsewhere', ''), { page: 'missing', path: '/elsewhere' });
});

test('lesson ids with slashes and odd characters survive a round trip', () => {
  const id = 'course one/step #2 ü';
  const href = lessonHref(id, 'a b');
  const [path, hash] = href.split('#');
  assert.deepEqual(parseRoute(path!, `#${hash}`), { page: 'lesson', lessonId: id, stepId: 'a b' });
});

test('a malformed escape names no lesson instead of throwing', () => {
  assert.equal(parseRoute('/lesson/%E0%A4%A', '').page, 'missing');
  assert.deepEqual(parseRoute('/lesson/ok', '#%E0%A4%A'), { page: 'lesson', lessonId: 'ok', stepId: null });
});

test('a class adds /join and /instructor; near misses are not them', () => {
  assert.deepEqual(parseRoute('/join', ''), { page: 'join' });
  assert.deepEqual(parseRoute('/instructor', ''), { page: 'instructor' });
  assert.deepEqual(parseRoute('/joinx', ''), { page: 'missing', path: '/joinx' });
  assert.deepEqual(parseRoute('/instructor/x', ''), { page: 'missing', path: '/instructor/x' });
});
