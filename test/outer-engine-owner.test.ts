// The userns level's outer dockerd has one owner (`owner.pid` in its folder): a `stepwise check` and a class server
// on one host share the state folder, so each finds the other's dockerd. The one that adopted it while its owner
// lives must not stop it when it finishes (that would take a running class's engines down); the owner does; an
// owner that died is replaced by the next adopter. A real dockerd, started for the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OuterEngine, outerEngineDir } from '../server/environment/learner-engine/outer-engine.ts';

/** The state folder is a 0700 temp folder, like root's home: the dockerd lives where outerEngineDir puts it. */
const STATE = mkdtempSync(join(tmpdir(), 'swow-'));
const DIR = outerEngineDir(STATE);

async function answers(engine: OuterEngine): Promise<boolean> {
  return engine.docker.ping().then(
    () => true,
    () => false,
  );
}

test("a second user of a live owner's dockerd never stops it; the owner does", async () => {
  if (process.getuid?.() !== 0) assert.fail('this test starts dockerd --userns-remap, which needs root');
  const owner = await OuterEngine.start(DIR);
  try {
    assert.equal(readFileSync(join(DIR, 'owner.pid'), 'utf8').trim(), String(process.pid));
    // Another process owns it now (pid 1 always lives): this one adopts it, as a check beside a server would.
    writeFileSync(join(DIR, 'owner.pid'), '1\n');
    const guest = await OuterEngine.start(DIR);
    await guest.stop();
    assert.ok(await answers(owner), "the guest's stop left the owner's dockerd running");
    assert.equal(readFileSync(join(DIR, 'owner.pid'), 'utf8').trim(), '1');
    // The owner died (a pid that is not running): the next adopter takes it over, and its stop stops it.
    writeFileSync(join(DIR, 'owner.pid'), '2147483646\n');
    const heir = await OuterEngine.start(DIR);
    assert.equal(readFileSync(join(DIR, 'owner.pid'), 'utf8').trim(), String(process.pid));
    await heir.stop();
    assert.equal(await answers(owner), false, "the heir's stop stopped the dockerd");
  } finally {
    writeFileSync(join(DIR, 'owner.pid'), `${process.pid}\n`);
    await owner.stop();
    rmSync(DIR, { recursive: true, force: true });
    rmSync(STATE, { recursive: true, force: true });
  }
});
