// The boundaries of DESIGN.md are enforced by tools, and this file is how `npm test` runs them:
// - each tool, with the project's own config, fails on a tiny tree that breaks its rule (a folder cycle, a deep
//   import across a folder boundary, a floating promise, unformatted code) and names the problem, and passes on the
//   same tree once the problem is fixed;
// - then each passes on the real tree (`npm run deps`, `npm run lint`, `npm run format:check`).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO_ROOT } from './harness/cli.ts';
import { runTool, toolBin } from './harness/run-tool.ts';

const ARTIFACTS = join(REPO_ROOT, 'test', 'artifacts');
let work: string;

before(() => {
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(ARTIFACTS, 'boundaries-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Writes `files` (path → text) into a fresh folder under the test's work dir and returns that folder. */
function tree(name: string, files: Record<string, string>): string {
  const root = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Runs dependency-cruiser with the project's rules over `root`'s server/ folder, as `npm run deps` does. */
function depcruise(root: string) {
  return runTool(toolBin('depcruise'), ['server', '--config', join(REPO_ROOT, '.dependency-cruiser.cjs')], root);
}

const TSCONFIG = JSON.stringify({
  extends: join(REPO_ROOT, 'tsconfig.base.json'),
  compilerOptions: { lib: ['ES2022'], types: ['node'] },
  include: ['**/*.ts'],
});

describe('dependency-cruiser, with the project rules', () => {
  test('fails on a cycle between two layer folders, and names it', async () => {
    const root = tree('cycle', {
      'tsconfig.json': TSCONFIG,
      'server/lesson/index.ts': "import { kinds } from '../checks/index.ts';\nexport const lesson = kinds.length;\n",
      'server/checks/index.ts': "import { lesson } from '../lesson/index.ts';\nexport const kinds = [lesson];\n",
    });
    const r = await depcruise(root);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /no-folder-cycles: server\/(lesson|checks) →/, r.output);
    assert.match(r.output, /layer-lesson: server\/lesson\/index\.ts → server\/checks\/index\.ts/, r.output);
  });

  test('fails on a deep import into another folder, and names both files', async () => {
    const root = tree('deep', {
      'tsconfig.json': TSCONFIG,
      'server/lesson/index.ts': "export { parse } from './parse.ts';\n",
      'server/lesson/parse.ts': 'export const parse = (s: string): string[] => s.split(/\\n/);\n',
      'server/checks/index.ts': "import { parse } from '../lesson/parse.ts';\nexport const lines = parse('a');\n",
    });
    const r = await depcruise(root);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /only-through-index: server\/checks\/index\.ts → server\/lesson\/parse\.ts/, r.output);
  });

  test('passes once the same import goes through index.ts, downwards', async () => {
    const root = tree('clean', {
      'tsconfig.json': TSCONFIG,
      'server/lesson/index.ts': "export { parse } from './parse.ts';\n",
      'server/lesson/parse.ts': 'export const parse = (s: string): string[] => s.split(/\\n/);\n',
      'server/checks/index.ts': "import { parse } from '../lesson/index.ts';\nexport const lines = parse('a');\n",
    });
    const r = await depcruise(root);
    assert.equal(r.code, 0, r.output);
  });
});

describe('eslint, with the project config', () => {
  /** Lints `code` with eslint.config.js's rules; types come from a one-file program beside it (fast). */
  async function lint(name: string, code: string): Promise<ESLint.LintResult> {
    const root = tree(name, { 'tsconfig.json': TSCONFIG, 'index.ts': code });
    const eslint = new ESLint({
      cwd: REPO_ROOT,
      overrideConfigFile: join(REPO_ROOT, 'eslint.config.js'),
      ignore: false, // the work dir is under test/artifacts/, which the real run ignores
      overrideConfig: { languageOptions: { parserOptions: { project: [join(root, 'tsconfig.json')] } } },
    });
    const [result] = await eslint.lintFiles([join(root, 'index.ts')]);
    assert.ok(result, 'eslint returned no result');
    return result;
  }
  const ASYNC_SAVE = 'async function save(): Promise<void> {\n  await Promise.resolve();\n}\n';

  test('fails on a floating promise, and names the rule and the line', async () => {
    const result = await lint('floating', `${ASYNC_SAVE}export function onClick(): void {\n  save();\n}\n`);
    const found = result.messages.map((m) => `${m.line}: ${m.ruleId ?? m.message}`);
    assert.deepEqual(found, ['5: @typescript-eslint/no-floating-promises'], JSON.stringify(result.messages));
  });

  test('passes once the promise is handled', async () => {
    const result = await lint(
      'handled',
      `${ASYNC_SAVE}export async function onClick(): Promise<void> {\n  await save();\n}\n`,
    );
    assert.deepEqual(result.messages, []);
  });
});

describe('prettier, with the project config', () => {
  /** Checks one file as `npm run format:check` would (the work dir is in .prettierignore, so no ignore file here). */
  function check(name: string, code: string) {
    const root = tree(name, { 'index.ts': code });
    const args = ['--check', '--config', join(REPO_ROOT, '.prettierrc.json'), '--ignore-path', '', 'index.ts'];
    return runTool(toolBin('prettier'), args, root);
  }

  test('fails on unformatted code, and names the file', async () => {
    const r = await check('unformatted', 'export const greeting = "hello"\n');
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /\[warn\] index\.ts/, r.output);
  });

  test('passes on the same code, formatted', async () => {
    const r = await check('formatted', "export const greeting = 'hello';\n");
    assert.equal(r.code, 0, r.output);
  });
});

// The real tree. These run the npm scripts, exactly what a developer runs; each prints the tool's report on failure.
describe('the real tree', () => {
  for (const script of ['deps', 'lint', 'format:check']) {
    test(`npm run ${script} passes`, async () => {
      const r = await runTool('npm', ['run', '--silent', script]);
      assert.equal(r.code, 0, `npm run ${script} failed:\n${r.output}`);
    });
  }
});
