import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markedSpanCommand, markedSpans, normaliseCodeSpan } from './code-spans.ts';

test('marked spans: command, mark, link context and offsets', () => {
  const text = 'Run `a`{{exec}}, see [`b`{{copy}}](u), `c` alone, ``d ` e``{{execute T2}} and `f`{{}}.';
  const spans = markedSpans(text);
  assert.deepEqual(
    spans.map((s) => [
      s.command,
      s.mark.type === 'cell' ? `${s.mark.kind}/T${s.mark.terminal}` : s.mark.type,
      s.inLink,
      text.slice(s.start, s.end),
    ]),
    [
      ['a', 'exec/T1', false, '`a`{{exec}}'],
      ['b', 'copy/T1', true, '`b`{{copy}}'],
      ['d ` e', 'exec/T2', false, '``d ` e``{{execute T2}}'],
      ['f', 'plain', false, '`f`{{}}'],
    ],
  );
});

test('a code span ends at the next run of the same length, not at any backtick', () => {
  assert.deepEqual(
    markedSpans('`a` and `b`{{exec}}').map((s) => s.command),
    ['b'],
  );
  assert.deepEqual(
    markedSpans('``x`{{exec}}').map((s) => s.command),
    [],
    'an unmatched `` opener is literal text',
  );
  assert.deepEqual(
    markedSpans('\\`a`{{exec}}').map((s) => s.command),
    [],
    'an escaped backtick opens nothing',
  );
});

test('placeholders and shortcodes after code are not marks', () => {
  assert.deepEqual(markedSpans('`x`{{TRAFFIC_HOST1_80}} `y`{{< figure >}}'), []);
});

test('hostile input: many unmatched backtick runs of rising length are handled in one pass', () => {
  const runs = Array.from({ length: 3000 }, (_, i) => '`'.repeat(i + 2)).join('a');
  assert.deepEqual(
    markedSpans(`${runs} \`ok\`{{exec}}`).map((s) => s.command),
    ['ok'],
  );
});

test('CommonMark normalisation of span content', () => {
  assert.equal(normaliseCodeSpan(' a '), 'a');
  assert.equal(normaliseCodeSpan('  '), '  ');
  assert.equal(normaliseCodeSpan('a\nb'), 'a b');
  assert.equal(normaliseCodeSpan(' `x` '), '`x`');
});

test('a marked span keeps its newlines; blank lines at either end are trimmed', () => {
  assert.equal(markedSpanCommand('mkdir a\ncd a'), 'mkdir a\ncd a');
  assert.equal(markedSpanCommand('\n  ls \\\n  -l\n\n'), '  ls \\\n  -l');
  assert.equal(markedSpanCommand('\n x \n'), 'x');
  assert.deepEqual(
    markedSpans('`cat <<EOF\nhi\nEOF`{{exec}}').map((s) => s.command),
    ['cat <<EOF\nhi\nEOF'],
  );
});
