// `stepwise check` end to end on the local backend: real CLI process, real pty, real bash. Broken lessons are
// written into temp folders; reports are parsed strictly (XML by saxes, TAP by its grammar).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, REPO_ROOT, type CliResult } from './harness/cli.ts';
import {
  findAll,
  lastLine,
  leftoverSessions,
  parseTap,
  parseXml,
  processesWith,
  scratchDir,
  writeLesson,
} from './check-command-lessons.ts';

let scratch: string;
let stateHome: string;

before(async () => {
  scratch = await scratchDir('check-cmd');
  stateHome = join(scratch, 'state');
});

after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Runs the CLI with a private state dir and no Docker engine in reach (these lessons need none). */
function check(args: string[]): Promise<CliResult> {
  return runCli(['check', ...args], {
    env: { XDG_STATE_HOME: stateHome, DOCKER_HOST: `unix://${join(scratch, 'no-engine.sock')}` },
  });
}

const TWO_STEPS = `---
title: Two steps
---

## Write one

\`echo one > one.txt\`

\`\`\`check
- file: one.txt
  contains: one
\`\`\`

## Write two

\`echo wrong > two.txt\`

\`\`\`check
- file: two.txt
  contains: two
  hint: Write the word two into two.txt with echo two > two.txt
\`\`\`
`;

test("a wrong step-2 command fails at step 2 with the check's expected, seen and hint", async () => {
  const dir = await writeLesson(join(scratch, 'wrong-step-2'), { 'lesson.md': TWO_STEPS });
  const r = await check([dir]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /PASS step 1: Write one/);
  assert.match(r.stderr, /FAIL step 2: Write two .*1 of 1 checks failed: file two\.txt/);
  assert.match(r.stderr, /expected: two\.txt exists and contains "two"\n/);
  assert.match(r.stderr, /seen: {5}two\.txt does not contain "two"; it holds "wrong"\n/);
  assert.match(r.stderr, /hint: {5}Write the word two into two\.txt with echo two > two\.txt\n/);
  assert.equal(lastLine(r.stderr), 'stepwise check: 1 passed, 1 failed, 0 vacuous');
  assert.deepEqual(await leftoverSessions(stateHome), [], 'the environment is destroyed after the run');
});

test('a check that passes before its step is vacuous, and the lesson fails', async () => {
  const dir = await writeLesson(join(scratch, 'vacuous'), {
    'lesson.md': `---\ntitle: Vacuous\n---\n\n## Make a file\n\n\`touch made.txt\`\n\n\`\`\`check\n- file: made.txt\n- command: test -d .\n\`\`\`\n`,
  });
  const r = await check([dir]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /checks before: 1 of 2 already pass before the step/);
  assert.match(
    r.stderr,
    /VACUOUS step 1: Make a file .*: 1 check passes before the step runs, so it proves nothing: command test -d \./,
  );
  assert.equal(lastLine(r.stderr), 'stepwise check: 0 passed, 0 failed, 1 vacuous');
});

/** Files the interrupted lesson makes before it waits, so removing its folder keeps cleanup busy for a while. */
const CLEANUP_FILES = 40_000;
/** How often (ms) the test looks for the cell's "ready" file before it sends the first signal. */
const READY_POLL_MS = 50;

/** A lesson whose one cell makes many files, says it is ready, and waits; its check is interrupted with signals. */
async function interruptedLesson(name: string, marker: string): Promise<string> {
  return writeLesson(join(scratch, name), {
    'lesson.md': `---\ntitle: Interrupted\n---\n\n## Wait\n\n\`\`\`bash\nmkdir many && (cd many && seq ${CLEANUP_FILES} | xargs touch) && touch ready && sleep ${marker}\n\`\`\`\n`,
  });
}

/**
 * Runs check with its own state dir. Once the cell has made its files (its "ready" file is there), sends `first`;
 * then, if `again` is given, sends SIGINT again as soon as stderr matches it.
 */
