import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackendError } from '../backend.ts';
import { parseLdd, splitLddSections } from './docker-host-files.ts';

test('parseLdd takes libraries and the loader, skips the vdso and static binaries', () => {
  const out = [
    '\tlinux-vdso.so.1 (0x00007ffd6b7e5000)',
    '\tlibtinfo.so.6 => /lib/x86_64-linux-gnu/libtinfo.so.6 (0x00007f6f9c18d000)',
    '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f6f9bfab000)',
    '\t/lib64/ld-linux-x86-64.so.2 (0x00007f6f9c314000)',
    '',
  ].join('\n');
  assert.deepEqual(parseLdd(out, '/usr/bin/bash'), [
    '/lib/x86_64-linux-gnu/libtinfo.so.6',
    '/lib/x86_64-linux-gnu/libc.so.6',
    '/lib64/ld-linux-x86-64.so.2',
  ]);
  assert.deepEqual(parseLdd('\tstatically linked\n', '/bin/busybox'), []);
  assert.deepEqual(parseLdd('\tnot a dynamic executable\n', '/bin/x'), []);
});

test('a missing library stops the build with the binary named', () => {
  assert.throws(
    () => parseLdd('\tlibgone.so.1 => not found\n', '/usr/bin/tool'),
    (err: unknown) =>
      err instanceof BackendError && err.code === 'IMAGE_BUILD_FAILED' && err.message.includes('/usr/bin/tool'),
  );
});

test('splitLddSections splits several files, and a file ldd said nothing about is an error', () => {
  const out = '/usr/bin/a:\n\tlibc.so.6 => /lib/libc.so.6 (0x1)\n/usr/bin/b:\n\tnot a dynamic executable\n';
  const sections = splitLddSections(out, ['/usr/bin/a', '/usr/bin/b']);
  assert.deepEqual(parseLdd(sections.get('/usr/bin/a') ?? '', 'a'), ['/lib/libc.so.6']);
  assert.deepEqual(parseLdd(sections.get('/usr/bin/b') ?? '', 'b'), []);
  assert.throws(() => splitLddSections(out, ['/usr/bin/a', '/usr/bin/c']), BackendError);
  assert.equal(
    splitLddSections('\tlibc.so.6 => /lib/libc.so.6 (0x1)\n', ['/only']).get('/only'),
    '\tlibc.so.6 => /lib/libc.so.6 (0x1)\n',
  );
});
