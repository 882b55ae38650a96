// `stepwise lint` from source, as a user runs it: the bundled lessons are clean, planted errors are found at
// their file:line, --json describes each lesson, and the exit code follows the errors.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LintReport } from '../server/lesson/index.ts';
import { REPO_ROOT, runCli } from './harness/cli.ts';
import { KILLERCODA_CORPUS_REL } from './harness/fixtures.ts';

const SCENARIOS = readdirSync(join(REPO_ROOT, 'scenarios')).map((name) => join('scenarios', name));
const work = mkdtempSync(join(tmpdir(), 'stepwise-lint-'));
after(() => rmSync(work, { recursive: true, force: true }));

function parseReports(stdout: string): LintReport[] {
  const value: unknown = JSON.parse(stdout);
  assert.ok(Array.isArray(value));
  return value as LintReport[];
}

test('stepwise lint scenarios/* is clean: no error and no warning, exit 0', async () => {
  assert.deepEqual(SCENARIOS.sort(), ['scenarios/container-images', 'scenarios/tar-basics']);
  const result = await runCli(['lint', ...SCENARIOS]);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout, /: (error|warning): /);
  assert.match(result.stderr, /stepwise lint: 2 lessons, 0 errors, 0 warnings, \d+ notes?/);
});

test('stepwise lint --json describes the bundled lessons', async () => {
  const result = await runCli(['lint', '--json', ...SCENARIOS]);
  assert.equal(result.code, 0, result.stderr);
  const reports = parseReports(result.stdout);
  const byId = new Map(reports.map((r) => [r.id, r]));
  const images = byId.get('container-images');
  assert.ok(images);
  assert.equal(images.path, 'scenarios/container-images');
  assert.equal(images.title, 'What is a Container Image?');
  assert.deepEqual(
    images.steps.map((s) => [s.title, s.checks]),
    [
      ['Container Image', 4],
      ['Creating Empty Image', 1],
      ['Creating Image without Dockerfile', 3],
    ],
  );
  assert.deepEqual(images.steps[0]?.cells[0], {
    command: 'docker pull redis:3.2.11-alpine',
    kind: 'exec',
    terminal: 1,
    noNewline: false,
    runnable: true,
  });
  assert.deepEqual(images.steps[2]?.cells.at(-1), {
    command: 'docker run busybox cat /release',
    kind: 'exec',
    terminal: 1,
    noNewline: false,
    runnable: true,
  });
  const tar = byId.get('tar-basics');
  assert.ok(tar);
  assert.equal(tar.steps.length, 5);
  assert.ok(
    tar.steps.every((s) => s.checks > 0 && s.cells.length > 0),
    'every tar-basics step has cells and checks',
  );
  for (const report of reports)
    assert.deepEqual(
      report.problems.filter((p) => p.severity !== 'note'),
      [],
    );
});

test('stepwise lint finds planted errors at their file:line and exits 1', async () => {
  const dir = join(work, 'planted');
  cpSync(join(REPO_ROOT, 'scenarios', 'tar-basics'), dir, { recursive: true });
  const file = join(dir, 'lesson.md');
  const original = readFileSync(file, 'utf8');
  const planted = original
    .replace(
      '  has: [project/README.md, project/src/hello.sh]\n  compressed: false',
      '  has: [project/README.md, project/src/hello.sh]\n  compresed: false',
    )
    .replace('`tar -tf project.tar`', '```bash T0\ntar -tf project.tar\n```')
    .replace('- output: true\n  contains: A tiny folder', '- output: true\n  contains: [A tiny folder')
    .replace('- command: diff -r project restore/project', '- comand: diff -r project restore/project');
  assert.notEqual(planted, original);
  writeFileSync(file, planted);
  const lineOf = (text: string) => planted.split('\n').findIndex((l) => l.includes(text)) + 1;

  const result = await runCli(['lint', dir]);
  assert.equal(result.code, 1);
  const errors = result.stdout.split('\n').filter((l) => l.includes(': error: '));
  assert.deepEqual(errors, [
    `${file}:${lineOf('  compresed: false')}: error: unknown field 'compresed' in tar check (allowed: has, count, compressed, hint)`,
    `${file}:${lineOf('```bash T0')}: error: cell aimed at T0, a terminal that cannot exist: terminals are T1 to T16`,
    `${file}:${lineOf('- comand: diff')}: error: unknown check kind 'comand' (expected one of file, tar, image, command, output, script)`,
    `${file}:${lineOf('  contains: [A tiny folder')}: error: bad YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
  ]);
  assert.match(result.stderr, /stepwise lint: 1 lesson, 4 errors, /);
});

test('stepwise lint --json of a Killercoda scenario: intro and finish are their own keys', async () => {
  const scenario = join(KILLERCODA_CORPUS_REL, 'loki', 'what-is-loki');
  const result = await runCli(['lint', '--json', scenario]);
  assert.equal(result.code, 0, result.stderr);
  const [report] = parseReports(result.stdout);
  assert.ok(report);
  assert.equal(report.format, 'katacoda');
  assert.equal(report.title, 'What is Loki?');
  assert.equal(report.steps.length, 2);
  assert.ok(report.intro && report.finish);
  const index = join(scenario, 'index.json');
  const line =
    readFileSync(join(REPO_ROOT, index), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('"setup.sh"')) + 1;
  assert.deepEqual(
    report.problems.filter((p) => p.severity === 'warning').map((p) => [p.file, p.line, p.message]),
    [[index, line, "foreground script 'setup.sh' is missing"]],
  );
});

test('stepwise lint of a path that does not exist is an error, exit 1', async () => {
  const missing = join(work, 'no-such-lesson');
  const result = await runCli(['lint', missing]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout.trim(), `${missing}:1: error: no such file`);
});

test('stepwise lint with no path is a usage error, exit 2', async () => {
  const result = await runCli(['lint']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /missing required argument 'path'/);
});