function interruptCheck(dir: string, state: string, first: NodeJS.Signals, again: RegExp | null): Promise<CliResult> {
  let polling = false;
  let sentAgain = false;
  return runCli(['check', dir], {
    env: { XDG_STATE_HOME: state, DOCKER_HOST: `unix://${join(scratch, 'no-engine.sock')}` },
    onStderr: (stderr, child) => {
      const folder = /folder (\S+) \(/.exec(stderr)?.[1];
      if (folder && !polling) {
        polling = true;
        const poll = setInterval(() => {
          if (!existsSync(join(folder, 'ready'))) return;
          clearInterval(poll);
          child.kill(first);
        }, READY_POLL_MS);
        child.once('exit', () => clearInterval(poll));
      }
      if (again && !sentAgain && again.test(stderr)) {
        sentAgain = true;
        child.kill('SIGINT');
      }
    },
  });
}

test('Ctrl-C during a cell interrupts the run (exit 130, no summary), and leaves no folder or process', async () => {
  const marker = `4343.${process.pid}`;
  const state = join(scratch, 'state-ctrl-c');
  const r = await interruptCheck(await interruptedLesson('ctrl-c', marker), state, 'SIGINT', null);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /stepwise check: SIGINT, cleaning up/);
  assert.doesNotMatch(r.stderr, /passed, .* failed/, 'an interrupted run prints no summary as if it had ended');
  assert.deepEqual(await leftoverSessions(state), []);
  assert.deepEqual(await processesWith(`sleep ${marker}`), []);
});

test('SIGTERM stops check the same way, with exit 143', async () => {
  const marker = `4545.${process.pid}`;
  const state = join(scratch, 'state-sigterm');
  const r = await interruptCheck(await interruptedLesson('sigterm', marker), state, 'SIGTERM', null);
  assert.equal(r.code, 143, r.stderr);
  assert.match(r.stderr, /stepwise check: SIGTERM, cleaning up/);
  assert.deepEqual(await leftoverSessions(state), []);
  assert.deepEqual(await processesWith(`sleep ${marker}`), []);
});

test('a second Ctrl-C while check cleans up does not cut the cleanup short', async () => {
  const marker = `4444.${process.pid}`;
  const state = join(scratch, 'state-ctrl-c-twice');
  const dir = await interruptedLesson('ctrl-c-twice', marker);
  const r = await interruptCheck(dir, state, 'SIGINT', /cleaning up\n/);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /stepwise check: SIGINT again, still cleaning up; one more quits at once/);
  assert.deepEqual(await leftoverSessions(state), [], 'the session folder was removed all the same');
  assert.deepEqual(await processesWith(`sleep ${marker}`), []);
});

test('a verify script that hangs is killed at its timeout, with nothing left running', async () => {
  const marker = `4242.${process.pid}`;
  const dir = await writeLesson(join(scratch, 'hang'), {
    'lesson.md': `---\ntitle: Hang\n---\n\n## Wait\n\n\`echo waiting\`\n\n\`\`\`check\n- script: verify.sh\n  timeout: 1\n  hint: the script never ends\n\`\`\`\n`,
    'verify.sh': `+x #!/bin/bash\nsleep ${marker} &\nsleep ${marker}\n`,
  });
  const r = await check([dir]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /seen: {5}it failed: it was still running after 1s and was stopped/);
  assert.deepEqual(await processesWith(`sleep ${marker}`), [], 'no process of the script is left');
});

test('a cell still running at --timeout fails and is interrupted; the next step still runs in a live shell', async () => {
  const dir = await writeLesson(join(scratch, 'slow-cell'), {
    'lesson.md': `---\ntitle: Slow\n---\n\n## Sleep\n\n\`sleep 600\`\n\n## After\n\n\`echo still-alive > alive.txt\`\n\n\`\`\`check\n- file: alive.txt\n  contains: still-alive\n\`\`\`\n`,
  });
  const r = await check(['--timeout', '1s', dir]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /FAIL step 1: Sleep .*s1\.c1 \(.*lesson\.md:7\) was still running at the timeout and was interrupted/,
  );
  assert.match(r.stderr, /PASS step 2: After/);
  assert.equal(lastLine(r.stderr), 'stepwise check: 1 passed, 1 failed, 0 vacuous');
});

