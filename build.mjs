// Builds the server bundle (dist/cli.js) and the browser app (dist/client/). Run by `npm install` (prepare).
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
await rm('dist', { recursive: true, force: true });
await mkdir('dist/client', { recursive: true });

await build({
  entryPoints: ['server/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external', // node_modules stay external: node-pty is native, the rest is installed anyway
  sourcemap: true,
  logLevel: 'warning',
});

if (existsSync('client/main.ts')) {
  await build({
    entryPoints: ['client/main.ts'],
    outfile: 'dist/client/app.js',
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    sourcemap: true,
    minify: !watch,
    loader: { '.css': 'css' },
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'styles.css']) {
    if (existsSync(`client/${f}`)) await cp(`client/${f}`, `dist/client/${f}`);
  }
  await cp('node_modules/@xterm/xterm/css/xterm.css', 'dist/client/xterm.css');
}
process.stdout.write('stepwise: built dist/\n');
