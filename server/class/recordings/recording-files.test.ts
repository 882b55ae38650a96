import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { castFileName, castsDirOf, isRecordingId, newRecordingId, recordingPaths } from './recording-files.ts';

test('the casts folder sits beside the class database, one per class', () => {
  assert.equal(castsDirOf('/s/classes/docker-101-3f2a.sqlite'), '/s/classes/docker-101-3f2a.casts');
});

test('paths are made only from ids the server could have chosen, and stay inside the casts folder', () => {
  const id = newRecordingId();
  assert.ok(isRecordingId(id));
  assert.deepEqual(recordingPaths('/c', 'AbC_-9', id), {
    cast: join('/c', 'AbC_-9', `${id}.cast`),
    meta: join('/c', 'AbC_-9', `${id}.json`),
  });
  for (const [learner, recording] of [
    ['..', id],
    ['.', id],
    ['a/b', id],
    ['', id],
    ['a'.repeat(65), id],
    ['ok', '../../etc/passwd'],
    ['ok', `${id}/..`],
    ['ok', id.toUpperCase()],
    ['ok', `${id}0`],
    ['ok\u0000', id],
  ] as const) {
    assert.equal(recordingPaths('/c', learner, recording), undefined, `${learner} ${recording}`);
  }
});

test('the download name is NAME-LESSON-T1.cast in plain ASCII, whatever the name and lesson say', () => {
  assert.equal(
    castFileName({ learnerName: 'José Núñez', lessonId: 'container-images', terminal: 0 }),
    'Jose-Nunez-container-images-T1.cast',
  );
  assert.equal(
    castFileName({ learnerName: '../"; rm -rf', lessonId: 'tutorials/a b', terminal: 1 }),
    'rm-rf-tutorials-a-b-T2.cast',
  );
  assert.equal(castFileName({ learnerName: '李', lessonId: '', terminal: 0 }), 'learner-lesson-T1.cast');
  assert.match(castFileName({ learnerName: 'x'.repeat(200), lessonId: 'y', terminal: 0 }), /^x{40}-y-T1\.cast$/);
});
