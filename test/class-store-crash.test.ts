// DESIGN.md "Classes", State: `kill -9` of the process writing the class database, at any moment, never
// corrupts the file and loses at most the write in flight. A child writes in a loop and reports each write
// after it returns; it is killed after a varying number of writes, again and again, on the same file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REPO_ROOT } from './harness/cli.ts';

/** Kills in the loop: enough to land in every part of a write (journal, WAL frame, checkpoint) many times. */
const KILLS = 20;

/** Starts the writer at step `first`, kills it with SIGKILL after `acksBeforeKill` acknowledged writes. */
function writeThenKill(file: string, first: number, acksBeforeKill: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'test/harness/class-store-writer.ts'), file, String(first)],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const acked: number[] = [];
    let pending = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) acked.push(Number(line));
      if (acked.length >= acksBeforeKill) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`the writer exited by itself (code ${code}): ${stderr}`));
    });
  });
}

test(`kill -9 of a writer, ${KILLS} times, never corrupts the class database and loses at most the write in flight`, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stepwise-class-crash-'));
  try {
    const file = join(dir, 'crash.sqlite');
    const acknowledged = new Set<number>();
    const inFlight = new Set<number>(); // writes that committed as their writer was killed, before it could say so
    let next = 0;
    for (let round = 0; round < KILLS; round++) {
      const acked = await writeThenKill(file, next, 1 + ((round * 37) % 200)); // varied, reproducible kill points
      for (const n of acked) acknowledged.add(n);
      const db = new Database(file);
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `round ${round}`);
      const stored = new Set(
        db
          .prepare("SELECT step_id FROM progress WHERE learner_id = 'L'")
          .pluck()
          .all()
          .map((s) => Number(String(s).slice(1))),
      );
      db.close();
      for (const n of acknowledged) assert.ok(stored.has(n), `round ${round}: acknowledged write s${n} is missing`);
      const last = Math.max(next - 1, ...acked);
      for (const n of stored) {
        if (acknowledged.has(n) || inFlight.has(n)) continue;
        assert.equal(n, last + 1, `round ${round}: s${n} was never written`);
        inFlight.add(n);
      }
      next = Math.max(last + 1, ...stored) + 1;
    }
    assert.ok(acknowledged.size >= KILLS, `only ${acknowledged.size} writes were acknowledged`);
    assert.ok(inFlight.size <= KILLS);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
