import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestorsOf, buildTree, whiteoutTarget, type TreeNode } from './tree.ts';

function find(root: TreeNode, path: string): TreeNode | undefined {
  if (root.path === path) return root;
  for (const c of root.children ?? []) {
    const hit = find(c, path);
    if (hit) return hit;
  }
  return undefined;
}

test('whiteout entries name what they remove, as written or already resolved', () => {
  assert.deepEqual(whiteoutTarget('/etc/.wh.motd'), { kind: 'remove', path: '/etc/motd' });
  assert.deepEqual(whiteoutTarget('/.wh.tmp'), { kind: 'remove', path: '/tmp' });
  assert.deepEqual(whiteoutTarget('/var/cache/.wh..wh..opq'), { kind: 'opaque', dir: '/var/cache/' });
  assert.deepEqual(whiteoutTarget('/etc/motd'), { kind: 'remove', path: '/etc/motd' });
});

test('the tree keeps each path’s layer, adds implied directories, sums sizes and sorts folders first', () => {
  const root = buildTree({
    paths: [
      { path: '/bin/', kind: 'dir', size: 0, layer: 0 },
      { path: '/bin/sh', kind: 'file', size: 100, layer: 0 },
      { path: '/hello.txt', kind: 'file', size: 6, layer: 1 },
      { path: '/usr/lib/x.so', kind: 'file', size: 50, layer: 0 },
      { path: '/a-file', kind: 'symlink', size: 0, layer: 1 },
    ],
    whiteouts: [],
  });
  assert.deepEqual(
    root.children!.map((c) => c.name),
    ['bin', 'usr', 'a-file', 'hello.txt'],
  );
  assert.equal(find(root, '/hello.txt')!.layer, 1);
  assert.equal(find(root, '/usr/')!.layer, -1, 'implied by a deeper path');
  assert.equal(find(root, '/usr/lib/')!.size, 50);
  assert.equal(root.size, 156);
});

test('removed paths become ghost nodes; re-added ones do not; opaque folders are marked', () => {
  const root = buildTree({
    paths: [
      { path: '/etc/', kind: 'dir', size: 0, layer: 0 },
      { path: '/etc/passwd', kind: 'file', size: 10, layer: 0 },
      { path: '/etc/hosts', kind: 'file', size: 10, layer: 2 },
      { path: '/cache/', kind: 'dir', size: 0, layer: 1 },
    ],
    whiteouts: [
      { path: '/etc/.wh.motd', layer: 1 },
      { path: '/etc/.wh.hosts', layer: 1 },
      { path: '/cache/.wh..wh..opq', layer: 1 },
      { path: '/gone/deep/.wh.file', layer: 2 },
    ],
  });
  const motd = find(root, '/etc/motd')!;
  assert.equal(motd.kind, 'whiteout');
  assert.equal(motd.removedBy, 1);
  assert.equal(find(root, '/etc/hosts')!.kind, 'file', 'written again in L3, so not a ghost');
  assert.equal(find(root, '/cache/')!.opaqueIn, 1);
  assert.equal(find(root, '/gone/deep/file')!.removedBy, 2);
});

test('a hostile path cannot smuggle an empty or root name into the tree', () => {
  const root = buildTree({
    paths: [
      { path: '/', kind: 'dir', size: 0, layer: 0 },
      { path: '//x//y', kind: 'file', size: 1, layer: 0 },
    ],
    whiteouts: [{ path: '/', layer: 0 }],
  });
  assert.deepEqual(
    root.children!.map((c) => c.name),
    ['x'],
  );
  assert.equal(find(root, '/x/y')!.size, 1);
});

test('ancestorsOf lists the folders to open to reveal a path', () => {
  assert.deepEqual(ancestorsOf('/usr/lib/x.so'), ['/usr/', '/usr/lib/']);
  assert.deepEqual(ancestorsOf('/hello.txt'), []);
});
