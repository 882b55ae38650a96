// PtyWriter against a real pty: a system test (it needs node-pty and a shell), so it lives in test/, not beside the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import * as nodePty from 'node-pty';
import { PtyWriter } from '../server/environment/providers/pty-writer.ts';
import { PTY_INPUT_QUEUE_MAX_BYTES } from '../server/environment/limits.ts';

/** More than any pty input buffer holds, so the writer meets EAGAIN and must wait for the reader. */
const PASTE_BYTES = 256 * 1024;

function masterFd(pty: nodePty.IPty): number {
  const fd = (pty as unknown as { fd?: unknown }).fd;
  assert.equal(typeof fd, 'number', 'node-pty shows its master fd (LocalPty relies on it)');
  return fd as number;
}

test('a paste larger than the pty buffer arrives whole and in order, though the reader starts late', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-pty-writer-'));
  const out = join(dir, 'out');
  // Raw mode, no echo: input bytes pass unchanged. The reader starts after a pause, so the buffer fills first.
  const pty = nodePty.spawn('bash', ['--norc', '-c', `stty raw -echo; sleep 0.3; head -c ${PASTE_BYTES} > '${out}'`], { encoding: null });
  try {
    const writer = new PtyWriter(masterFd(pty));
    const paste = Buffer.from(randomBytes(PASTE_BYTES).toString('base64').slice(0, PASTE_BYTES)); // printable: no control keys
    await new Promise((r) => setTimeout(r, 100)); // let stty run first
    for (let i = 0; i < paste.length; i += 1000) writer.write(paste.subarray(i, i + 1000));
    const exit = await new Promise<number>((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
    writer.close();
    assert.equal(exit, 0);
    assert.ok(readFileSync(out).equals(paste), 'every byte, in order');
  } finally {
    pty.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('after close nothing is written, and what waited is dropped', async () => {
  const pty = nodePty.spawn('bash', ['--norc', '-c', 'stty raw -echo; sleep 0.3; head -c 5; echo; sleep 5'], { encoding: null });
  let seen = '';
  pty.onData((d: string | Buffer) => {
    seen += d.toString();
  });
  try {
    const writer = new PtyWriter(masterFd(pty));
    await new Promise((r) => setTimeout(r, 100));
    writer.close();
    writer.write(Buffer.from('hello'));
    await new Promise((r) => setTimeout(r, 700));
    assert.ok(!seen.includes('hello'), `nothing came through: ${JSON.stringify(seen)}`);
  } finally {
    pty.kill();
  }
});

test('bounded: past PTY_INPUT_QUEUE_MAX_BYTES write() says stop, and onDrain comes once the shell reads it all', { timeout: 60_000 }, async () => {
  // The shell sleeps in raw mode (it reads nothing), then swallows its input.
  const pty = nodePty.spawn('bash', ['--norc', '-c', 'stty raw -echo; sleep 1; cat > /dev/null'], { encoding: null });
  try {
    let drained = 0;
    const writer = new PtyWriter(masterFd(pty), () => drained++);
    await new Promise((r) => setTimeout(r, 100)); // let stty run first
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let accepted = 0;
    while (writer.write(chunk)) accepted += chunk.length;
    assert.ok(writer.pendingBytes >= PTY_INPUT_QUEUE_MAX_BYTES, `${writer.pendingBytes} bytes wait`);
    assert.ok(accepted < PTY_INPUT_QUEUE_MAX_BYTES + 64 * 1024 * 4, `stopped after ${accepted} bytes (the kernel took some)`);
    assert.equal(drained, 0);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (drained > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    assert.equal(writer.pendingBytes, 0);
    assert.equal(drained, 1, 'one drain per full queue');
    writer.close();
  } finally {
    pty.kill();
  }
});
