// `stepwise serve DIR --class NAME` from the command line: the three lines it prints, the refusal of a class on
// the local backend without --shared-host, and a restart that keeps the class's code and learners.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpGet } from './harness/http-get.ts';
import { serveCli } from './harness/serve-cli.ts';
import { postJson } from './harness/http-request.ts';
import { bash, lessonMarkdown } from './harness/terminal-server.ts';
import { EXIT_OK, EXIT_USAGE } from '../server/cli/exit-codes.ts';
import { classViewSchema } from '../server/protocol/index.ts';

const CLASS_LINES =
  /^instructor: (http:\/\/127\.0\.0\.1:\d+\/instructor\?token=[\w-]{40,})\nlearners: {3}(http:\/\/127\.0\.0\.1:\d+\/join)\ncode: ([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4})$/m;

function serve(args: string[], state: string) {
  const s = serveCli(args, state);
  const printed = s.printed(CLASS_LINES, 'the class').then((m) => ({
    instructor: m[1] ?? '',
    join: m[2] ?? '',
    code: m[3] ?? '',
  }));
  printed.catch(() => undefined); // awaited by the test when it wants it
  return { child: s.child, printed, exited: s.exited, stderr: () => s.output().stderr };
}

test('a class on the local backend needs --shared-host, and says so', async () => {
  const base = await mkdtemp(join(tmpdir(), 'stepwise-class-cli-'));
  try {
    await mkdir(join(base, 'lessons'));
    const s = serve(
      [join(base, 'lessons'), '--port', '0', '--class', 'Refused', '--backend', 'local'],
      join(base, 'state'),
    );
    assert.equal(await s.exited, EXIT_USAGE);
    assert.match(s.stderr(), /--shared-host/);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('serve --class prints the instructor URL, the join URL and the code; a restart keeps the class', async () => {
  const base = await mkdtemp(join(tmpdir(), 'stepwise-class-cli-'));
  const lessons = join(base, 'lessons');
  const state = join(base, 'state');
  await mkdir(join(lessons, 'one'), { recursive: true });
  await writeFile(join(lessons, 'one', 'lesson.md'), lessonMarkdown('One', { Step: bash('echo hi') }));
  const args = [
    lessons,
    '--port',
    '0',
    '--class',
    'Docker 101',
    '--backend',
    'local',
    '--shared-host',
    '--log-level',
    'silent',
  ];
  try {
    const first = serve(args, state);
    const printed = await first.printed;
    const login = await httpGet(printed.instructor);
    assert.equal(login.status, 302);
    assert.equal(login.headers.location, '/instructor');
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const joined = await postJson(new URL('/api/join', printed.join).href, { code: printed.code, name: 'Ana' });
    assert.equal(joined.status, 200, joined.body);
    const view = classViewSchema.parse(
      JSON.parse((await httpGet(new URL('/api/class', printed.join).href, { Cookie: cookie })).body),
    );
    assert.deepEqual(
      view.learners.map((l) => l.name),
      ['Ana'],
    );
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, EXIT_OK);

    const second = serve(args, state);
    const again = await second.printed;
    assert.equal(again.code, printed.code);
    assert.notEqual(again.instructor, printed.instructor, 'a fresh instructor token each run');
    const login2 = await httpGet(again.instructor);
    const cookie2 = String(login2.headers['set-cookie']).split(';')[0] ?? '';
    const view2 = classViewSchema.parse(
      JSON.parse((await httpGet(new URL('/api/class', again.join).href, { Cookie: cookie2 })).body),
    );
    assert.deepEqual(
      view2.learners.map((l) => l.name),
      ['Ana'],
    );
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, EXIT_OK);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
