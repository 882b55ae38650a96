// File cells (Katacoda's copy-to-editor blocks and {{open}}): how the loader reads them, and the writeFile
// message writing them into a real learner environment over a real socket. Hostile paths, including escapes
// through symbolic links the learner made, never write outside the learner's working directory.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { lessonCells, loadLesson } from '../server/lesson/index.ts';
import type { Cell } from '../server/lesson/index.ts';
import type { ServerMessage } from '../server/protocol/index.ts';
import { Environment, writeFileCell } from '../server/environment/index.ts';
import { REPO_ROOT } from './harness/cli.ts';
import { listed } from './harness/lesson-tree.ts';
import { openTestEnvironment } from './harness/terminal-backend.ts';
import { TestClient } from './harness/terminal-client.ts';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';

test('loader: copy-to-editor blocks and {{open}} become file cells; what stepwise cannot write is shown to copy, and said', async () => {
  const lesson = await loadLesson(join(REPO_ROOT, 'test', 'fixtures', 'lessons', 'katacoda-file-cells'));
  const cells = lessonCells(lesson).map((c) => ({
    id: c.id,
    kind: c.kind,
    command: c.command,
    file: c.file,
    runnable: c.runnable,
  }));
  assert.deepEqual(cells, [
    { id: 's1.c1', kind: 'file', command: '', file: { path: 'app/config.txt', mode: 'open' }, runnable: true },
    {
      id: 's1.c2',
      kind: 'file',
      command: 'name=demo & more\n',
      file: { path: 'app/config.txt', mode: 'replace' },
      runnable: true,
    },
    {
      id: 's1.c3',
      kind: 'file',
      command: 'debug=true\n',
      file: { path: 'app/config.txt', mode: 'append' },
      runnable: true,
    },
    { id: 's1.c4', kind: 'file', command: '# Notes\n', file: { path: 'notes.md', mode: 'replace' }, runnable: true },
    { id: 's1.c5', kind: 'copy', command: 'run();\n', file: undefined, runnable: false },
    { id: 's1.c6', kind: 'copy', command: 'no file name\n', file: undefined, runnable: false },
    { id: 's1.c7', kind: 'copy', command: 'escape\n', file: undefined, runnable: false },
    { id: 's1.c8', kind: 'copy', command: '/etc/passwd', file: undefined, runnable: false },
  ]);
  assert.deepEqual(listed(lesson.problems, join(lesson.dir, 'step1.md')), [
    "1 note: {{open}} opens 'app/config.txt' in Katacoda's editor: stepwise has no editor, so its button creates the file if it is missing, and the learner edits it in the terminal",
    "11 note: copy-to-editor block for 'notes.md' copies to the clipboard in Katacoda: stepwise's button writes the file",
    "15 warning: copy-to-editor block for 'app/main.js': insert at data-marker '// TODO' is not supported, so its text is shown to copy",
    '19 warning: a copy-to-editor block without data-filename: shown as text to copy',
    "23 warning: copy-to-editor block: data-filename '../outside.txt' climbs out with '..': a file cell writes only inside the learner's working directory; shown as text to copy",
    "27 warning: {{open}} '/etc/passwd' is absolute: a file cell writes only inside the learner's working directory; the path is shown to copy",
    '31 warning: a copy-to-editor block inside a list or quote is shown as written, without its button: put it at the top level',
  ]);
});

// ---- over the socket, in a real environment

const outside = mkdtempSync(join(tmpdir(), 'stepwise-outside-'));
after(() => rmSync(outside, { recursive: true, force: true }));

const FILES = lessonMarkdown('Files', {
  Write: [
    '<pre class="file" data-filename="app/config.txt" data-target="replace">',
    'name=demo &amp; more',
    '</pre>',
    '',
    '<pre class="file" data-filename="app/config.txt" data-target="append">',
    'debug=true',
    '</pre>',
    '',
    '`notes.md`{{open}}',
    '',
    bash('cat app/config.txt; wc -c < notes.md'),
  ].join('\n'),
  Hostile: [
    bash(`ln -s ${outside} link && ln -s ${outside}/final.txt final.txt && echo linked`),
    '<pre class="file" data-filename="link/evil.txt" data-target="replace">',
    'evil',
    '</pre>',
    '',
    '<pre class="file" data-filename="final.txt" data-target="replace">',
    'evil',
    '</pre>',
    '',
    '<pre class="file" data-filename="link/deeper/evil.txt" data-target="replace">',
    'evil',
    '</pre>',
    '',
    '<pre class="file" data-filename="../escape.txt" data-target="replace">',
    'evil',
    '</pre>',
  ].join('\n'),
});

