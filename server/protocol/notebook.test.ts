import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTEBOOK_CELL_ID, notebookFromTranscript, notebookSchema, sourceText } from './notebook.ts';
import type { TranscriptCell } from './notebook.ts';

const cell = (id: string, command: string): TranscriptCell => ({
  id,
  command,
  kind: 'exec',
  terminal: 1,
  runnable: true,
  expectExit: 0,
});

test('prose loses its cell marks and its cells follow it; a cell run twice takes its latest place', () => {
  const notebook = notebookFromTranscript({
    lessonId: 'l',
    title: 'T',
    steps: [
      {
        title: 'One',
        blocks: [
          {
            type: 'prose',
            markdown: 'Run [`ls`](#cell/s1.c1) now.\n\n1. Then:\n\n   ```bash cell=s1.c2\n   pwd\n   ```',
            cells: [cell('s1.c1', 'ls'), cell('s1.c2', 'pwd')],
          },
          { type: 'cell', cell: cell('s1.c3', 'echo a\necho b') },
        ],
      },
    ],
    runs: new Map([
      ['s1.c3', { exitCode: 0, output: 'a\r\nb\r\n', durationMs: 3.4 }],
      ['s1.c1', { exitCode: 2, output: '', durationMs: 1 }],
    ]),
  });
  assert.deepEqual(notebookSchema.parse(JSON.parse(JSON.stringify(notebook))), notebook);
  assert.deepEqual(
    notebook.cells.map((c) => [c.cell_type, sourceText(c.source)]),
    [
      ['markdown', '# T'],
      ['markdown', '## One'],
      ['markdown', 'Run `ls` now.\n\n1. Then:\n\n   ```bash\n   pwd\n   ```'],
      ['code', 'ls'],
      ['code', 'pwd'],
      ['code', 'echo a\necho b'],
    ],
  );
  const code = notebook.cells.flatMap((c) => (c.cell_type === 'code' ? [c] : []));
  assert.deepEqual(
    code.map((c) => c.execution_count),
    [2, null, 1],
  );
  assert.deepEqual(code[2]?.outputs, [{ output_type: 'stream', name: 'stdout', text: ['a\n', 'b\n'] }]);
  assert.deepEqual(code[0]?.outputs, [], 'no output, no stream');
  assert.ok(notebook.cells.every((c) => NOTEBOOK_CELL_ID.test(c.id ?? '')));
});
