// Issue 4, "Done when" 1: cells through a real server, a real ws client and a real shell.
// Runs on the backend named by STEPWISE_TEST_BACKEND (default local).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient } from './harness/terminal-client.ts';

const LESSON = lessonMarkdown('Cells', {
  'Echo and false': `${bash('echo hi')}\n${bash('false', 'expect-exit=1')}`,
  Queue: `${bash('sleep 1; echo slept')}\n${bash('echo queued')}`,
  'Multi line': `${bash('echo one\necho two\n(exit 3)')}\n${bash('cat <<EOF\nhere\ndoc\nEOF')}`,
  'Second terminal': bash('echo in-t2', 'T2'),
  Exit: `${bash('exit 7')}\n${bash('echo $$')}`,
  Check: `${bash('echo checked-output')}\n\n\`\`\`check\n- output: true\n  contains: checked-output\n\`\`\`\n`,
});

let t: TestServer;
let client: TestClient;

before(async () => {
  t = await startTestServer({ lessons: { cells: LESSON } });
  client = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  const welcome = await client.hello('cells');
  assert.equal(welcome.fresh, true);
  assert.deepEqual(welcome.terminals, [0]);
});

after(async () => {
  await client?.close();
  await t?.stop();
});

test('echo hi gives output "hi" and exit 0; false gives exit 1', async () => {
  const hi = await client.run('s1.c1');
  assert.equal(hi.output, 'hi');
  assert.equal(hi.exitCode, 0);
  assert.equal(hi.truncated, false);
  const no = await client.run('s1.c2');
  assert.equal(no.exitCode, 1);
  assert.equal(no.output, '');
  await client.waitForText(0, /echo hi/); // it was typed where the learner sees it
});

test('a run sent while another runs is queued, then runs, in order', async () => {
  const from = client.messages.length;
  client.send({ type: 'run', cellId: 's2.c1' });
  await client.next((m) => m.type === 'runStarted' && m.cellId === 's2.c1', from);
  client.send({ type: 'run', cellId: 's2.c2' });
  const queued = await client.next((m) => m.type === 'runQueued' && m.cellId === 's2.c2', from);
  assert.equal(queued.type === 'runQueued' && queued.position, 1);
  const second = await client.next((m) => m.type === 'runResult' && m.cellId === 's2.c2', from);
  const order = client.messages
    .slice(from)
    .filter((m) => m.type === 'runResult')
    .map((m) => (m.type === 'runResult' ? `${m.cellId}:${m.output}` : ''));
  assert.deepEqual(order, ['s2.c1:slept', 's2.c2:queued']);
  assert.equal(second.type === 'runResult' && second.exitCode, 0);
});

test('a multi-line cell gives one result with the last exit status', async () => {
  const from = client.messages.length;
  const r = await client.run('s3.c1');
  assert.equal(r.output, 'one\ntwo');
  assert.equal(r.exitCode, 3);
  assert.equal(client.messages.slice(from).filter((m) => m.type === 'runResult').length, 1);
  const heredoc = await client.run('s3.c2');
  assert.equal(heredoc.output, 'here\ndoc');
  assert.equal(heredoc.exitCode, 0);
});

test('a cell for T2 opens T2 and runs there', async () => {
  const r = await client.run('s4.c1');
  assert.equal(r.output, 'in-t2');
  await client.next((m) => m.type === 'snapshot' && m.term === 1);
  await client.waitForText(1, /echo in-t2/);
  assert.doesNotMatch(client.text(0), /in-t2/);
});

test('Ctrl-C (interrupt) ends a running cell and skips the queue', async () => {
  const from = client.messages.length;
  // The command says when it runs in the foreground job, so the Ctrl-C cannot race bash's fork (a Ctrl-C in
  // the instant between Enter and the job taking the terminal goes to bash, as in any terminal).
  client.type(0, "sh -c 'echo started-$((6*7)); exec sleep 600'\r");
  await client.waitForText(0, /started-42/);
  client.send({ type: 'run', cellId: 's1.c1' });
  await client.next((m) => m.type === 'runQueued' && m.cellId === 's1.c1', from);
  client.send({ type: 'interrupt', term: 0 });
  const r = await client.next((m) => m.type === 'runResult' && m.cellId === 's1.c1', from);
  assert.equal(r.type === 'runResult' && r.output, 'hi', 'the queued run ran once the interrupted command ended');
});

test('a shell that exits is reported and can be restarted', async () => {
  const from = client.messages.length;
  const r = await client.run('s5.c1');
  assert.equal(r.exitCode, null, 'no prompt came back to report a status');
  const exited = await client.next((m) => m.type === 'exited' && m.term === 0, from);
  assert.equal(exited.type === 'exited' && exited.exitCode, 7);
  client.send({ type: 'run', cellId: 's1.c1' });
  const refused = await client.next((m) => m.type === 'error', from);
  assert.equal(refused.type === 'error' && refused.code, 'SHELL_EXITED');
  client.send({ type: 'openTerminal', term: 0 });
  client.type(0, 'echo "typed-while-restarting-$((1+1))"\r'); // before the new shell exists: must not be lost
  await client.waitForText(0, /typed-while-restarting-2/);
  const pid = await client.run('s5.c2');
  assert.equal(pid.exitCode, 0);
  assert.match(pid.output, /^\d+$/);
  // The restarted shell's output reaches the live stream too, not only the cell result.
  client.type(0, 'echo "typed-after-$((20+1))"\r');
  await client.waitForText(0, /typed-after-21/);
});

test('Check evaluates the step against the last run output and records progress', async () => {
  await client.run('s6.c1');
  const from = client.messages.length;
  client.send({ type: 'check', stepId: 'check' });
  const verdict = await client.next((m) => m.type === 'checkResult', from);
  assert.equal(verdict.type === 'checkResult' && verdict.passed, true, JSON.stringify(verdict));
  const progress = await client.next((m) => m.type === 'progress', from);
  assert.deepEqual(progress.type === 'progress' && progress.completedSteps, ['check']);
});

test('hostile: unknown cells and steps are refused with a typed error, the session lives on', async () => {
  const from = client.messages.length;
  client.send({ type: 'run', cellId: 's99.c1' });
  const e1 = await client.next((m) => m.type === 'error', from);
  assert.equal(e1.type === 'error' && e1.code, 'CELL_NOT_FOUND');
  client.send({ type: 'check', stepId: '../../etc' });
  const e2 = await client.next((m) => m.type === 'error' && m.code === 'STEP_NOT_FOUND', from);
  assert.ok(e2);
  client.send({ type: 'openTerminal', term: 15 });
  const e3 = await client.next((m) => m.type === 'error' && m.code === 'TOO_MANY_TERMINALS', from);
  assert.ok(e3);
  assert.equal((await client.run('s1.c1')).output, 'hi');
});