test('a non-zero exit fails the step unless the cell expects it', async () => {
  const dir = await writeLesson(join(scratch, 'exits'), {
    'lesson.md': `---\ntitle: Exits\n---\n\n## Expected failure\n\n\`\`\`bash expect-exit=1\ngrep -q absent /dev/null\n\`\`\`\n\n## Unexpected failure\n\n\`\`\`bash\nls no-such-file\n\`\`\`\n`,
  });
  const r = await check([dir]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /PASS step 1: Expected failure/);
  assert.match(r.stderr, /FAIL step 2: Unexpected failure .*s2\.c1 \(.*lesson\.md:\d+\) exited 2/);
  assert.match(
    r.stderr,
    /transcript of s2\.c1 .*\n +\| \$ ls no-such-file\n +\| ls: cannot access 'no-such-file': No such file or directory\n +\| \[exit 2, \d+ ms\]/,
  );
});

test('--junit writes valid XML with one testcase per step and the transcript, escaped', async () => {
  const dir = await writeLesson(join(scratch, 'junit'), {
    // The pty capture strips control characters from output (and readline would act on typed ones), so they
    // are planted in the step title, which the report repeats.
    'lesson.md': `---\ntitle: JUnit\n---\n\n## Specials & \\"quotes\\" > x \u0001\u001b \ud83d\ude00\n\n\`\`\`bash\nprintf 'a<b>&"c"]]>\\n' > out.txt; cat out.txt\n\`\`\`\n\n\`\`\`check\n- file: out.txt\n  contains: nope\n  hint: "<never> & \\"always\\""\n\`\`\`\n\n## Plain\n\n\`echo ok > ok.txt\`\n\n\`\`\`check\n- file: ok.txt\n\`\`\`\n`,
  });
  const report = join(scratch, 'report.xml');
  const r = await check(['--junit', report, dir]);
  assert.equal(r.code, 1, r.stderr);
  const xml = await readFile(report, 'utf8');
  const doc = parseXml(xml);
  assert.equal(doc.name, 'testsuites');
  const cases = findAll(doc, 'testcase');
  assert.equal(cases.length, 2, 'one testcase per step');
  assert.deepEqual(
    cases.map((c) => c.attributes.classname),
    ['junit', 'junit'],
  );
  assert.deepEqual(
    cases.map((c) => c.attributes.name),
    ['step 1: Specials & "quotes" > x \\x01\\x1b \u{1f600}', 'step 2: Plain'],
  );
  const [first, second] = cases;
  const failure = findAll(first!, 'failure')[0];
  assert.ok(failure, 'the failing step has a <failure>');
  assert.match(failure.text, /hint: <never> & "always"/);
  const out = findAll(first!, 'system-out')[0]?.text ?? '';
  assert.match(
    out,
    /\$ printf 'a<b>&"c"\]\]>\\n' > out\.txt; cat out\.txt\na<b>&"c"\]\]>\n\[exit 0, \d+ ms\]/,
    'the transcript survives escaping',
  );
  assert.equal(findAll(second!, 'failure').length, 0);
  assert.match(findAll(second!, 'system-out')[0]?.text ?? '', /\$ echo ok > ok\.txt/);
});

test('--tap prints TAP 13 that parses: one point per step, YAML diagnostics for failures', async () => {
  const dir = await writeLesson(join(scratch, 'tap # lesson'), { 'lesson.md': TWO_STEPS });
  const r = await check(['--tap', dir]);
  assert.equal(r.code, 1, r.stderr);
  const points = parseTap(r.stdout);
  assert.deepEqual(
    points.map((p) => [p.ok, p.description]),
    [
      [true, 'tap \\# lesson step 1: Write one'],
      [false, 'tap \\# lesson step 2: Write two'],
    ],
  );
  const diag = points[1]?.diagnostics as {
    severity: string;
    failedChecks: { expected: string; seen: string; hint: string }[];
  };
  assert.equal(diag.severity, 'fail');
  assert.deepEqual(diag.failedChecks[0], {
    check: 'file two.txt',
    expected: 'two.txt exists and contains "two"',
    seen: 'two.txt does not contain "two"; it holds "wrong"',
    hint: 'Write the word two into two.txt with echo two > two.txt',
  });
});

