import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cast } from '../../server/protocol/index.ts';
import { clockTime, nextEventIndex, resizeOf, timelineOf } from './cast-timeline.ts';

const cast: Cast = {
  header: { version: 2, width: 80, height: 24 },
  events: [
    [0.5, 'o', 'a'],
    [1, 'o', 'b'],
    [601, 'o', 'c'], // ten minutes of reading
    [601.25, 'r', '100x30'],
  ],
};

test('idle gaps are capped on the playback clock; the rest keep their timing', () => {
  const timeline = timelineOf(cast);
  assert.deepEqual(
    timeline.events.map((e) => e.at),
    [0.5, 1, 3, 3.25],
  );
  assert.equal(timeline.duration, 3.25);
  assert.deepEqual(
    timelineOf({ ...cast, header: { ...cast.header, idle_time_limit: 0.5 } }).events.map((e) => e.at),
    [0.5, 1, 1.5, 1.75],
  );
});

test('the next event after a position, at the edges too', () => {
  const { events } = timelineOf(cast);
  assert.deepEqual(
    [-1, 0, 0.5, 0.9, 1, 3.25, 99].map((p) => nextEventIndex(events, p)),
    [0, 0, 1, 1, 2, 4, 4],
  );
});

test('resize data and clock times', () => {
  assert.deepEqual(resizeOf('100x30'), { cols: 100, rows: 30 });
  assert.equal(resizeOf('100 x 30'), undefined);
  assert.deepEqual([0, 59.9, 61, 3600, 3725].map(clockTime), ['0:00', '0:59', '1:01', '1:00:00', '1:02:05']);
});
