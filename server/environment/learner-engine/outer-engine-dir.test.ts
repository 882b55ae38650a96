// Where the userns level's outer dockerd keeps its files: beside the state folder when the remapped root can
// pass every folder above it and the sockets fit, otherwise a short folder of its own under /var/lib/stepwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTER_ENGINE_FALLBACK_ROOT, outerEngineDir } from './outer-engine.ts';

test('a state folder below a folder others cannot pass (mkdtemp makes 0700) gets the fallback, one per folder', () => {
  const closed = mkdtempSync(join(tmpdir(), 'sw-outer-'));
  try {
    const a = outerEngineDir(join(closed, 'stepwise', 'learner-engines'));
    const b = outerEngineDir(join(closed, 'other', 'learner-engines'));
    assert.match(a, new RegExp(`^${OUTER_ENGINE_FALLBACK_ROOT}/outer-[0-9a-f]{16}$`));
    assert.notEqual(a, b);
    assert.equal(outerEngineDir(join(closed, 'stepwise', 'learner-engines')), a, 'the same folder each start');
    chmodSync(closed, 0o711);
    assert.equal(
      outerEngineDir(join(closed, 'stepwise', 'learner-engines')),
      join(closed, 'stepwise', 'learner-engines', 'outer'),
    );
  } finally {
    rmSync(closed, { recursive: true, force: true });
  }
});

test('a state folder too deep for the outer dockerd sockets gets the fallback', () => {
  const deep = join(tmpdir(), 'x'.repeat(60), 'y'.repeat(40), 'learner-engines');
  assert.ok(outerEngineDir(deep).startsWith(`${OUTER_ENGINE_FALLBACK_ROOT}/outer-`));
});