test('--step N runs the steps before it without asserting, then asserts step N only', async () => {
  const dir = await writeLesson(join(scratch, 'step-n'), {
    'lesson.md': `---\ntitle: Step N\n---\n\n## One\n\n\`echo 1 > one.txt\`\n\n\`\`\`check\n- file: nothing-makes-this\n\`\`\`\n\n## Two\n\n\`cat one.txt > two.txt\`\n\n\`\`\`check\n- file: two.txt\n  contains: "1"\n\`\`\`\n\n## Three\n\n\`false\`\n`,
  });
  const r = await check(['--step', '2', '--tap', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /step 1: One \(run without asserting\)/);
  assert.doesNotMatch(r.stderr, /step 3/);
  const points = parseTap(r.stdout);
  assert.deepEqual(
    points.map((p) => [p.ok, p.directive ?? '']),
    [
      [true, 'SKIP'],
      [true, ''],
    ],
  );
  assert.equal(lastLine(r.stderr), 'stepwise check: 1 passed, 0 failed, 0 vacuous');
});

test('usage errors and unmet requirements exit 2 and say exactly what is wrong', async () => {
  const missing = await check([join(scratch, 'no-such-lesson')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no-such-lesson/);
  const dir = await writeLesson(join(scratch, 'needs-docker'), {
    'lesson.md': `---\ntitle: Needs Docker\nenvironment:\n  requires: [docker]\n---\n\n## Images\n\n\`docker images\`\n`,
  });
  const unmet = await check([dir]);
  assert.equal(unmet.code, 2, unmet.stderr);
  assert.match(
    unmet.stderr,
    new RegExp(
      `needs-docker requires docker: no Docker engine at unix://${join(scratch, 'no-engine.sock')} \\(from DOCKER_HOST\\)`,
    ),
  );
  assert.equal((await check(['--backend', 'podman', dir])).code, 2);
  const tooFar = await check(['--step', '3', join(scratch, 'wrong-step-2')]);
  assert.equal(tooFar.code, 2);
  assert.match(tooFar.stderr, /--step 3: wrong-step-2 has 2 steps/);
  assert.equal((await check(['--timeout', 'soon', dir])).code, 2);
});

test('scenarios/tar-basics passes on the local backend, every check failing first', async () => {
  const r = await check([join(REPO_ROOT, 'scenarios', 'tar-basics')]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /already pass before/);
  const befores = r.stderr.match(/checks before: all \d+ fail before the step, as they should/g) ?? [];
  const steps = r.stderr.match(/^ {2}PASS step \d+/gm) ?? [];
  assert.ok(steps.length >= 3, 'the lesson has steps');
  assert.equal(befores.length, steps.length, 'every step has checks and each failed first');
  assert.match(lastLine(r.stderr), new RegExp(`^stepwise check: ${steps.length} passed, 0 failed, 0 vacuous$`));
});

test('a Katacoda lesson: the background script runs before the step, the verify script is its check', async () => {
  const dir = await writeLesson(join(scratch, 'katacoda'), {
    'index.json': JSON.stringify({
      title: 'Katacoda style',
      details: {
        intro: { text: 'intro.md' },
        steps: [{ title: 'Say ready', text: 'step1.md', background: 'background1.sh', verify: 'verify1.sh' }],
      },
    }),
    'intro.md': 'Welcome.\n',
    'step1.md': 'Copy what the background prepared:\n\n`cat prepared.txt > hi.txt`{{execute}}\n',
    'background1.sh': '+x #!/bin/bash\necho ready > prepared.txt\n',
    'verify1.sh':
      '+x #!/bin/bash\ngrep -q ready hi.txt 2>/dev/null || { echo "FAIL: hi.txt does not say ready"; exit 1; }\n',
  });
  const r = await check([dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /background: .*background1\.sh/);
  assert.match(r.stderr, /checks before: all 1 fail before the step, as they should/);
  assert.equal(lastLine(r.stderr), 'stepwise check: 1 passed, 0 failed, 0 vacuous');
});

test('--keep leaves the environment and says where it is', async () => {
  const state = join(scratch, 'kept-state');
  const dir = await writeLesson(join(scratch, 'keep'), {
    'lesson.md': `---\ntitle: Keep\n---\n\n## Make\n\n\`echo kept > kept.txt\`\n`,
  });
  const r = await runCli(['check', '--keep', dir], { env: { XDG_STATE_HOME: state } });
  assert.equal(r.code, 0, r.stderr);
  const where = /the environment is left for you: folder (\S+)/.exec(r.stderr)?.[1];
  assert.ok(where, r.stderr);
  assert.equal(await readFile(join(where, 'kept.txt'), 'utf8'), 'kept\n');
  assert.equal((await leftoverSessions(state)).length, 1);
});
