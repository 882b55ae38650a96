import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFileBlock } from './file-blocks.ts';

test('a copy-to-editor block: file name, target, marker and the text with entities decoded', () => {
  const html =
    '<pre class="file" data-filename="app.js" data-target="INSERT" data-marker=\'#TODO\'>\nif (a &lt; b &amp;&amp; c) {}\n</pre>\n';
  assert.deepEqual(parseFileBlock(html), {
    filename: 'app.js',
    target: 'insert',
    marker: '#TODO',
    text: 'if (a < b && c) {}\n',
  });
});

test('other <pre> blocks and other HTML are not copy-to-editor blocks', () => {
  assert.equal(parseFileBlock('<pre>\nls\n</pre>'), null);
  assert.equal(parseFileBlock('<pre class="profile">x</pre>'), null);
  assert.equal(parseFileBlock('<div class="file">x</div>'), null);
});

test('a block without a closing tag keeps all its text', () => {
  assert.deepEqual(parseFileBlock('<pre class="x file" data-filename=a.txt>one\ntwo'), {
    filename: 'a.txt',
    text: 'one\ntwo',
  });
});
