// Every scenario of the real Killercoda corpus (grafana/killercoda, 24 scenarios) loads: its steps and titles as
// index.json and the markdown give them, one cell per {{exec}}/{{execute}}/{{copy}} mark, and lint warns about
// each script the corpus left out. The expectations are computed here from the files, independently of the loader.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { lessonCells, lintLessons, loadLesson } from '../server/lesson/index.ts';
import { KILLERCODA_CORPUS } from './harness/fixtures.ts';

const CORPUS = KILLERCODA_CORPUS;
const EXPECTED_SCENARIOS = 24;
const MARK = /\{\{\s*(?:exec|execute|copy)\b[^{}]*\}\}/gi;
const SCRIPT_KEYS = ['background', 'courseData', 'foreground', 'code', 'verify'] as const;

const pageSchema = z.looseObject({
  title: z.string().optional(),
  text: z.string().optional(),
  background: z.string().optional(),
  courseData: z.string().optional(),
  foreground: z.string().optional(),
  code: z.string().optional(),
  verify: z.string().optional(),
});
const indexSchema = z.looseObject({
  title: z.string(),
  details: z.looseObject({ intro: pageSchema.optional(), steps: z.array(pageSchema), finish: pageSchema.optional() }),
});
type Page = z.infer<typeof pageSchema>;

function scenarioDirs(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    if (existsSync(join(path, 'index.json'))) out.push(path);
    else scenarioDirs(path, out);
  }
  return out;
}

/** The first non-blank line, if it is an ATX heading: Killercoda steps without a title show it. */
function firstHeading(markdown: string): string | undefined {
  const first = markdown.split('\n').find((l) => l.trim() !== '');
  const m = first === undefined ? null : /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(first);
  return m?.[1];
}

function read(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

test('the corpus is there', () => {
  assert.ok(
    existsSync(CORPUS),
    `the Killercoda corpus is missing: ${CORPUS} (it belongs in the repository: see test/fixtures/README.md)`,
  );
  assert.equal(scenarioDirs(CORPUS).length, EXPECTED_SCENARIOS);
});

for (const dir of existsSync(CORPUS) ? scenarioDirs(CORPUS) : []) {
  const name = dir.slice(CORPUS.length + 1);
  test(`corpus ${name}: steps, titles and cells as its files say`, async () => {
    const index = indexSchema.parse(JSON.parse(read(dir, 'index.json')));
    const lesson = await loadLesson(dir);
    assert.equal(lesson.format, 'katacoda');
    assert.equal(lesson.title, index.title);
    const steps = index.details.steps;
    assert.equal(lesson.steps.length, steps.length);
    const titles = steps.map(
      (s, i) => s.title ?? (s.text ? firstHeading(read(dir, s.text)) : undefined) ?? `Step ${i + 1}`,
    );
    assert.deepEqual(
      lesson.steps.map((s) => s.title),
      titles,
    );
    for (const [i, step] of lesson.steps.entries()) {
      assert.ok(step.blocks.length > 0, `step ${i + 1} has its text`);
    }
    const pages = [index.details.intro, ...steps, index.details.finish].filter((p): p is Page => p !== undefined);
    const marks = pages.reduce((n, p) => n + (p.text ? (read(dir, p.text).match(MARK) ?? []).length : 0), 0);
    assert.equal(lessonCells(lesson).length, marks, 'one cell per {{exec}}/{{execute}}/{{copy}} mark');
    assert.ok(!lesson.problems.some((p) => p.severity === 'error'), JSON.stringify(lesson.problems));
  });

  test(`corpus ${name}: lint warns about each missing script at its line in index.json`, async () => {
    const indexText = read(dir, 'index.json');
    const index = indexSchema.parse(JSON.parse(indexText));
    const pages = [index.details.intro, ...index.details.steps, index.details.finish].filter(
      (p): p is Page => p !== undefined,
    );
    const missing = pages.flatMap((p) =>
      SCRIPT_KEYS.flatMap((k) => (p[k] !== undefined && !existsSync(join(dir, p[k])) ? [p[k]] : [])),
    );
    const [report] = await lintLessons([dir]);
    assert.ok(report);
    const warnings = report.problems.filter(
      (p) => p.severity === 'warning' && /script '.*' is missing/.test(p.message),
    );
    assert.equal(warnings.length, missing.length, JSON.stringify(warnings));
    for (const script of missing) {
      const line = indexText.split('\n').findIndex((l) => l.includes(`"${script}"`)) + 1;
      assert.ok(
        warnings.some(
          (w) => w.file === join(dir, 'index.json') && w.line === line && w.message.includes(`'${script}'`),
        ),
        `a warning for ${script} at index.json:${line}`,
      );
    }
  });
}
