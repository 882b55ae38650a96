// bench/check: the per-cell overhead of `stepwise check` (typing each cell into a real pty and waiting for its
// shell-integration end marker) against running the same commands in plain bash. Target (DESIGN.md): < 30 ms
// per cell. Fixed costs (node start, the session, the first prompt) are measured separately with a lesson of
// no cells and subtracted, as bash's own start is subtracted from the baseline.
// Run: npm run bench:check  [-- --cells 100 --steps 5 --runs 3 --cli dist/cli.js]
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { best, timeCommand, verdict, type Timed } from './lib/measure.ts';

const TARGET_OVERHEAD_MS = 30;

const { values } = parseArgs({
  options: {
    cells: { type: 'string', default: '100' },
    steps: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    cli: { type: 'string', default: fileURLToPath(new URL('../dist/cli.js', import.meta.url)) },
  },
});
const CLI = values.cli;
const cells = Number(values.cells);
const steps = Number(values.steps);
const runs = Number(values.runs);

/** Small, real commands of the kind lessons run: write, list, read, count. */
function command(i: number): string {
  return [`echo line ${i} >> log.txt`, 'ls -l log.txt', 'tail -n 1 log.txt', 'wc -l log.txt'][i % 4] ?? 'true';
}

function lesson(dir: string, n: number): string {
  const perStep = Math.ceil(n / steps);
  const parts = ['---', `title: Bench ${n}`, '---', ''];
  for (let s = 0; s < Math.max(1, Math.ceil(n / perStep)); s++) {
    parts.push(`## Step ${s + 1}`, '');
    for (let i = s * perStep; i < Math.min(n, (s + 1) * perStep); i++) parts.push('```bash', command(i), '```', '');
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'lesson.md'), parts.join('\n'));
  return dir;
}

function bashScript(path: string, n: number): string {
  const lines = ['cd "$(mktemp -d)"'];
  for (let i = 0; i < n; i++) lines.push(command(i));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function ok(r: Promise<Timed>, what: string): Promise<Timed> {
  const done = await r;
  if (done.code !== 0)
    throw new Error(`${what} exited ${done.code}: ${done.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return done;
}

const dir = mkdtempSync(join(tmpdir(), 'stepwise-bench-check-'));
try {
  const env = { ...process.env, XDG_STATE_HOME: join(dir, 'state') };
  const empty = lesson(join(dir, 'empty'), 0);
  const full = lesson(join(dir, 'full'), cells);
  const bash0 = bashScript(join(dir, 'empty.sh'), 0);
  const bashN = bashScript(join(dir, 'full.sh'), cells);

  const check0 = await best(runs, () =>
    ok(timeCommand(process.execPath, [CLI, 'check', empty], env), 'stepwise check (no cells)'),
  );
  const checkN = await best(runs, () =>
    ok(timeCommand(process.execPath, [CLI, 'check', full], env), `stepwise check (${cells} cells)`),
  );
  const plain0 = await best(runs, () => ok(timeCommand('bash', [bash0]), 'bash (no commands)'));
  const plainN = await best(runs, () => ok(timeCommand('bash', [bashN]), `bash (${cells} commands)`));

  const perCellCheck = (checkN.ms - check0.ms) / cells;
  const perCellBash = (plainN.ms - plain0.ms) / cells;
  const overhead = perCellCheck - perCellBash;
  const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(44)} ${value}\n`);
  process.stdout.write(`bench/check: ${cells} cells in ${steps} steps, best of ${runs} runs\n`);
  line('stepwise check, fixed cost (no cells)', `${check0.ms.toFixed(0)} ms`);
  line(`stepwise check, ${cells} cells`, `${checkN.ms.toFixed(0)} ms`);
  line('plain bash, fixed cost / same commands', `${plain0.ms.toFixed(0)} ms / ${plainN.ms.toFixed(0)} ms`);
  line('per cell: stepwise check', `${perCellCheck.toFixed(2)} ms`);
  line('per cell: plain bash', `${perCellBash.toFixed(2)} ms`);
  line('ratio stepwise check / plain bash per cell', `${(perCellCheck / Math.max(perCellBash, 0.001)).toFixed(1)}×`);
  line(
    'overhead per cell',
    `${overhead.toFixed(2)} ms (target < ${TARGET_OVERHEAD_MS} ms: ${verdict(overhead < TARGET_OVERHEAD_MS)})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