let t: TestServer;
before(async () => {
  t = await startTestServer({ lessons: { files: FILES }, dockerHost: null });
});
after(async () => t?.stop());

type RunResult = Extract<ServerMessage, { type: 'runResult' }>;

async function writeFile(c: TestClient, cellId: string): Promise<RunResult> {
  const from = c.messages.length;
  c.send({ type: 'writeFile', cellId });
  return (await c.next((m) => m.type === 'runResult' && m.cellId === cellId, from)) as RunResult;
}

test('writeFile writes, appends and creates files in the learner environment; the shell sees them', async () => {
  const c = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  try {
    await c.hello('files');
    const wrote = await writeFile(c, 's1.c1');
    assert.equal(wrote.exitCode, 0);
    assert.equal(wrote.output, "wrote 17 bytes as 'app/config.txt'");
    assert.equal((await writeFile(c, 's1.c2')).output, "appended 11 bytes to 'app/config.txt'");
    assert.equal((await writeFile(c, 's1.c3')).output, "created 'notes.md' (empty): edit it in the terminal");
    assert.equal((await writeFile(c, 's1.c3')).output, "'notes.md' is there: edit it in the terminal");
    const cat = await c.run('s1.c4');
    assert.equal(cat.exitCode, 0);
    assert.match(cat.output, /name=demo & more\r?\ndebug=true\r?\n0/);
  } finally {
    await c.close();
  }
});

test('hostile paths never write outside: links the learner made, and paths that climb out', async () => {
  const c = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  try {
    await c.hello('files');
    assert.equal((await c.run('s2.c1')).exitCode, 0);
    for (const cellId of ['s2.c2', 's2.c3', 's2.c4']) {
      const from = c.messages.length;
      const result = await writeFile(c, cellId);
      assert.notEqual(result.exitCode, 0, cellId);
      assert.match(
        result.output,
        /nothing was written to '.*': '.*' (leads outside the working directory through a symbolic link|is a symbolic link)/,
        cellId,
      );
      const error = await c.next((m) => m.type === 'error', from);
      assert.equal(error.type === 'error' && error.code, 'FILE_NOT_WRITTEN');
    }
    const from = c.messages.length;
    c.send({ type: 'writeFile', cellId: 's2.c5' });
    const refused = await c.next((m) => m.type === 'error', from);
    assert.ok(refused.type === 'error' && refused.code === 'CELL_NOT_RUNNABLE', JSON.stringify(refused));
    c.send({ type: 'writeFile', cellId: 's1.c4' }); // a bash cell: not a file cell
    const notFile = await c.next((m) => m.type === 'error' && m.message.includes('does not write a file'), from);
    assert.ok(notFile);
    assert.deepEqual(readdirSync(outside), [], 'nothing was written outside the working directory');
  } finally {
    await c.close();
  }
});

test('the writer refuses an escaping path itself, whatever made the cell', async () => {
  const te = await openTestEnvironment('filecell');
  try {
    const cell = (path: string): Cell => ({
      id: 's1.c1',
      command: 'evil\n',
      kind: 'file',
      file: { path, mode: 'replace' },
      terminal: 1,
      runnable: true,
      expectExit: 0,
      source: { file: 'x.md', line: 1 },
    });
    for (const path of ['../escape.txt', `${outside}/abs.txt`, 'a/../../escape.txt', 'bad\u0000name']) {
      const outcome = await writeFileCell(new Environment(te.backend, te.env), cell(path));
      assert.equal(outcome.ok, false, path);
      assert.match(outcome.message, /^nothing was written: /, path);
    }
    assert.deepEqual(readdirSync(outside), []);
    assert.equal(existsSync(join(te.env.workdir, '..', 'escape.txt')), false);
  } finally {
    await te.close();
  }
});
