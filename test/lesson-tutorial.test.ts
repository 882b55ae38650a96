// The source tutorial, loaded verbatim through the native loader: three steps and its 15 commands as cells.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { loadLesson, stepCells } from '../server/lesson/index.ts';
import { SOURCE_TUTORIAL } from './harness/fixtures.ts';

const TUTORIAL = SOURCE_TUTORIAL;

const EXPECTED_STEPS: [string, string[]][] = [
  [
    'Container Image',
    [
      'docker pull redis:3.2.11-alpine',
      'docker save redis:3.2.11-alpine > redis.tar',
      'tar -xvf redis.tar',
      'ls',
      'cat repositories',
      'cat manifest.json',
      'tar -xvf da2a73e79c2ccb87834d7ce3e43d274a750177fe6527ea3f8492d08d3bb0123c/layer.tar',
    ],
  ],
  ['Creating Empty Image', ['tar cv --files-from /dev/null | docker import - empty', 'docker images']],
  [
    'Creating Image without Dockerfile',
    [
      'curl -LO https://raw.githubusercontent.com/moby/moby/a575b0b1384b2ba89b79cbd7e770fbeb616758b3/contrib/mkimage/busybox-static && chmod +x busybox-static',
      './busybox-static busybox',
      'ls -lha busybox',
      'echo KatacodaPrivateBuild > busybox/release',
      'tar -C busybox -c . | docker import - busybox',
      'docker run busybox cat /release',
    ],
  ],
];

test('the tutorial loads verbatim: 3 steps, its 15 commands as cells in order, exactly as written', async () => {
  assert.ok(
    existsSync(TUTORIAL),
    `the source tutorial is missing: ${TUTORIAL} (it belongs in the repository: see test/fixtures/README.md)`,
  );
  const lesson = await loadLesson(TUTORIAL);
  assert.equal(lesson.title, 'What is a Container Image?');
  assert.deepEqual(
    lesson.steps.map((s) => [s.title, stepCells(s).map((c) => c.command)]),
    EXPECTED_STEPS,
  );
  const cells = lesson.steps.flatMap((s) => stepCells(s));
  assert.equal(cells.length, 15);
  assert.ok(cells.every((c) => c.kind === 'exec' && c.runnable && c.terminal === 1 && c.expectExit === 0));
  assert.deepEqual(
    lesson.steps.map((s) => s.id),
    ['container-image', 'creating-empty-image', 'creating-image-without-dockerfile'],
  );
  assert.deepEqual(
    stepCells(lesson.steps[1]!).map((c) => c.id),
    ['s2.c1', 's2.c2'],
  );
  assert.equal(cells[0]?.source.line, 20, 'the first command is on line 20 of the tutorial');
});

test('the tutorial: {:toc} and "* content" are dropped, and the link paragraph is prose', async () => {
  const lesson = await loadLesson(TUTORIAL);
  const prose = lesson.steps.flatMap((s) => s.blocks).flatMap((b) => (b.type === 'prose' ? [b.markdown] : []));
  assert.equal(lesson.intro, undefined, 'nothing but the kramdown table of contents precedes the first step');
  assert.ok(!prose.some((p) => p.includes('{:toc}') || p.includes('* content')));
  const link = prose.find((p) => p.includes('Docker provide a script to download the BusyBox rootfs'));
  assert.ok(
    link?.includes(
      '[https://github.com/moby/moby/blob/a575b0b1384b2ba89b79cbd7e770fbeb616758b3/contrib/mkimage/busybox-static]',
    ),
  );
  assert.ok(lesson.steps.every((s) => s.checks.length === 0));
  // Jekyll's keys are kept as metadata and reported as notes, never dropped.
  assert.deepEqual(lesson.meta, { layout: 'post', categories: 'Docker', tags: 'Docker Image' });
  assert.deepEqual(
    lesson.problems.map((p) => `${p.line}:${p.severity}`),
    ['2:note', '4:note', '5:note'],
  );
});
