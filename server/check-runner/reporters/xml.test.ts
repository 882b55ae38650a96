import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SaxesParser } from 'saxes';
import { escapeAttr, escapeText } from './xml.ts';

/** Parses strictly and returns the one element's attribute `a` and its text. */
function roundTrip(attr: string, text: string): { attr: string; text: string } {
  const parser = new SaxesParser();
  let seenAttr = '';
  let seenText = '';
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    seenAttr = String(tag.attributes.a);
  });
  parser.on('text', (t) => {
    seenText += t;
  });
  parser.write(`<x a="${escapeAttr(attr)}">${escapeText(text)}</x>`).close();
  return { attr: seenAttr, text: seenText };
}

test('markup characters round-trip through text and attributes', () => {
  const s = `a<b>&"c"'d' ]]> e`;
  assert.deepEqual(roundTrip(s, s), { attr: s, text: s });
});

test('tabs and newlines in attributes survive attribute-value normalisation', () => {
  assert.equal(roundTrip('a\tb\nc\r\nd', '').attr, 'a\tb\nc\r\nd');
});

test('characters XML 1.0 forbids become visible escapes and the document stays well-formed', () => {
  const hostile = 'nul\u0000 bel\u0007 esc\u001b ff\u000c lone\ud800 low\udc00 nonchar\ufffe\uffff';
  const { attr, text } = roundTrip(hostile, hostile);
  const want = 'nul\\x00 bel\\x07 esc\\x1b ff\\x0c lone\\ud800 low\\udc00 nonchar\\ufffe\\uffff';
  assert.equal(text, want);
  assert.equal(attr, want);
});

test('valid astral characters (surrogate pairs) are kept', () => {
  assert.equal(roundTrip('', 'smile \u{1f600}').text, 'smile \u{1f600}');
});
