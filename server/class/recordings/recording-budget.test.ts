// The recordings' disk budget: per learner and per class, reserved at a cast's start and settled at its end,
// counting what earlier runs left on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingBudget } from './recording-budget.ts';

test('a learner gets at most their share and the class at most its total; unwritten reservations come back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-budget-'));
  try {
    const budget = new RecordingBudget(dir, { perLearner: 1000, perClass: 1500 });
    assert.equal(budget.left('ana'), 1000);
    budget.reserve('ana', 800);
    assert.equal(budget.left('ana'), 200);
    assert.equal(budget.left('ben'), 700, 'the class total caps another learner');
    budget.settle('ana', 800, 100);
    assert.equal(budget.left('ana'), 900);
    budget.settle('ana', 0, 5000); // a writer never writes more than it reserved; the account stays in bounds
    assert.equal(budget.left('ana'), 900);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('casts left by an earlier run count from the start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-budget-'));
  try {
    mkdirSync(join(dir, 'ana'));
    writeFileSync(join(dir, 'ana', '0123456789abcdef.cast'), 'x'.repeat(300));
    writeFileSync(join(dir, 'ana', '0123456789abcdef.json'), 'x'.repeat(5000)); // metadata is not cast bytes
    const budget = new RecordingBudget(dir, { perLearner: 1000, perClass: 10_000 });
    assert.equal(budget.left('ana'), 700);
    assert.equal(budget.left('ben'), 1000);
    assert.equal(new RecordingBudget(join(dir, 'missing'), { perLearner: 10, perClass: 10 }).left('ana'), 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
