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

/** The archive as an engine sends it: a Node stream whose chunks arrive over time, not all at once. */
function trickle(source: Readable): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of source) {
        await new Promise((resolve) => setImmediate(resolve));
        yield chunk as Buffer;
      }
    })(),
  );
}

for (const [what, readChunks] of [
  ['after a member header', 0],
  ['inside a member', 1],
  ['at the end of a member', Infinity],
] as const) {
  test(`a reader that stops ${what} ends the re-pack quietly: no stream error escapes to the process`, async () => {
    // A check reads an image archive's first member and stops; the engine's archive is then cut off. That used to
    // emit PREMATURE_CLOSE on the extractor's entry stream with no listener, and so end the server.
    const big = 'x'.repeat(3 * 1024 * 1024 + 1);
    const escaped: unknown[] = [];
    const onUncaught = (err: unknown) => escaped.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const renamed = renameTarMembers(trickle(archive([{ name: 'img.tar', body: big }])), 'img.tar', 'out/img.tar');
      const extract = tar.extract();
      renamed.on('error', (err: Error) => extract.destroy(err));
      renamed.pipe(extract);
      for await (const entry of extract) {
        let chunks = 0;
        if (readChunks > 0) for await (const _ of entry) if (++chunks >= readChunks) break;
        break;
      }
      renamed.unpipe(extract);
      renamed.destroy();
      extract.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(escaped, []);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
}
