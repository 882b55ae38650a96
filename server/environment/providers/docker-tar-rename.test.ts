import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { BackendError } from '../backend.ts';
import { localMemberName, renameMember, renameTarMembers } from './docker-tar-rename.ts';
import { nodeReadable } from './docker-tar.ts';

test('member names follow the local backend: as given, absolute without the slash, the workdir as "."', () => {
  assert.equal(localMemberName('out'), 'out');
  assert.equal(localMemberName('out/'), 'out');
  assert.equal(localMemberName('./out//sub/'), 'out/sub');
  assert.equal(localMemberName('out/sub/../a.txt'), 'out/a.txt');
  assert.equal(localMemberName('.'), '.');
  assert.equal(localMemberName('./'), '.');
  assert.equal(localMemberName('../../etc/x'), 'etc/x');
  assert.equal(localMemberName('..'), '.');
  assert.equal(localMemberName('/etc/passwd'), 'etc/passwd');
  assert.equal(localMemberName('/'), '.');
});

test('renameMember moves only the named member and what is under it', () => {
  assert.equal(renameMember('a.txt', 'a.txt', 'out/a.txt'), 'out/a.txt');
  assert.equal(renameMember('out/', 'out', 'x/out'), 'x/out/');
  assert.equal(renameMember('out/sub/f', 'out', 'x/out'), 'x/out/sub/f');
  assert.equal(renameMember('learner/f', 'learner', '.'), './f');
  assert.equal(renameMember('outside', 'out', 'x'), null, 'a prefix that is not a path segment does not match');
  assert.equal(renameMember('../escape', 'out', 'x'), null);
});

function archive(
  entries: { name: string; type?: 'file' | 'link' | 'directory'; linkname?: string; body?: string }[],
): Readable {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'file' || e.type === undefined)
      pack.entry({ name: e.name, size: Buffer.byteLength(e.body ?? '') }, e.body ?? '');
    else pack.entry({ name: e.name, type: e.type, linkname: e.linkname ?? '' });
  }
  pack.finalize();
  return nodeReadable(pack);
}

async function members(stream: Readable): Promise<string[]> {
  const extract = tar.extract();
  stream.on('error', (err: Error) => extract.destroy(err));
  stream.pipe(extract);
  const out: string[] = [];
  for await (const entry of extract) {
    let body = '';
    for await (const chunk of entry) body += (chunk as Buffer).toString('utf8');
    out.push(`${entry.header.name}|${entry.header.linkname ?? ''}|${body}`);
  }
  return out;
}

test('renameTarMembers renames names and hard-link targets, and keeps contents', async () => {
  const renamed = renameTarMembers(
    archive([
      { name: 'out/', type: 'directory' },
      { name: 'out/a.txt', body: 'hello' },
      { name: 'out/hard', type: 'link', linkname: 'out/a.txt' },
    ]),
    'out',
    'work/out',
  );
  assert.deepEqual(await members(renamed), ['work/out/||', 'work/out/a.txt||hello', 'work/out/hard|work/out/a.txt|']);
});

test('an engine archive with a member outside the asked-for path is an error, not a silent pass-through', async () => {
  const renamed = renameTarMembers(
    archive([
      { name: 'a.txt', body: 'x' },
      { name: '../../etc/passwd', body: 'root' },
    ]),
    'a.txt',
    'out/a.txt',
  );
  await assert.rejects(
    members(renamed),
    (err: unknown) => err instanceof BackendError && /unexpected member/.test(err.message),
  );
});

test('a long renamed path survives the re-pack', async () => {
  const deep = `${'d'.repeat(90)}/${'e'.repeat(90)}/file.txt`;
  const renamed = renameTarMembers(archive([{ name: `top/${deep}`, body: 'deep' }]), 'top', `${'p'.repeat(120)}/top`);
  assert.deepEqual(await members(renamed), [`${'p'.repeat(120)}/top/${deep}||deep`]);
});

test('a reader that stops early (checks read only the first member) ends the re-pack without an uncaught error', async () => {
  const big = 'x'.repeat(4 * 1024 * 1024); // larger than the streams' buffers, so a body is mid-pipe when it stops
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    // Like a check that found its member: it destroys the readable, which closes the pack and the engine's stream.
    // It stops in the middle of a member's body, each time at a different point.
    for (const stopAt of [1, 64 * 1024, 4 * 1024 * 1024 + 4096, 6 * 1024 * 1024]) {
      const stream = renameTarMembers(
        archive([
          { name: 'out/a.txt', body: big },
          { name: 'out/b.txt', body: big },
        ]),
        'out',
        'work/out',
      );
      let seen = 0;
      await new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen >= stopAt) {
            stream.destroy();
            resolve();
          }
        });
      });
    }
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  assert.deepEqual(uncaught, []);
});
