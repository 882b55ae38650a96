// Issue 9, finding 6: the local backend gives the learner's shell, setup, `command:` and `script:` checks and
// everything `stepwise check` runs a minimal environment, never the server's. A variable set only in the
// server's environment (here: this process's, and the CLI's) must be seen by none of them; the lesson's own
// variables, HOME, PATH and DOCKER_HOST must be.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from '../server/environment/providers/local.ts';
import type { SessionEnv } from '../server/environment/backend.ts';
import { Environment } from '../server/environment/index.ts';
import { evaluateCheck, type CheckContext, type CheckOutcome } from '../server/checks/index.ts';
import { parseCheckList } from '../server/lesson/check-schema.ts';
import { REPO_ROOT, runCli } from './harness/cli.ts';
import { writeTree } from './harness/lesson-tree.ts';

/** Set in the server's environment only; its value is what a leak would show. */
const SERVER_ONLY = 'STEPWISE_SERVER_ONLY_SECRET';
const SECRET = `server-only-${process.pid}`;
/** Bounded wait for the shell's answer: generous, the machine is shared. */
const SHELL_ANSWER_TIMEOUT_MS = 30_000;
const ENGINE = 'unix:///nonexistent/engine.sock';

let scratch: string;
let backend: LocalBackend;
let env: SessionEnv;
let ctx: CheckContext;

before(async () => {
  process.env[SERVER_ONLY] = SECRET;
  scratch = await mkdtemp(join(tmpdir(), 'stepwise-local-env-'));
  writeTree(scratch, {
    'lesson/verify.sh': `#!/bin/bash\nif [ -n "\${${SERVER_ONLY}+set}" ]; then echo "FAIL: the server's variable leaked"; exit 1; fi\n`,
  });
  backend = new LocalBackend({ baseDir: join(scratch, 'sessions'), dockerHost: ENGINE });
  env = await backend.create({
    sessionId: 'local-env',
    lessonId: 'env',
    lessonDir: join(scratch, 'lesson'),
    requires: [],
    env: { LESSON_GREETING: 'hello' },
  });
  ctx = { environment: new Environment(backend, env), lessonDir: join(scratch, 'lesson') };
});

after(async () => {
  delete process.env[SERVER_ONLY];
  await backend.destroy(env);
  await rm(scratch, { recursive: true, force: true });
});

async function check(yaml: string): Promise<CheckOutcome> {
  const { checks, problems } = parseCheckList(yaml, { file: 'test.md', line: 1 });
  assert.deepEqual(problems, []);
  return evaluateCheck(checks[0]!, ctx);
}

/** Types `command` into a fresh shell and returns what it printed between the two markers. */
async function inShell(command: string): Promise<string> {
  const pty = await backend.openTerminal(env, { cols: 200, rows: 40 });
  try {
    let seen = '';
    const answer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the shell never answered; it printed:\n${seen}`)),
        SHELL_ANSWER_TIMEOUT_MS,
      );
      const sub = pty.onData((data) => {
        seen += data.toString('utf8');
        const m = /<<(.*?)>>/s.exec(seen.replace(/\r/g, ''));
        if (m) {
          clearTimeout(timer);
          sub.dispose();
          resolve(m[1]!);
        }
      });
    });
    // The markers are split in what is typed, so the echo of the command line cannot match them.
    pty.write(`printf '<''<%s>''>' "$(${command})"\r`);
    return await answer;
  } finally {
    pty.kill();
  }
}

test("the learner's shell sees the short list and the lesson's variables, not the server's", async () => {
  assert.equal(process.env[SERVER_ONLY], SECRET, 'the variable is in the server environment');
  assert.equal(await inShell(`echo "\${${SERVER_ONLY}:-absent}"`), 'absent');
  assert.equal(await inShell('echo "$LESSON_GREETING $HOME $DOCKER_HOST"'), `hello ${env.workdir} ${ENGINE}`);
  const names = (await inShell('env | cut -d= -f1 | sort | tr "\\n" " "')).trim().split(' ');
  // bash adds its own (PWD, SHLVL, _, OLDPWD); nothing else may come from the server.
  const fromBash = new Set(['PWD', 'OLDPWD', 'SHLVL', '_']);
  const allowed = new Set([
    'HOME',
    'PATH',
    'LANG',
    'LANGUAGE',
    'USER',
    'LOGNAME',
    'TERM',
    'COLORTERM',
    'DOCKER_HOST',
    'STEPWISE_SESSION',
    'LESSON_GREETING',
  ]);
  assert.deepEqual(
    names.filter((n) => !fromBash.has(n) && !allowed.has(n) && !n.startsWith('LC_')),
    [],
  );
});

test('command: and script: checks do not see the server-only variable', async () => {
  const command = await check(`- command: 'test -z "\${${SERVER_ONLY}+set}" && test "$LESSON_GREETING" = hello'\n`);
  assert.equal(command.passed, true, command.seen);
  const leakProbe = await check(`- command: 'test -n "\${${SERVER_ONLY}+set}"'\n`);
  assert.equal(leakProbe.passed, false, 'the opposite probe fails, so the check above can fail');
  const script = await check('- script: verify.sh\n');
  assert.equal(script.passed, true, script.seen);
});

test('stepwise check: setup, cells and checks run without the server-only variable', async () => {
  const dir = join(scratch, 'cli-lesson');
  writeTree(dir, {
    'lesson.md': `---
title: Environment
setup:
  - env > setup-env.txt
---

## Record the environment

\`\`\`bash
env > cell-env.txt
\`\`\`

\`\`\`check
- command: test -f cell-env.txt && ! grep -q "${SECRET}" cell-env.txt setup-env.txt
- script: verify.sh
\`\`\`
`,
    'verify.sh': `#!/bin/bash\ntest -f cell-env.txt || { echo "FAIL: no cell-env.txt"; exit 1; }\n[ -z "\${${SERVER_ONLY}+set}" ] || { echo "FAIL: leaked"; exit 1; }\n`,
  });
  const stateHome = join(scratch, 'cli-state');
  const r = await runCli(['check', dir], {
    env: { [SERVER_ONLY]: SECRET, XDG_STATE_HOME: stateHome, DOCKER_HOST: ENGINE },
  });
  assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stderr, /1 passed, 0 failed/);
});

test('serve --help and the README say what the local backend is and what opening a lesson runs', async () => {
  const help = await runCli(['serve', '--help']);
  assert.equal(help.code, 0, help.stderr);
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  for (const [where, text] of [
    ['serve --help', help.stdout.replace(/\s+/g, ' ')],
    ['README.md', readme.replace(/\s+/g, ' ')],
  ] as const) {
    assert.match(
      text,
      /full shell on this machine, as the user running stepwise/,
      `${where}: what the local backend is`,
    );
    assert.match(
      text,
      /Opening a lesson starts a shell for it on this machine/,
      `${where}: what opening a lesson does`,
    );
    assert.match(text, /setup/, `${where}: that the lesson's setup runs there`);
    assert.match(text, /minimal environment/, `${where}: that the server's environment is not passed on`);
  }
});
