// Where the userns level's outer dockerd keeps its files: beside the state folder when the remapped root can
// pass every folder above it and the sockets fit, otherwise a short folder of its own under /var/lib/stepwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOwnedFolder, OUTER_ENGINE_FALLBACK_ROOT, OuterEngineError, outerEngineDir } from './outer-engine.ts';

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

test('the fallback folder is trusted only as a real folder of ours that no one else can write', () => {
  const base = mkdtempSync(join(tmpdir(), 'sw-owned-'));
  const uid = process.getuid?.() ?? 0;
  try {
    const good = join(base, 'good');
    mkdirSync(good, { mode: 0o711 });
    chmodSync(good, 0o711);
    assert.doesNotThrow(() => assertOwnedFolder(good, uid));

    const refused = (path: string, owner = uid): void =>
      assert.throws(
        () => assertOwnedFolder(path, owner),
        (e: unknown) =>
          e instanceof OuterEngineError &&
          e.message.includes(`${path} must be a folder owned by uid ${owner} that no one else can write`),
      );
    refused(good, uid + 1); // someone else's folder
    for (const mode of [0o777, 0o731, 0o713]) {
      const writable = join(base, `writable-${mode.toString(8)}`);
      mkdirSync(writable);
      chmodSync(writable, mode); // group- or world-writable: another user could plant a socket or a pid file
      refused(writable);
    }
    const link = join(base, 'link');
    symlinkSync(good, link); // a symlink to a good folder is still not that folder
    refused(link);
    const file = join(base, 'file');
    writeFileSync(file, '');
    refused(file);
    refused(join(base, 'missing'));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
