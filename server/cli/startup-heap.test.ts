import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

// V8 flags are process-wide, so each case runs in a child node: a held TurboFan must not leak into this runner.
const MODULE = fileURLToPath(new URL('./startup-heap.ts', import.meta.url));
/** %GetOptimizationStatus bit for "has optimized code" (V8's OptimizationStatus::kOptimized). */
const OPTIMIZED_BIT = 16;

/** Runs a hot function while held, then after release; reports V8's optimization status at both points. */
const PROBE = `
import { holdStartupTuning } from ${JSON.stringify(MODULE)};
const release = holdStartupTuning();
const hot = new Function('a', 'b', 'return a * b + 1;');
const status = () => new Function('f', 'return %GetOptimizationStatus(f)')(hot);
const run = () => { let s = 0; for (let i = 0; i < 300000; i++) s += hot(i, 2); return s; };
run();
await new Promise((r) => setTimeout(r, 100));
run();
const held = status();
release();
let after = status();
for (let round = 0; round < 25 && !(after & ${OPTIMIZED_BIT}); round++) {
  run();
  await new Promise((r) => setTimeout(r, 20));
  after = status();
}
process.stdout.write(JSON.stringify({ held, after }));
`;

function probe(nodeFlags: string[]): { held: number; after: number } {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-startup-heap-'));
  try {
    const file = join(dir, 'probe.mjs');
    writeFileSync(file, PROBE);
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', ...nodeFlags, '--import', 'tsx', file], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, `probe failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { held: number; after: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('while held, a hot function stays unoptimized; once released, V8 optimizes it as usual', () => {
  const { held, after } = probe([]);
  assert.equal(held & OPTIMIZED_BIT, 0, `optimized while held (status ${held})`);
  assert.notEqual(after & OPTIMIZED_BIT, 0, `never optimized after release (status ${after})`);
});

test("the user's own compiler flags win: nothing is held, and release does not turn TurboFan back on", () => {
  const { after } = probe(['--no-turbofan']);
  assert.equal(after & OPTIMIZED_BIT, 0, `release overrode --no-turbofan (status ${after})`);
});
