// The pool's own bookkeeping, with a maker that hands out numbered ids; test/docker-warm-pool.test.ts runs it
// against a real engine.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { WARM_RETRY_MS, WARM_SESSION_PREFIX, WarmPool } from './docker-warm-pool.ts';

interface Maker {
  started: string[]; // pool session ids, as each make begins
  made: string[]; // pool session ids, in order
  removed: string[];
  errors: unknown[];
  inFlight: number;
  maxInFlight: number;
  failNext: number;
  /** Holds each make until release() (to look at the pool mid-fill). */
  gate: Promise<void> | null;
  release(): void;
}

function maker(): Maker & { pool(size: number): WarmPool<string> } {
  let open: (() => void) | null = null;
  const m: Maker & { pool(size: number): WarmPool<string> } = {
    started: [],
    made: [],
    removed: [],
    errors: [],
    inFlight: 0,
    maxInFlight: 0,
    failNext: 0,
    gate: null,
    release() {
      open?.();
      m.gate = null;
    },
    pool(size) {
      return new WarmPool({
        size,
        make: async (session) => {
          m.started.push(session);
          m.inFlight++;
          m.maxInFlight = Math.max(m.maxInFlight, m.inFlight);
          try {
            if (m.gate) await m.gate;
            await new Promise((r) => setImmediate(r));
            if (m.failNext > 0) {
              m.failNext--;
              throw new Error('engine said no');
            }
            m.made.push(session);
            return `c${m.made.length}`;
          } finally {
            m.inFlight--;
          }
        },
        remove: async (id) => {
          m.removed.push(id);
        },
        onError: (err) => m.errors.push(err),
      });
    },
  };
  m.gate = new Promise<void>((r) => (open = r));
  m.release(); // starts open; a test closes it by setting a new gate
  return m;
}

/** Moves the mocked clock on by `ms` and lets the pool finish what that started. */
async function advance(t: TestContext, pool: WarmPool<string>, ms: number): Promise<void> {
  t.mock.timers.tick(ms);
  await new Promise((r) => setImmediate(r));
  await pool.settled();
}

test('fills to its size one container at a time, each under a pool session id, not a learner id', async () => {
  const m = maker();
  const pool = m.pool(3);
  await pool.settled();
  assert.equal(pool.readyCount, 3);
  assert.equal(m.maxInFlight, 1);
  assert.equal(m.made.length, 3);
  for (const session of m.made) {
    assert.ok(session.startsWith(WARM_SESSION_PREFIX), session);
    assert.ok(pool.ownsSession(session));
  }
  await pool.dispose();
});

test('a claim hands out the oldest container, and the pool makes its replacement', async () => {
  const m = maker();
  const pool = m.pool(2);
  await pool.settled();
  assert.equal(pool.claim(), 'c1');
  assert.equal(pool.ownsSession(m.made[0]!), false, 'a claimed container belongs to its session now');
  await pool.settled();
  assert.equal(pool.readyCount, 2);
  assert.equal(pool.claim(), 'c2');
  assert.equal(pool.claim(), 'c3');
  assert.equal(pool.claim(), undefined, 'empty until the next one is made');
  await pool.settled();
  assert.equal(pool.readyCount, 2);
  await pool.dispose();
});

test('a container being made is already owned: list() must not take it for a leftover', async () => {
  const m = maker();
  let open!: () => void;
  m.gate = new Promise<void>((r) => (open = r));
  const pool = m.pool(1);
  await new Promise((r) => setImmediate(r));
  assert.equal(pool.readyCount, 0);
  assert.equal(m.started.length, 1);
  assert.ok(pool.ownsSession(m.started[0]!), "the container the engine is making right now is the pool's");
  assert.equal(pool.ownsSession(`${WARM_SESSION_PREFIX}000000000000`), false);
  open();
  await pool.settled();
  assert.ok(pool.ownsSession(m.made[0]!));
  await pool.dispose();
});

test('a failed make is reported, and the pool tries again after WARM_RETRY_MS instead of hammering the engine', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const m = maker();
  m.failNext = 1;
  const pool = m.pool(2);
  await pool.settled();
  assert.equal(m.errors.length, 1);
  assert.equal(pool.readyCount, 0);
  assert.equal(pool.claim(), undefined);
  await pool.settled();
  assert.equal(m.made.length, 0, 'no retry before the delay, even after a claim');
  await advance(t, pool, WARM_RETRY_MS);
  assert.equal(pool.readyCount, 2);
  await pool.dispose();
});

test('dispose removes the ready containers, and one that finishes being made afterwards', async () => {
  const m = maker();
  const pool = m.pool(2);
  await pool.settled();
  let open!: () => void;
  m.gate = new Promise<void>((r) => (open = r));
  assert.equal(pool.claim(), 'c1'); // starts making c3, held at the gate
  await new Promise((r) => setImmediate(r));
  const disposed = pool.dispose();
  open();
  await disposed;
  assert.deepEqual(m.removed.sort(), ['c2', 'c3']);
  assert.equal(pool.claim(), undefined);
  assert.equal(pool.readyCount, 0);
});

test('failures in a row double the wait before the next try', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const m = maker();
  m.failNext = 2;
  const pool = m.pool(1);
  await pool.settled();
  await advance(t, pool, WARM_RETRY_MS); // the second try, which fails too
  assert.equal(m.errors.length, 2);
  await advance(t, pool, WARM_RETRY_MS);
  assert.equal(pool.readyCount, 0, 'the third try waits twice as long');
  await advance(t, pool, WARM_RETRY_MS);
  assert.equal(pool.readyCount, 1);
  await pool.dispose();
});
