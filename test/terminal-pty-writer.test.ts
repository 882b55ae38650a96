// PtyWriter against a real pty: a system test (it needs node-pty and a shell), so it lives in test/, not beside the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
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

/** Resolves once the pty has printed `marker` (the shell says it is ready, or done). */
function printed(pty: nodePty.IPty, marker: string): Promise<string> {
  let seen = '';
  return new Promise((resolve) => {
    const sub = pty.onData((d: string | Buffer) => {
      seen += d.toString();
      if (!seen.includes(marker)) return;
      sub.dispose();
      resolve(seen);
    });
  });
}

test(
  'a paste larger than the pty buffer arrives whole and in order, though the reader starts late',
  { timeout: 20_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-pty-writer-'));
    const out = join(dir, 'out');
    const gate = join(dir, 'gate');
    execFileSync('mkfifo', [gate]);
    // Raw mode, no echo: input bytes pass unchanged. The shell says READY once raw, then waits at the gate (a fifo)
    // until the whole paste has been handed to the writer, so the pty's input buffer fills before anyone reads.
    const script = `stty raw -echo; printf READY; cat '${gate}' > /dev/null; head -c ${PASTE_BYTES} > '${out}'`;
    const pty = nodePty.spawn('bash', ['--norc', '-c', script], { encoding: null });
    try {
      const exit = new Promise<number>((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
      const writer = new PtyWriter(masterFd(pty));
      const paste = Buffer.from(randomBytes(PASTE_BYTES).toString('base64').slice(0, PASTE_BYTES)); // printable: no control keys
      await printed(pty, 'READY');
      for (let i = 0; i < paste.length; i += 1000) writer.write(paste.subarray(i, i + 1000));
      await writeFile(gate, ''); // opens the fifo (the shell is waiting in cat) and closes it: the reader starts
      assert.equal(await exit, 0);
      writer.close();
      assert.ok(readFileSync(out).equals(paste), 'every byte, in order');
    } finally {
      pty.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('after close nothing is written', { timeout: 20_000 }, async () => {
  // The shell reads the first 5 input bytes once raw, then prints them. The writer, closed, is given "hello" first;
  // node-pty's own write then sends "ABCDE". The writer writes synchronously, so had it written, "hello" came first.
  const pty = nodePty.spawn(
    'bash',
    ['--norc', '-c', 'stty raw -echo; printf READY; head -c 5; echo; echo DONE; sleep 5'],
    {
      encoding: null,
    },
  );
  try {
    const writer = new PtyWriter(masterFd(pty));
    await printed(pty, 'READY');
    writer.close();
    writer.write(Buffer.from('hello'));
    const done = printed(pty, 'DONE');
    pty.write('ABCDE');
    const seen = await done;
    assert.match(seen, /ABCDE/, 'the shell read the bytes that were written after');
    assert.ok(!seen.includes('hello'), `nothing came through the closed writer: ${JSON.stringify(seen)}`);
  } finally {
    pty.kill();
  }
});

test(
  'bounded: past PTY_INPUT_QUEUE_MAX_BYTES write() says stop, and onDrain comes once the shell reads it all',
  { timeout: 60_000 },
  async () => {
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
      assert.ok(
        accepted < PTY_INPUT_QUEUE_MAX_BYTES + 64 * 1024 * 4,
        `stopped after ${accepted} bytes (the kernel took some)`,
      );
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
  },
);
