import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LESSON_NAME_PREFIX, lessonAttributeValue, prefixTokens } from './lesson-names.ts';

test('every class token moves into the lesson namespace, once', () => {
  assert.equal(lessonAttributeValue('class', 'toasts'), 'user-content-toasts');
  assert.equal(lessonAttributeValue('CLASS', ' toast  toast-error\n'), 'user-content-toast user-content-toast-error');
  assert.equal(lessonAttributeValue('class', 'user-content-note'), 'user-content-note', 'not prefixed twice');
  assert.equal(lessonAttributeValue('class', '   '), '');
});

test('attributes that refer to ids follow the ids they refer to', () => {
  assert.equal(lessonAttributeValue('for', 'app'), 'user-content-app');
  assert.equal(lessonAttributeValue('aria-describedby', 'a b'), 'user-content-a user-content-b');
  assert.equal(lessonAttributeValue('usemap', '#planets'), '#user-content-planets');
  assert.equal(lessonAttributeValue('usemap', 'planets'), 'planets', 'not a reference: left for the browser to ignore');
});

test('other attributes are left alone', () => {
  assert.equal(lessonAttributeValue('href', '#cell/s1.c1'), '#cell/s1.c1');
  assert.equal(lessonAttributeValue('data-cell-slot', 's1.c2'), 's1.c2');
  assert.equal(lessonAttributeValue('alt', 'toast'), 'toast');
});

test('a prefixed name can never equal an unprefixed one', () => {
  for (const name of ['app', 'toast', '__pwned', 'constructor', '']) {
    const out = prefixTokens(name);
    assert.ok(out === '' || out.startsWith(LESSON_NAME_PREFIX), out);
  }
});
