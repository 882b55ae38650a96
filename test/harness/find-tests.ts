// Finds test files: unit tests sit beside the code (server/, client/), system tests in test/.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './cli.ts';

/** Roots of unit tests that sit beside the code: pure, no root, Docker, pty or browser. */
export const UNIT_TEST_ROOTS = ['server', 'client'] as const;
/** Every root `npm test` searches. */
export const ALL_TEST_ROOTS = [...UNIT_TEST_ROOTS, 'test'] as const;
/** Folders that hold no tests: dependencies, build output, test output and the fixtures tests read. */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'artifacts', 'fixtures']);

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // a root that does not exist yet has no tests
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(path, out);
    } else if (name.endsWith('.test.ts')) {
      out.push(relative(REPO_ROOT, path));
    }
  }
}

/** Test files under the given roots, as paths relative to the repository root, in a stable order. */
export function findTests(roots: readonly string[]): string[] {
  const out: string[] = [];
  for (const root of roots) walk(join(REPO_ROOT, root), out);
  return out;
}
