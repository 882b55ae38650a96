// The OCI whiteout rules of the merged filesystem, one rule per test.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryKind, LayerEntry } from '../model.ts';
import { mergeLayers } from './merge.ts';

function e(path: string, size = 0, kind?: EntryKind): LayerEntry {
  const base = path.slice(path.lastIndexOf('/', path.length - 2) + 1);
  const k: EntryKind =
    kind ??
    (path.endsWith('/') ? 'dir' : base === '.wh..wh..opq' ? 'opaque' : base.startsWith('.wh.') ? 'whiteout' : 'file');
  return { path, kind: k, size, mode: 0o644 };
}

function pathsOf(layers: LayerEntry[][]): Record<string, number> {
  return Object.fromEntries(mergeLayers(layers).paths.map((p) => [p.path, p.layer]));
}

describe('mergeLayers', () => {
  it('records the layer that last wrote each path, and implied parents as -1', () => {
    assert.deepEqual(pathsOf([[e('/a/b/c', 1)], [e('/a/b/c', 2), e('/x', 1)]]), {
      '/a/': -1,
      '/a/b/': -1,
      '/a/b/c': 1,
      '/x': 1,
    });
  });

  it('.wh.X removes X and its subtree from lower layers', () => {
    const merged = pathsOf([[e('/d/'), e('/d/f', 1), e('/d/sub/'), e('/d/sub/g', 1), e('/keep', 1)], [e('/.wh.d')]]);
    assert.deepEqual(merged, { '/keep': 0 });
  });

  it('a whiteout never touches its own layer, whatever the order of entries', () => {
    assert.deepEqual(pathsOf([[e('/f', 1)], [e('/f', 2), e('/.wh.f')]]), { '/f': 1 });
    assert.deepEqual(pathsOf([[e('/f', 1)], [e('/.wh.f'), e('/f', 2)]]), { '/f': 1 });
  });

  it('.wh..wh..opq hides lower children of its directory but not its own layer', () => {
    const merged = pathsOf([
      [e('/d/'), e('/d/old', 1), e('/d/sub/'), e('/d/sub/x', 1)],
      [e('/d/'), e('/d/new', 1), e('/d/.wh..wh..opq')],
    ]);
    assert.deepEqual(merged, { '/d/': 1, '/d/new': 1 });
  });

  it('a non-directory replacing a lower directory drops its subtree; a directory over a directory keeps it', () => {
    assert.deepEqual(pathsOf([[e('/d/'), e('/d/f', 1)], [e('/d', 5)]]), { '/d': 1 });
    assert.deepEqual(pathsOf([[e('/d/'), e('/d/f', 1)], [e('/d/')]]), { '/d/': 1, '/d/f': 0 });
  });

  it('a later duplicate entry wins', () => {
    const r = mergeLayers([[e('/f', 1), e('/f', 7)]]);
    assert.deepEqual(r.paths, [{ path: '/f', kind: 'file', size: 7, layer: 0 }]);
  });

  it('counts non-directory paths and reports per-layer changes', () => {
    const r = mergeLayers([
      [e('/etc/'), e('/etc/a', 1), e('/etc/b', 1), e('/bin/'), e('/bin/sh', 10)],
      [e('/etc/'), e('/etc/a', 2), e('/etc/.wh.b'), e('/etc/c', 3), e('/.wh.nothing')],
    ]);
    assert.equal(r.fileCount, 3);
    assert.deepEqual(r.changes[1], { added: ['/etc/c'], changed: ['/etc/', '/etc/a'], removed: ['/etc/b'] });
    assert.deepEqual(r.changes[0]!.removed, []);
  });

  it('counts wasted bytes as dive does: every copy of a path written by two or more layers', () => {
    // /f: 10 + 20 (both copies); /g: 4 + a whiteout of a file (0); /d: a whiteout of a 6-byte directory.
    const r = mergeLayers([
      [e('/f', 10), e('/g', 4), e('/d/'), e('/d/x', 6)],
      [e('/f', 20), e('/.wh.g'), e('/.wh.d')],
      [e('/d', 1)],
    ]);
    assert.equal(r.wastedBytes, 10 + 20 + 4 + 6 + 1);
  });
});
