// Builds the server bundle (dist/cli.js) and the browser app (dist/client/). `npm start` and `npm test` run it
// when dist/ is older than the sources, and `npm pack` (prepack) always does, so the published tarball carries dist/.
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const watch = process.argv.includes('--watch');

/** dockerode's dependencies for SSH engine addresses and BuildKit sessions; stepwise uses neither. */
const UNUSED_DOCKERODE_PARTS = ['ssh2', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'];

// zod's `z` namespace re-exports every locale (about 260 KB minified); stepwise only needs English messages,
// which zod's classic entry imports directly. This swaps the locale index for English alone in both bundles.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/') ? { path: 'zod-locales', namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};

// `--client-out DIR` builds only the browser app, into DIR (the browser tests build a fresh copy this way).
const clientOutAt = process.argv.indexOf('--client-out');
const clientOut = clientOutAt > 0 ? process.argv[clientOutAt + 1] : undefined;

async function buildClient(outDir) {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: ['client/main.ts'],
    outfile: `${outDir}/app.js`,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    sourcemap: true,
    minify: !watch,
    loader: { '.css': 'css' },
    logLevel: 'warning',
    plugins: [zodEnglishOnly],
  });
  for (const f of ['index.html', 'styles.css', 'favicon.svg']) {
    if (existsSync(`client/${f}`)) await cp(`client/${f}`, `${outDir}/${f}`);
  }
  await cp('node_modules/@xterm/xterm/css/xterm.css', `${outDir}/xterm.css`);
}

if (clientOut) {
  await buildClient(clientOut);
  process.stdout.write(`stepwise: built the browser app into ${clientOut}\n`);
  process.exit(0);
}

await rm('dist', { recursive: true, force: true });
await mkdir('dist/client', { recursive: true });

await build({
  // The layer-scan worker thread's entry (server/core/scan-worker/start.ts finds it as dist/scan-worker.js).
  entryPoints: { cli: 'server/cli.ts', 'scan-worker': 'server/core/scan-worker/worker.ts' },
  outdir: 'dist',
  // Commands import their implementation on use; splitting keeps each in its own chunk, so `stepwise lint`
  // never loads node-pty, express or dockerode.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // The runtime dependencies stay external (node-pty is native; the rest is installed with stepwise). Anything
  // else the server imports is bundled: dockerode (a dev dependency) comes in whole, so an install never pulls
  // its optional native and install-script dependencies, which stepwise does not use (see build-stubs/).
  // zod is the exception: bundled like in the browser app, with English messages only (zodEnglishOnly). Loaded
  // from node_modules it costs `stepwise serve` 2.3 MiB more old space at idle (its ~95 modules and every locale).
  external: Object.keys(pkg.dependencies)
    .filter((name) => name !== 'zod')
    .flatMap((name) => [name, `${name}/*`]),
  alias: Object.fromEntries(UNUSED_DOCKERODE_PARTS.map((name) => [name, './build-stubs/unsupported.cjs'])),
  define: { STEPWISE_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS (dockerode) calls require() for Node's built-ins; an ES module has no require of its own.
  banner: {
    js: "import { createRequire as __stepwiseCreateRequire } from 'node:module'; const require = __stepwiseCreateRequire(import.meta.url);",
  },
  sourcemap: true,
  // V8 keeps every loaded chunk's source text for lazy compilation, so its size is resident memory. Minified
  // (names kept, for readable stack traces) the server's chunks are a third smaller, and carry none of the
  // comments esbuild otherwise keeps: one non-ASCII character in those made a whole chunk a two-byte string
  // (764 KB in the heap for a 391 KB file). `stepwise serve` idle: 1.1 MiB less.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
});

if (existsSync('client/main.ts')) await buildClient('dist/client');
process.stdout.write('stepwise: built dist/\n');
