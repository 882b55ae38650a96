import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCast } from './asciicast.ts';

const header =
  '{"version": 2, "width": 80, "height": 24, "timestamp": 1504467315, "title": "Demo", "env": {"TERM": "xterm-256color"}, "theme": {"fg": "#fff"}}';

test('a v2 cast parses: the header (other keys allowed), then each event in order', () => {
  const parsed = parseCast(
    `${header}\n[0.248848, "o", "\\u001b[1;31mHello"]\n[1.001376, "r", "90x30"]\n[1.5, "m", "here"]\n`,
  );
  assert.ok(parsed.ok);
  assert.equal(parsed.cast.header.width, 80);
  assert.equal(parsed.cast.header.title, 'Demo');
  assert.deepEqual(parsed.cast.events, [
    [0.248848, 'o', '\u001b[1;31mHello'],
    [1.001376, 'r', '90x30'],
    [1.5, 'm', 'here'],
  ]);
});

test('a bad cast gets a message that names the line and the problem', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['{"version": 1, "width": 80, "height": 24}', /line 1 is not an asciicast v2 header: version/],
    ['{"version": 2, "width": 0, "height": 24}', /line 1 .*width/],
    ['hello', /line 1 .*not JSON/],
    [`${header}\n[0.5, "o", "a"]\n[0.1, "o", "b"]`, /line 3 goes back in time/],
    [`${header}\n[0.5, "x", "a"]`, /line 2 is not an event: 1:/],
    [`${header}\n[-1, "o", "a"]`, /line 2 is not an event/],
    [`${header}\n[0.5, "o"]`, /line 2 is not an event/],
    [`${header}\n[0.5, "r", "wide"]`, /line 2 is a resize to "wide", not COLSxROWS/],
    [`${header}\n{"not": "an event"}`, /line 2 is not an event/],
  ];
  for (const [text, message] of cases) {
    const parsed = parseCast(text);
    assert.ok(!parsed.ok, text);
    assert.match(parsed.error, message, text);
  }
});
