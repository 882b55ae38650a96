import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLearnerName, nameKey } from './learner-name.ts';
import { CLASS_CODE_ALPHABET, codeMatches, newClassCode, normaliseClassCode } from './secrets.ts';

test('names are NFC-normalised and trimmed; empty, long and control-laden names are refused', () => {
  assert.deepEqual(checkLearnerName('  Ana  '), { ok: true, name: 'Ana' });
  assert.deepEqual(checkLearnerName('Zoe\u0308'), { ok: true, name: 'Zoë' }); // decomposed ë becomes one code point
  assert.deepEqual(checkLearnerName('é'.repeat(40)), { ok: true, name: 'é'.repeat(40) });
  for (const bad of ['', '   ', 'x'.repeat(41), 'a\nb', 'a\u001b[31mb', 'a\u202eb', 'a\u200bb', 42, null]) {
    assert.equal(checkLearnerName(bad).ok, false, JSON.stringify(bad));
  }
  assert.equal(nameKey('Ana'), nameKey('ANA'));
});

test('class codes are XXXX-XXXX from the unambiguous alphabet, and match however they are typed', () => {
  for (let i = 0; i < 200; i++) {
    const code = newClassCode();
    assert.match(code, new RegExp(`^[${CLASS_CODE_ALPHABET}]{4}-[${CLASS_CODE_ALPHABET}]{4}$`));
    assert.ok(codeMatches(code, code.toLowerCase().replace('-', ' ')));
  }
  assert.doesNotMatch(CLASS_CODE_ALPHABET, /[01ILO]/);
  assert.equal(normaliseClassCode(' abcd efgh '), 'ABCD-EFGH');
  assert.equal(codeMatches('ABCD-EFGH', 'ABCD-EFGJ'), false);
  assert.equal(codeMatches('ABCD-EFGH', ''), false);
});
