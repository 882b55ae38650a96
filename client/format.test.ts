import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, readableCommand, sentence, shortDigest } from './format.ts';

test('formatBytes uses binary units with one decimal below 100', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(10 * 1024), '10 KB');
  assert.equal(formatBytes(150 * 1024 * 1024), '150 MB');
  assert.equal(formatBytes(-1), '–');
  assert.equal(formatBytes(Number.NaN), '–');
});

test('formatDuration reads like a person says it', () => {
  assert.equal(formatDuration(42.4), '42 ms');
  assert.equal(formatDuration(1530), '1.5 s');
  assert.equal(formatDuration(12_000), '12 s');
  assert.equal(formatDuration(95_000), '1 min 35 s');
});

test('readableCommand turns history created_by into Dockerfile words', () => {
  assert.equal(readableCommand('/bin/sh -c #(nop)  CMD ["sh"]'), 'CMD ["sh"]');
  assert.equal(readableCommand('/bin/sh -c echo hi > /hello.txt'), 'RUN echo hi > /hello.txt');
  assert.equal(readableCommand('RUN /bin/sh -c apk add x # buildkit'), 'RUN /bin/sh -c apk add x');
  assert.equal(readableCommand(null), '');
});

test('shortDigest keeps 12 hex digits and drops the algorithm', () => {
  assert.equal(shortDigest('sha256:0123456789abcdef0123'), '0123456789ab');
  assert.equal(shortDigest(null), '—');
});

test('sentence capitalises a reason and ends it once', () => {
  assert.equal(sentence('no Docker engine at unix:///x.sock'), 'No Docker engine at unix:///x.sock.');
  assert.equal(sentence('Already done.'), 'Already done.');
  assert.equal(sentence('  '), '');
});
