import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLevel, describeDecision, dockerLessonRefusal, type ProbeResult } from './levels.ts';

const both: ProbeResult = { userns: null, privileged: null };
const onlyPrivileged: ProbeResult = { userns: 'newuidmap: write to uid_map failed', privileged: null };
const neither: ProbeResult = { userns: 'no dockerd', privileged: 'unable to apply caps' };

test('the safe level wins whenever it works, with or without the flag', () => {
  assert.deepEqual(chooseLevel(both, 'safe'), { kind: 'level', level: 'userns', safe: true });
  assert.deepEqual(chooseLevel(both, 'privileged'), { kind: 'level', level: 'userns', safe: true });
});

test('the privileged level needs the flag, and the refusal names it', () => {
  const refused = chooseLevel(onlyPrivileged, 'safe');
  assert.equal(refused.kind, 'none');
  const message = dockerLessonRefusal(refused);
  assert.ok(message?.includes('--learner-engines privileged'), message ?? '');
  assert.ok(message?.includes('newuidmap'), "the safe level's failure is named");
  assert.deepEqual(chooseLevel(onlyPrivileged, 'privileged'), { kind: 'level', level: 'privileged', safe: false });
  assert.equal(dockerLessonRefusal(chooseLevel(onlyPrivileged, 'privileged')), null);
});

test('when nothing works, the reason lists every level tried', () => {
  const none = chooseLevel(neither, 'privileged');
  assert.equal(none.kind, 'none');
  assert.ok(describeDecision(none).includes('unable to apply caps'));
  assert.ok(
    !dockerLessonRefusal(chooseLevel(neither, 'safe'))?.includes('--learner-engines'),
    'the flag would not help',
  );
});

test('the printed line names the level and warns for privileged', () => {
  assert.match(describeDecision(chooseLevel(both, 'safe')), /^learner engines: userns/);
  assert.match(describeDecision(chooseLevel(onlyPrivileged, 'privileged')), /WARNING/);
});
