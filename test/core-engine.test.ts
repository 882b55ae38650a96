// Images built with the real engine during the run (STEPWISE_TEST_DOCKER_HOST), inspected both as `docker save`
// archives and as docker:// sources streamed from the Engine API, with the same facts both ways: an imported
// busybox rootfs, the empty image from `tar cv --files-from /dev/null | docker import - empty`, and a
// `docker build` whose last layer deletes files (whiteouts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  dockerClient,
  dockerEngineSource,
  inspect,
  type EngineLike,
  type Image,
  type InspectResult,
} from '../server/core/index.ts';
import { runCli } from './harness/cli.ts';
import { dockerCli, writeBusyboxRootfs } from './harness/docker-cli.ts';
import { requireDockerHost } from './harness/env.ts';

const RUN = `stepwise-core-test-${process.pid}-${Date.now().toString(36)}`;
const IMAGES = {
  busybox: `${RUN}-busybox:v1`,
  empty: `${RUN}-empty:v1`,
  built: `${RUN}-built:v1`,
};

let host: string;
let engine: EngineLike;
let work: string;
let applets: string[];

function docker(args: string[], input?: Buffer | string): string {
  return dockerCli(host, args, input);
}

/** Both readings of one image: its `docker save` archive and its docker:// export. */
async function bothWays(ref: string): Promise<{ saved: InspectResult; streamed: InspectResult }> {
  const file = join(work, `${ref.replace(/[^\w.-]/g, '_')}.tar`);
  docker(['save', '-o', file, ref]);
  const saved = await inspect(file, { files: true });
  const streamed = await inspect(`docker://${ref}`, { files: true, engine });
  return { saved, streamed };
}

function assertSameBothWays(ref: string, r: { saved: InspectResult; streamed: InspectResult }): Image {
  assert.equal(r.saved.format, 'docker-archive');
  assert.equal(r.streamed.format, 'docker-engine');
  assert.equal(r.saved.verified, true, r.saved.warnings.join('; '));
  assert.equal(r.streamed.verified, true, r.streamed.warnings.join('; '));
  assert.equal(r.saved.images.length, 1);
  assert.deepEqual(r.streamed.images, r.saved.images, `${ref}: the same image both ways`);
  const image = r.saved.images[0]!;
  assert.deepEqual(image.tags, [ref]);
  for (const l of image.layers) {
    assert.equal(l.verified, true);
    assert.equal(l.diffId, l.declaredDiffId);
  }
  return image;
}

function nonDirs(image: Image): string[] {
  return (image.paths ?? []).filter((p) => p.kind !== 'dir').map((p) => p.path);
}

