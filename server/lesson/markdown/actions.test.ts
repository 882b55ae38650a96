import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leadingActionMark, parseActionMark } from './actions.ts';

test('action words in any order and any case', () => {
  assert.deepEqual(parseActionMark('execute'), {
    type: 'cell',
    kind: 'exec',
    terminal: 1,
    noNewline: false,
    runnable: true,
    opensFile: false,
    unknownWords: [],
  });
  assert.deepEqual(parseActionMark('EXEC interrupt T3'), {
    type: 'cell',
    kind: 'interrupt',
    terminal: 3,
    noNewline: false,
    runnable: true,
    opensFile: false,
    unknownWords: [],
  });
  assert.deepEqual(parseActionMark('Execute t2 HOST2 no-newline'), {
    type: 'cell',
    kind: 'exec',
    terminal: 2,
    host: 2,
    noNewline: true,
    runnable: true,
    opensFile: false,
    unknownWords: [],
  });
  assert.deepEqual(parseActionMark('execute ctrl-seq'), {
    type: 'cell',
    kind: 'keys',
    terminal: 1,
    noNewline: false,
    runnable: true,
    opensFile: false,
    unknownWords: [],
  });
  assert.deepEqual(parseActionMark('copy'), {
    type: 'cell',
    kind: 'copy',
    terminal: 1,
    noNewline: false,
    runnable: false,
    opensFile: false,
    unknownWords: [],
  });
  assert.deepEqual(parseActionMark('open'), {
    type: 'cell',
    kind: 'file',
    terminal: 1,
    noNewline: false,
    runnable: true,
    opensFile: true,
    unknownWords: [],
  });
  assert.deepEqual(parseActionMark('  '), { type: 'plain' });
});

test('unknown words are kept for reporting; other {{...}} are not actions', () => {
  const mark = parseActionMark('exec fast T2');
  assert.ok(mark?.type === 'cell');
  assert.deepEqual(mark.unknownWords, ['fast']);
  assert.equal(parseActionMark('TRAFFIC_HOST1_80'), null);
  assert.equal(parseActionMark('< figure src="x" >'), null);
  assert.equal(leadingActionMark('{{exec}} rest')?.length, 8);
  assert.equal(leadingActionMark(' {{exec}}'), null);
});
