// Walking a merged tree: lstat versus stat, symlinks resolved from the image's own root, loops bounded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryKind, LayerEntry, MergedPath } from '../model.ts';
import { canonicalPath, MergedTree } from './merged-tree.ts';

function tree(entries: [path: string, kind: EntryKind, linkTarget?: string][]): MergedTree {
  const layer: LayerEntry[] = entries.map(([path, kind, linkTarget]) => ({
    path,
    kind,
    size: 0,
    mode: 0o644,
    ...(linkTarget ? { linkTarget } : {}),
  }));
  const paths: MergedPath[] = layer.map((e) => ({ path: e.path, kind: e.kind, size: 0, layer: 0 }));
  return new MergedTree(paths, [layer], 4);
}

const image = tree([
  ['/etc/', 'dir'],
  ['/etc/hostname', 'file'],
  ['/etc/up', 'symlink', '../../../../etc/hostname'],
  ['/bin', 'symlink', 'usr/bin'],
  ['/usr/', 'dir'],
  ['/usr/bin/', 'dir'],
  ['/usr/bin/sh', 'file'],
  ['/a', 'symlink', 'b'],
  ['/b', 'symlink', 'a'],
  ['/file', 'file'],
]);

function landsOn(path: string, followFinal: boolean): string {
  const walk = image.walk(path, followFinal);
  return walk.found ? `${walk.node.key || '/'} (${walk.node.path.kind})` : `${walk.why} at ${walk.key}`;
}

describe('MergedTree.walk', () => {
  it('follows symlinked directories on the way, and a final symlink only when asked', () => {
    assert.equal(landsOn('/bin/sh', false), '/usr/bin/sh (file)');
    assert.equal(landsOn('/bin', false), '/bin (symlink)');
    assert.equal(landsOn('/bin', true), '/usr/bin (dir)');
  });

  it('resolves ".." in a link target at the image root, never above it', () => {
    assert.equal(landsOn('/etc/up', true), '/etc/hostname (file)');
    assert.equal(landsOn('/../../etc/hostname', false), '/etc/hostname (file)');
    assert.equal(canonicalPath('a/../../b/./c/'), '/b/c');
  });

  it('says what stopped a walk: a missing part, a file used as a directory, a loop', () => {
    assert.equal(landsOn('/nothing/here', false), 'missing at /nothing');
    assert.equal(landsOn('/file/x', false), 'not-a-directory at /file');
    assert.equal(landsOn('/a', true), 'symlink-loop at /a');
    assert.equal(landsOn('/a', false), '/a (symlink)', 'lstat of a looping link still finds the link');
    assert.equal(landsOn('/', false), '/ (dir)');
  });
});
