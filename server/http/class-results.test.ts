import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SaxesParser } from 'saxes';
import { csvField, resultsCsv, resultsJunit, RESULTS_CSV_HEADER } from './class-results.ts';
import type { ResultRow } from '../class/index.ts';

const row = (over: Partial<ResultRow>): ResultRow => ({
  learner: 'Ana',
  learnerId: 'id1',
  lesson: 'l',
  step: 's',
  status: 'passed',
  attempts: 1,
  firstPassedAt: '2026-01-01T00:00:00.000Z',
  lastFailure: null,
  ...over,
});

test('CSV fields are quoted as RFC 4180 says and cannot start a spreadsheet formula', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  for (const start of ['=', '+', '-', '@', '\t', '\r'])
    assert.ok(csvField(`${start}HYPERLINK("x")`).startsWith(`"'${start}`) || csvField(`${start}1`) === `'${start}1`);
  assert.equal(csvField('=1+1'), "'=1+1");
  assert.equal(csvField('=A1,B1'), `"'=A1,B1"`);
  const csv = resultsCsv([
    row({ learner: '=cmd|"/c calc"!A0' }),
    row({ step: 't', status: 'open', attempts: 0, firstPassedAt: null }),
  ]);
  const lines = csv.split('\r\n');
  assert.equal(lines[0], RESULTS_CSV_HEADER);
  assert.equal(lines[1], `"'=cmd|""/c calc""!A0",l,s,passed,1,2026-01-01T00:00:00.000Z`);
  assert.equal(lines[2], 'Ana,l,t,open,0,');
});

test('JUnit XML is well-formed whatever the names and reasons hold, one suite per learner', () => {
  const xml = resultsJunit('C & <D>', [
    row({}),
    row({ step: 't', status: 'failed', attempts: 3, firstPassedAt: null, lastFailure: 'expected <x> & "y"\u0001' }),
    row({ learner: 'B"o<', learnerId: 'id2', status: 'locked', attempts: 0, firstPassedAt: null }),
  ]);
  const parser = new SaxesParser();
  const suites: Record<string, string>[] = [];
  const failures: string[] = [];
  parser.on('opentag', (tag) => {
    const attrs = Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, v]));
    if (tag.name === 'testsuite') suites.push(attrs);
    if (tag.name === 'failure') failures.push(attrs.message ?? '');
  });
  parser.write(xml).close();
  assert.deepEqual(
    suites.map((s) => [s.name, s.tests, s.failures, s.skipped]),
    [
      ['Ana', '2', '1', '0'],
      ['B"o<', '1', '0', '1'],
    ],
  );
  assert.deepEqual(failures, ['expected <x> & "y"\\x01']);
});
