import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineSocketError, pingPinned, pinSocket } from './engine-socket.ts';
import { createServer as createHttpServer } from 'node:http';

test('a pinned socket keeps reaching its own server after the name is swapped for a symlink', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swes-'));
  const own = createHttpServer((_req, res) => res.writeHead(200).end('OK'));
  const other = createHttpServer((_req, res) => res.writeHead(500).end('other'));
  try {
    await new Promise<void>((done) => own.listen(join(dir, 'docker.sock'), done));
    await new Promise<void>((done) => other.listen(join(dir, 'other.sock'), done));
    const pinned = pinSocket(join(dir, 'docker.sock'));
    assert.equal(await pingPinned(pinned, 5000), true);
    renameSync(join(dir, 'docker.sock'), join(dir, 'moved.sock'));
    symlinkSync(join(dir, 'other.sock'), join(dir, 'docker.sock'));
    assert.equal(await pingPinned(pinned, 5000), true, "still the pinned inode, not the symlink's target");
    assert.throws(() => pinSocket(join(dir, 'docker.sock')), EngineSocketError, 'a symlink is never pinned');
    pinned.close();
  } finally {
    own.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder or a missing name is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swes-'));
  try {
    assert.throws(() => pinSocket(join(dir, 'missing.sock')), /ENOENT/);
    assert.throws(() => pinSocket(dir), EngineSocketError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
