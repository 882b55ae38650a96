import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../server/protocol/index.ts';
import { LessonState } from './lesson-state.ts';
import { cellOutcome } from './run-state.ts';

test('run messages move a cell through queued, running and done', () => {
  const s = new LessonState();
  s.runSent('s1.c1');
  assert.equal(s.cell('s1.c1').state, 'sent');
  assert.deepEqual(s.apply({ v: 1, type: 'runQueued', cellId: 's1.c1', position: 1 }), {
    kind: 'cell',
    cellId: 's1.c1',
  });
  assert.deepEqual(s.cell('s1.c1'), { state: 'queued', position: 1 });
  s.apply({ v: 1, type: 'runStarted', cellId: 's1.c1' });
  assert.equal(s.cell('s1.c1').state, 'running');
  const result: ServerMessage = {
    v: 1,
    type: 'runResult',
    cellId: 's1.c1',
    exitCode: 0,
    output: 'hi\n',
    durationMs: 3,
    truncated: false,
  };
  s.apply(result);
  const done = s.cell('s1.c1');
  assert.ok(done.state === 'done' && done.result.output === 'hi\n');
  assert.equal(s.dropUnanswered('s1.c1'), false, 'an answered run stays');
});

test('a run nobody answered can be dropped back to idle', () => {
  const s = new LessonState();
  s.runSent('x');
  assert.equal(s.dropUnanswered('x'), true);
  assert.equal(s.cell('x').state, 'idle');
});

test('progress reports a change only when the completed set changes', () => {
  const s = new LessonState();
  assert.deepEqual(s.apply({ v: 1, type: 'progress', completedSteps: ['a'] }), { kind: 'progress' });
  assert.deepEqual(s.apply({ v: 1, type: 'progress', completedSteps: ['a'] }), { kind: 'none' });
  assert.deepEqual(
    s.apply({ v: 1, type: 'welcome', sessionId: 's', fresh: true, terminals: [0], completedSteps: ['a', 'b'] }),
    { kind: 'progress' },
  );
  assert.deepEqual([...s.completed], ['a', 'b']);
});

test('clearRuns forgets runs and checks but keeps progress', () => {
  const s = new LessonState();
  s.setCompleted(['a']);
  s.runSent('c');
  s.checkSent('a');
  s.clearRuns();
  assert.equal(s.cell('c').state, 'idle');
  assert.equal(s.check('a').state, 'idle');
  assert.ok(s.completed.has('a'));
});

test('a cell’s outcome compares the exit code with what it expects', () => {
  assert.equal(cellOutcome({ exitCode: 0 }, 0), 'ok');
  assert.equal(cellOutcome({ exitCode: 1 }, 1), 'ok');
  assert.equal(cellOutcome({ exitCode: 1 }, 0), 'unexpected-exit');
  assert.equal(cellOutcome({ exitCode: null }, 0), 'interrupted');
});

test('finished runs are kept in the order they finished, a re-run at its latest place; Reset forgets them', () => {
  const s = new LessonState();
  const done = (cellId: string, exitCode: number): ServerMessage => ({
    v: 1,
    type: 'runResult',
    cellId,
    exitCode,
    output: '',
    durationMs: 1,
    truncated: false,
  });
  s.apply(done('a', 0));
  s.apply(done('b', 0));
  s.apply(done('a', 1));
  assert.deepEqual(
    [...s.runsInOrder()].map(([id, r]) => [id, r.exitCode]),
    [
      ['b', 0],
      ['a', 1],
    ],
  );
  s.clearRuns();
  assert.equal(s.runsInOrder().size, 0);
});
