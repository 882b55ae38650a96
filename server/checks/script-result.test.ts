import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpretScriptRun } from './script-result.ts';

const base = { exitCode: 1, stdout: '', stderr: '', timedOut: false };

test('exit 0 passes, whatever it printed', () => {
  assert.equal(interpretScriptRun({ ...base, exitCode: 0, stdout: 'FAIL: ignored' }, 1000).passed, true);
});

test('legacy "done" on a line of its own passes even with a non-zero exit', () => {
  assert.equal(interpretScriptRun({ ...base, exitCode: 1, stdout: 'checking\ndone\n' }, 1000).passed, true);
  assert.equal(interpretScriptRun({ ...base, exitCode: 1, stdout: 'not done yet\n' }, 1000).passed, false);
});

test('FAIL: lines from stdout and stderr are the reason, in order', () => {
  const v = interpretScriptRun({ ...base, stdout: 'FAIL: no redis.tar\n', stderr: 'FAIL: no manifest.json\n' }, 1000);
  assert.deepEqual(v, { passed: false, reason: 'no redis.tar; no manifest.json' });
});

test('the $VERIFICATION_FAILURE_REASON file is the reason when there is no FAIL: line', () => {
  const v = interpretScriptRun({ ...base, stdout: 'checking\n', reasonFile: 'the image is missing\n' }, 1000);
  assert.deepEqual(v, { passed: false, reason: 'the image is missing' });
});

test('without a reason, the last line of output says why', () => {
  assert.equal(
    interpretScriptRun({ ...base, exitCode: 2, stderr: 'grep: x: No such file\n' }, 1000).reason,
    'it exited 2: grep: x: No such file',
  );
  assert.equal(interpretScriptRun({ ...base, exitCode: 3 }, 1000).reason, 'it exited 3 without saying why');
});

test('a timed-out script fails even if it printed done', () => {
  const v = interpretScriptRun({ ...base, exitCode: 124, stdout: 'done\n', timedOut: true }, 2500);
  assert.deepEqual(v, { passed: false, reason: 'it was still running after 2.5s and was stopped' });
});
