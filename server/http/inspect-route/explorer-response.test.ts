import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image, InspectResult } from '../../core/index.ts';
import { explorerResponseSchema } from '../../protocol/index.ts';
import { toExplorerResponse } from './explorer-response.ts';

const config: Image['config'] = {
  Cmd: ['sh'],
  Entrypoint: null,
  Env: null,
  WorkingDir: null,
  User: null,
  ExposedPorts: null,
  Labels: null,
  architecture: 'amd64',
  os: 'linux',
  history: [],
};

function layer(
  createdBy: string,
  entryList: NonNullable<Image['layers'][number]['entryList']>,
  changes: Image['layers'][number]['changes'],
): Image['layers'][number] {
  return {
    digest: 'sha256:aa',
    declaredDigest: 'sha256:aa',
    diffId: 'sha256:bb',
    declaredDiffId: 'sha256:bb',
    mediaType: null,
    compression: 'none',
    size: 2048,
    uncompressedSize: 2048,
    entries: entryList.length,
    verified: true,
    createdBy,
    entryList,
    changes,
  };
}

test('layers, merged paths and whiteout entries map onto the explorer shape, which validates', () => {
  const result: InspectResult = {
    source: 'img.tar',
    format: 'docker-archive',
    verified: true,
    read: { mode: 'parallel', concurrency: 2, reason: 'a file can be read by more than one reader' },
    warnings: [],
    images: [
      {
        tags: ['demo:1'],
        configDigest: 'sha256:cc',
        manifestDigest: null,
        platform: null,
        config,
        fileCount: 2,
        wastedBytes: 4,
        layers: [
          layer(
            '/bin/sh -c #(nop) ADD file',
            [
              { path: '/etc/', kind: 'dir', size: 0, mode: 0o755 },
              { path: '/etc/motd', kind: 'file', size: 4, mode: 0o644 },
            ],
            { added: ['/etc/', '/etc/motd'], changed: [], removed: [] },
          ),
          layer(
            '/bin/sh -c rm /etc/motd && echo hi > /hello.txt',
            [
              { path: '/etc/.wh.motd', kind: 'whiteout', size: 0, mode: 0 },
              { path: '/var/.wh..wh..opq', kind: 'opaque', size: 0, mode: 0 },
              { path: '/hello.txt', kind: 'file', size: 3, mode: 0o644 },
            ],
            { added: ['/hello.txt'], changed: [], removed: ['/etc/motd'] },
          ),
        ],
        paths: [
          { path: '/etc/', kind: 'dir', size: 0, layer: 0 },
          { path: '/hello.txt', kind: 'file', size: 3, layer: 1 },
        ],
      },
    ],
  };
  const res = toExplorerResponse(result);
  assert.ok(explorerResponseSchema.safeParse(res).success);
  const img = res.images[0]!;
  assert.deepEqual(
    img.layers.map((l) => l.index),
    [0, 1],
  );
  assert.deepEqual(img.layers[1]!.added, ['/hello.txt']);
  assert.deepEqual(img.layers[1]!.removed, ['/etc/motd']);
  assert.equal(img.layers[1]!.createdBy, '/bin/sh -c rm /etc/motd && echo hi > /hello.txt');
  assert.deepEqual(
    img.paths.find((p) => p.path === '/hello.txt'),
    { path: '/hello.txt', kind: 'file', size: 3, layer: 1 },
  );
  assert.deepEqual(img.whiteouts, [
    { path: '/etc/.wh.motd', layer: 1 },
    { path: '/var/.wh..wh..opq', layer: 1 },
  ]);
});

test('an image read without per-path detail maps to empty lists rather than failing', () => {
  const res = toExplorerResponse({
    source: 'docker://x',
    format: 'docker-engine',
    verified: false,
    warnings: [],
    read: { mode: 'single-pass', concurrency: 1, reason: "the engine's export is a stream, read only once" },
    images: [
      {
        tags: [],
        configDigest: null,
        manifestDigest: null,
        platform: null,
        config,
        fileCount: 0,
        wastedBytes: 0,
        layers: [layer('', [], undefined)],
      },
    ],
  });
  assert.deepEqual(res.images[0]!.paths, []);
  assert.deepEqual(res.images[0]!.layers[0]!.added, []);
  assert.ok(explorerResponseSchema.safeParse(res).success);
});
