// Builds the server bundle (dist/cli.js) and the browser app (dist/client/). Run by `npm install` (prepare).
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');

// zod's `z` namespace re-exports every locale (about 260 KB minified); the browser only needs English messages,
// which zod's classic entry imports directly. This swaps the locale index for English alone in the client bundle.
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
  entryPoints: { cli: 'server/cli.ts' },
  outdir: 'dist',
  // Commands import their implementation on use; splitting keeps each in its own chunk, so `stepwise lint`
  // never loads node-pty, express or dockerode.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external', // node_modules stay external: node-pty is native, the rest is installed anyway
  sourcemap: true,
  logLevel: 'warning',
});

if (existsSync('client/main.ts')) await buildClient('dist/client');
process.stdout.write('stepwise: built dist/\n');