describe('images from the real engine, as docker save archives and as docker:// sources', () => {
  before(() => {
    host = requireDockerHost();
    engine = dockerEngineSource(dockerClient(host));
    work = mkdtempSync(join(tmpdir(), 'stepwise-core-engine-'));
    const rootfs = join(work, 'rootfs');
    applets = writeBusyboxRootfs(rootfs);
    docker(
      ['import', '--change', 'CMD ["sh"]', '-', IMAGES.busybox],
      execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 }),
    );
    docker(['import', '-', IMAGES.empty], execFileSync('tar', ['cv', '--files-from', '/dev/null']));
    const dockerfile = [
      `FROM ${IMAGES.busybox}`,
      'RUN echo created > /created.txt && mkdir -p /data/sub && echo kept > /data/sub/kept.txt',
      'RUN rm /created.txt /bin/cat && rm -r /data/sub',
      'WORKDIR /data',
      'ENV STEPWISE_TEST=1',
    ].join('\n');
    const context = join(work, 'context');
    mkdirSync(context);
    docker(['build', '--rm', '--force-rm', '-t', IMAGES.built, '-f', '-', context], dockerfile);
  });

  after(() => {
    if (host) {
      try {
        docker(['rmi', '-f', ...Object.values(IMAGES)]);
      } catch (e: unknown) {
        process.stderr.write(`core-engine cleanup: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('an imported busybox rootfs: one layer, every applet link, CMD sh', async () => {
    const image = assertSameBothWays(IMAGES.busybox, await bothWays(IMAGES.busybox));
    assert.equal(image.layers.length, 1);
    assert.deepEqual(image.config.Cmd, ['sh']);
    assert.equal(image.fileCount, applets.length + 1, 'busybox itself plus one link per applet');
    const paths = new Map((image.paths ?? []).map((p) => [p.path, p]));
    assert.equal(paths.get('/bin/busybox')?.kind, 'file');
    assert.equal(paths.get('/bin/sh')?.kind, 'symlink');
    assert.equal(paths.get('/bin/')?.kind, 'dir');
    assert.ok((paths.get('/bin/busybox')?.size ?? 0) > 100_000, 'the static busybox binary has its real size');
  });

  it('the empty image from an empty tar: one layer, no entries, no files', async () => {
    const image = assertSameBothWays(IMAGES.empty, await bothWays(IMAGES.empty));
    assert.equal(image.layers.length, 1);
    assert.equal(image.layers[0]!.entries, 0);
    assert.equal(image.fileCount, 0);
    assert.deepEqual(image.paths, []);
  });

  it('a docker build with a deleting layer: whiteouts remove the lower files', async () => {
    const image = assertSameBothWays(IMAGES.built, await bothWays(IMAGES.built));
    assert.equal(image.layers.length, 3, 'the base layer and one per RUN (WORKDIR and ENV add none)');
    assert.equal(image.config.WorkingDir, '/data');
    assert.ok(image.config.Env?.includes('STEPWISE_TEST=1'));
    const [, created, deleting] = image.layers;
    assert.ok(
      created?.changes?.added.includes('/created.txt'),
      `layer 1 adds /created.txt: ${JSON.stringify(created?.changes)}`,
    );
    const whiteouts = (deleting?.entryList ?? [])
      .filter((e) => e.kind === 'whiteout')
      .map((e) => e.path)
      .sort();
    assert.deepEqual(whiteouts, ['/.wh.created.txt', '/bin/.wh.cat', '/data/.wh.sub'].sort());
    assert.deepEqual([...(deleting?.changes?.removed ?? [])].sort(), ['/bin/cat', '/created.txt', '/data/sub/'].sort());
    const files = nonDirs(image);
    assert.ok(
      !files.includes('/created.txt') && !files.includes('/bin/cat') && !files.includes('/data/sub/kept.txt'),
      'deleted paths are gone',
    );
    assert.ok(
      !(image.paths ?? []).some((p) => p.path === '/data/sub/'),
      'the deleted directory is gone with its subtree',
    );
    assert.ok(files.includes('/bin/sh'));
    assert.equal(image.fileCount, applets.length, 'busybox and its links, minus /bin/cat');
    assert.equal(
      image.paths?.find((p) => p.path === '/bin/busybox')?.layer,
      0,
      'busybox was last written by the base layer',
    );
  });

  it('stepwise inspect --json docker://REF --docker-host reads the same engine', async () => {
    const run = await runCli(['inspect', '--json', '--verify', `docker://${IMAGES.built}`, '--docker-host', host], {
      env: { DOCKER_HOST: 'unix:///nonexistent.sock' },
    });
    assert.equal(run.code, 0, run.stderr);
    const doc = z
      .looseObject({
        format: z.literal('docker-engine'),
        verified: z.literal(true),
        images: z.array(z.looseObject({ tags: z.array(z.string()), layers: z.array(z.unknown()) })),
      })
      .parse(JSON.parse(run.stdout));
    assert.deepEqual(doc.images[0]?.tags, [IMAGES.built]);
    assert.equal(doc.images[0]?.layers.length, 3);
    const missing = await runCli(['inspect', `docker://${RUN}-no-such-image:v1`], { env: { DOCKER_HOST: host } });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^stepwise inspect: SOURCE_NOT_FOUND: [^\n]*no-such-image[^\n]*\n$/);
  });
});
