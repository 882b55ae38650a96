// What someone who never clones the repository does: the published tarball (built by `npm pack`'s prepack)
// installed globally into a fresh prefix with the README's own command, then the installed `stepwise` run for
// real: --version, lint and check of the bundled lessons, inspect of an archive with big layers (its scan workers),
// and serve answering its page.
// It needs the npm registry (for stepwise's dependencies), as any install does; without it this test fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './harness/cli.ts';
import { httpGet } from './harness/http-get.ts';
import { dockerArchive, makeLayers } from './harness/parallel-archive.ts';

/** A global install fetches about 120 packages and compiles node-pty and better-sqlite3 (SQLite itself, when no
 *  prebuilt binary can be fetched); beside the rest of the suite on 2 cores that takes minutes (ms). */
const INSTALL_TIMEOUT_MS = 20 * 60_000;
/** The installed server prints its URL within this (ms). */
const SERVE_START_TIMEOUT_MS = 60_000;

interface PackageJson {
  name: string;
  version: string;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;

/** The install command as the README gives it, so the test installs exactly the way users are told to. */
function readmeInstallArgs(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => l.startsWith('npm install -g '));
  assert.ok(line, 'README.md has no `npm install -g …` line for installing from npm');
  const words = line.replace(/#.*$/, '').trim().split(/\s+/);
  assert.equal(words.at(-1), pkg.name, `README's install line names ${words.at(-1)}, not the package ${pkg.name}`);
  return words.slice(1, -1); // without `npm` and the package name
}

/** A copy of the working tree as a clone would have it (tracked and untracked-but-not-ignored files). */
function copyOfTree(into: string): string {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
  })
    .toString('utf8')
    .split('\0')
    .filter((f) => f !== '');
  for (const f of files) {
    mkdirSync(dirname(join(into, f)), { recursive: true });
    try {
      cpSync(join(REPO_ROOT, f), join(into, f));
    } catch (e: unknown) {
      // A file deleted in the working tree but still in the index is not part of what a clone would build.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(into, 'node_modules')); // prepack's build needs esbuild
  return into;
}

interface Run {
  status: number | null;
  stdout: string;
  /** stdout and stderr together, for messages and warning scans. */
  out: string;
}

function run(cmd: string, args: string[], opts: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Run {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
}

test(
  'npm pack, then a global install the README way: the installed stepwise lints, checks and serves',
  { timeout: 2 * INSTALL_TIMEOUT_MS },
  async (t) => {
    const base = mkdtempSync(join(tmpdir(), 'stepwise-pack-'));
    t.after(() => rmSync(base, { recursive: true, force: true }));
    const tree = copyOfTree(join(base, 'tree'));

    // 1. The tarball: built by prepack, holding what a user needs and nothing of the tests or benches.
    const packed = run('npm', ['pack', '--json', '--pack-destination', base], { cwd: tree });
    assert.equal(packed.status, 0, `npm pack failed:\n${packed.out}`);
    const listing = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const paths = listing[0]!.files.map((f) => f.path);
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/stepwise.js',
      'dist/cli.js',
      'dist/scan-worker.js',
      'dist/client/index.html',
      'dist/client/app.js',
    ]) {
      assert.ok(paths.includes(needed), `the tarball lacks ${needed}`);
    }
    for (const folder of ['scenarios/container-images/', 'scenarios/tar-basics/', 'docs/']) {
      assert.ok(
        paths.some((p) => p.startsWith(folder)),
        `the tarball lacks ${folder}`,
      );
    }
    const stray = paths.filter((p) => /^(test|bench|server|client)\//.test(p) || p.startsWith('tsconfig'));
    assert.deepEqual(stray, [], 'the tarball carries sources, tests or benches');
    const tarball = join(base, listing[0]!.filename);

    // 2. The install, exactly as the README says, into a fresh prefix; npm may warn about nothing.
    const prefix = join(base, 'prefix');
    const installed = run(
      'npm',
      ['install', ...readmeInstallArgs(), '--prefix', prefix, '--no-audit', '--no-fund', tarball],
      { cwd: base },
    );
    assert.equal(installed.status, 0, `the global install failed:\n${installed.out}`);
    const warnings = installed.out.split('\n').filter((l) => /\bwarn|WARN/.test(l));
    assert.deepEqual(warnings, [], `the install printed warnings:\n${installed.out}`);

    const stepwise = join(prefix, 'bin', 'stepwise');
    const home = join(prefix, 'lib', 'node_modules', pkg.name);
    // The installed command runs outside the repository, with its own state folder.
    const cwd = mkdtempSync(join(base, 'user-'));
    const env = { XDG_STATE_HOME: join(base, 'state'), DOCKER_HOST: process.env.DOCKER_HOST };

    // 3. --version, lint of the bundled lessons, check of the bundled tar lesson.
    const version = run(stepwise, ['--version'], { cwd, env });
    assert.equal(version.out.trim(), pkg.version);
    const lint = run(
      stepwise,
      ['lint', join(home, 'scenarios', 'container-images'), join(home, 'scenarios', 'tar-basics')],
      { cwd, env },
    );
    assert.equal(lint.status, 0, `lint of the bundled lessons failed:\n${lint.out}`);
    assert.match(lint.out, /2 lessons, 0 errors/);
    const check = run(stepwise, ['check', join(home, 'scenarios', 'tar-basics'), '--tap'], { cwd, env });
    assert.equal(check.status, 0, `check of the bundled tar lesson failed:\n${check.out}`);
    assert.match(check.out, /^1\.\.\d+$/m);
    assert.doesNotMatch(check.out, /^not ok/m);

    // The engine client: dockerode is bundled into dist (an install has no node_modules/dockerode), so an inspect
    // of an engine image gets as far as the engine's socket (absent here) rather than failing to load.
    const engine = run(stepwise, ['inspect', 'docker://stepwise-missing:latest'], {
      cwd,
      env: { ...env, DOCKER_HOST: `unix://${join(base, 'no-engine.sock')}` },
    });
    assert.equal(engine.status, 1, engine.out);
    assert.match(
      engine.out,
      /ENGINE_ERROR: exporting "stepwise-missing:latest" from the Docker engine failed: connect ENOENT/,
    );

    // Big layers are scanned on worker threads, whose entry is its own file in dist: the installed inspect finds it.
    const archive = join(base, 'parallel.tar');
    writeFileSync(archive, await dockerArchive(await makeLayers()));
    const inspected = run(stepwise, ['inspect', '--verify', '--json', archive], { cwd, env });
    assert.equal(inspected.status, 0, `inspect of a docker-save with big layers failed:\n${inspected.out}`);
    const doc = JSON.parse(inspected.stdout) as { verified: boolean; read: { mode: string; reason: string } };
    assert.equal(doc.verified, true);
    assert.equal(doc.read.mode, 'parallel');
    assert.match(doc.read.reason, /worker threads/);

    // 4. serve from the install: the printed URL logs in and the page and its app load.
    const server = spawn(stepwise, ['serve', join(home, 'scenarios'), '--port', '0'], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => server.kill('SIGKILL'));
    let printed = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve printed no URL within ${SERVE_START_TIMEOUT_MS} ms:\n${printed}`)),
        SERVE_START_TIMEOUT_MS,
      );
      const onData = (b: Buffer): void => {
        printed += b.toString('utf8');
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(printed);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      server.stdout.on('data', onData);
      server.stderr.on('data', onData);
      server.on('close', (code) => reject(new Error(`serve exited (${code}) before printing a URL:\n${printed}`)));
    });
    const login = await httpGet(url);
    assert.equal(login.status, 302);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const page = await httpGet(new URL('/', url).href, { Cookie: cookie });
    assert.equal(page.status, 200);
    assert.match(page.body, /<script[^>]+app\.js/);
    const app = await httpGet(new URL('/static/app.js', url).href, { Cookie: cookie });
    assert.equal(app.status, 200, 'the installed server does not serve its browser app');
    const lessons = await httpGet(new URL('/api/lessons', url).href, { Cookie: cookie });
    assert.equal(lessons.status, 200);
    assert.match(lessons.body, /tar-basics/);
  },
);
