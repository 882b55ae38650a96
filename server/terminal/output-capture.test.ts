import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTPUT_CAP_BYTES, OutputCapture, tidy } from './output-capture.ts';
import { AnsiStripper } from './ansi-stripper.ts';

function capture(chunks: string[]) {
  const c = new OutputCapture();
  for (const chunk of chunks) c.append(Buffer.from(chunk));
  return c.finish();
}

test('strips colours, cursor moves, titles and hyperlinks; CRLF becomes LF', () => {
  const got = capture([
    '\x1b[1;31merror\x1b[0m: \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\r\n',
    '\x1b]0;title\x07\x1b[2Kdone\r\n',
  ]);
  assert.deepEqual(got, { output: 'error: link\ndone', truncated: false });
});

test('sequences split across chunks are still removed, at every cut', () => {
  const text = 'a\x1b[38;5;196mb\x1b]0;t\x07c\x1b(Bd\r\n';
  for (let cut = 1; cut < text.length; cut++) {
    assert.equal(capture([text.slice(0, cut), text.slice(cut)]).output, 'abcd', `cut at ${cut}`);
  }
});

test('a progress bar redrawn with CR keeps its last drawing', () => {
  assert.equal(tidy('10%\r50%\r100%\r\nnext\r\n'), '100%\nnext');
  assert.equal(tidy('\rstart'), 'start');
});

test('UTF-8 split across chunks survives', () => {
  const bytes = Buffer.from('héllo ✓\r\n');
  const c = new OutputCapture();
  for (const b of bytes) c.append(Buffer.from([b]));
  assert.equal(c.finish().output, 'héllo ✓');
});

test('a flood is capped at 64 KiB with its head and tail and marked truncated', () => {
  const c = new OutputCapture();
  const line = 'y'.repeat(99) + '\r\n';
  c.append(Buffer.from('FIRST\r\n'));
  for (let i = 0; i < 20_000; i++) c.append(Buffer.from(line));
  c.append(Buffer.from('\x1b[31mLAST\x1b[0m\r\n'));
  const got = c.finish();
  assert.equal(got.truncated, true);
  assert.ok(Buffer.byteLength(got.output) <= OUTPUT_CAP_BYTES, `${Buffer.byteLength(got.output)} bytes`);
  assert.ok(got.output.startsWith('FIRST\nyyy'));
  assert.ok(got.output.endsWith('\nLAST'));
  assert.match(got.output, /\[\.\.\. about \d+ bytes omitted \.\.\.\]/);
  assert.doesNotMatch(got.output, /\x1b|\r/);
});

test('hostile: unterminated OSC swallows until its end, BEL and other C0 controls are dropped', () => {
  const s = new AnsiStripper();
  assert.equal(s.strip(Buffer.from('ok\x07\x00\x08\x1b]0;never ends')).toString(), 'ok');
  assert.equal(s.strip(Buffer.from('still title\x07after')).toString(), 'after');
});
