import { test } from 'node:test';
import assert from 'node:assert/strict';
import { typedForm } from './shell-terminal.ts';

test('one line is typed with Enter', () => {
  assert.equal(typedForm('echo hi'), 'echo hi\r');
  assert.equal(typedForm('echo hi\n\n'), 'echo hi\r', 'trailing newlines are not extra Enters');
});

test('several lines are one bracketed paste, then Enter', () => {
  assert.equal(typedForm('a\r\nb\n'), '\x1b[200~a\nb\x1b[201~\r');
});

test('hostile: a paste-end sequence inside the command cannot end the paste early', () => {
  const typed = typedForm('echo \x1b[201~rm -rf x\necho y');
  assert.equal(typed.match(/\x1b\[201~/g)?.length, 1);
  assert.ok(typed.endsWith('\x1b[201~\r'));
});
