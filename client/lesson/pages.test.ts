import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LessonView, StepView } from '../../server/protocol/index.ts';
import { catchUpTarget, initialPageIndex, isPageOpen, lessonPages } from './pages.ts';

function step(id: string, index: number): StepView {
  return { id, index, title: id.toUpperCase(), blocks: [], checks: 1, hints: [] };
}

function lesson(over: Partial<LessonView> = {}): LessonView {
  return {
    id: 'l',
    title: 'L',
    description: '',
    unlock: 'checks',
    terminals: 1,
    requires: [],
    intro: [{ type: 'prose', markdown: 'hi' }],
    steps: [step('a', 1), step('b', 2), step('c', 3)],
    finish: [{ type: 'prose', markdown: 'bye' }],
    completedSteps: [],
    ...over,
  };
}

test('pages are intro, steps, finish; steps open in order as earlier ones complete', () => {
  const view = lesson();
  const pages = lessonPages(view);
  assert.deepEqual(
    pages.map((p) => p.key),
    ['intro', 'a', 'b', 'c', 'finish'],
  );
  const open = (done: string[]) => pages.map((p) => isPageOpen(view, new Set(done), p));
  assert.deepEqual(open([]), [true, true, false, false, false]);
  assert.deepEqual(open(['a']), [true, true, true, false, false]);
  assert.deepEqual(open(['b']), [true, true, false, false, false], 'step b alone does not open c: a is not done');
  assert.deepEqual(open(['a', 'b', 'c']), [true, true, true, true, true]);
});

test('unlock: free opens everything', () => {
  const view = lesson({ unlock: 'free' });
  assert.ok(lessonPages(view).every((p) => isPageOpen(view, new Set(), p)));
});

test('Catch up targets the first incomplete step, only when something before it is done', () => {
  const view = lesson();
  assert.equal(catchUpTarget(view, new Set()), null);
  assert.equal(catchUpTarget(view, new Set(['a']))?.id, 'b');
  assert.equal(catchUpTarget(view, new Set(['a', 'b']))?.id, 'c');
  assert.equal(catchUpTarget(view, new Set(['a', 'b', 'c']))?.id, 'c', 'all done: bring back all but the last step');
  assert.equal(catchUpTarget(lesson({ steps: [step('only', 1)] }), new Set(['only'])), null);
});

test('the first page is the one asked for if open, else where the learner left off', () => {
  const view = lesson();
  assert.equal(initialPageIndex(view, new Set(), null), 0);
  assert.equal(initialPageIndex(view, new Set(['a']), null), 2);
  assert.equal(initialPageIndex(view, new Set(['a']), 'a'), 1);
  assert.equal(initialPageIndex(view, new Set(), 'c'), 0, 'a locked step asked for by URL is not shown');
  assert.equal(initialPageIndex(view, new Set(), 'nope'), 0);
});
